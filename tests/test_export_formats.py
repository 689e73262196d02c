"""The export formats are one registry (``citations.exporting.formats``) that every list of
export links, the export screens and the API read; EndNote XML is the format added to show
it, read back here with lxml."""

import json

import pytest
from lxml import etree

from citations.exporting.endnote import to_endnote_xml
from citations.exporting.formats import ExportFormat, accepted, formats
from tests.htmlparse import page

pytestmark = pytest.mark.django_db

STUDY = "humphreys-2020-twelve-step-six-trials"
GUIDANCE = "nice-2011-alcohol-commissioning"
LABELS = ["RIS", "BibTeX", "CSL-JSON", "EndNote XML"]


def records(content):
    root = etree.fromstring(content)  # raises on anything that is not well-formed XML
    assert root.tag == "xml"
    return root.findall("records/record")


def texts(record, path):
    return [e.text for e in record.findall(path)]


def test_the_formats_in_the_order_the_links_show_them():
    assert [f.label for f in formats] == LABELS
    assert [f.name for f in formats] == ["ris", "bib", "json", "xml"]
    assert accepted() == "RIS (.ris), BibTeX (.bib), CSL-JSON (.json) or EndNote XML (.xml)"


def test_endnote_xml_of_a_journal_article_reads_back_as_its_csl_item(client, demo):
    response = client.get(f"/cite/documents/{STUDY}.xml")
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{STUDY}.xml"'
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    (record,) = records(response.content)
    (item,) = json.loads(client.get(f"/cite/documents/{STUDY}.json").content)

    ref_type = record.find("ref-type")
    assert (ref_type.text, ref_type.get("name")) == ("17", "Journal Article")
    assert texts(record, "titles/title") == [item["title"]]
    assert texts(record, "titles/secondary-title") == ["Drug and Alcohol Dependence"]
    assert texts(record, "periodical/full-title") == ["Drug and Alcohol Dependence"]
    authors = texts(record, "contributors/authors/author")
    assert authors == [f"{p['family']}, {p['given']}" for p in item["author"]]
    assert authors[:2] == ["Humphreys, K.", "Barreto, N. B."]  # as the record gives them
    assert texts(record, "volume") == [item["volume"]] == ["215"]
    assert texts(record, "pages") == [item["page"]]
    assert texts(record, "dates/year") == ["2020"]
    assert texts(record, "dates/pub-dates/date") == ["2020-10-01"]  # seed 000: 2020 Oct 1
    assert texts(record, "edition") == ["2020-08-04"]  # its Epub date
    assert texts(record, "electronic-resource-num") == ["10.1016/j.drugalcdep.2020.108213"]
    urls = texts(record, "urls/related-urls/url")
    assert f"http://testserver/documents/{STUDY}/" in urls
    assert record.find("abstract") is not None and record.find("abstract").text.strip()


def test_guidance_is_a_report_with_its_issuing_body_whole(client, demo):
    (record,) = records(client.get(f"/cite/documents/{GUIDANCE}.xml").content)
    ref_type = record.find("ref-type")
    assert (ref_type.text, ref_type.get("name")) == ("27", "Report")
    # EndNote keeps a name ending in a comma whole, as an organisation.
    assert texts(record, "contributors/authors/author") == [
        "National Institute for Health and Care Excellence,"
    ]
    assert record.find("periodical") is None and record.find("titles/secondary-title") is None


def test_a_whole_cell_exports_as_endnote_xml_in_its_order(client, demo):
    response = client.get("/cite/cells/alcohol/E4.xml")
    assert response["Content-Disposition"] == 'attachment; filename="alcohol-E4.xml"'
    titles = [r.findtext("titles/title") for r in records(response.content)]
    csl = json.loads(client.get("/cite/cells/alcohol/E4.json").content)
    assert titles == [item["title"] for item in csl] and len(titles) > 1


def test_a_page_of_search_results_exports_as_endnote_xml(client, demo):
    query = "?q=mutual+aid&kind=study"
    response = client.get(f"/cite/search.xml{query}")
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    titles = [r.findtext("titles/title") for r in records(response.content)]
    csl = json.loads(client.get(f"/cite/search.json{query}").content)
    assert titles == [item["title"] for item in csl] and titles


def test_nothing_is_invented_and_everything_is_escaped():
    bare = {"id": "x", "type": "article", "title": 'Fish & "chips" <b>\x0b'}
    (record,) = records(to_endnote_xml([bare], {}).encode())
    assert [child.tag for child in record] == ["ref-type", "titles"]
    assert (record.find("ref-type").text, record.find("ref-type").get("name")) == ("13", "Generic")
    assert texts(record, "titles/title") == ['Fish & "chips" <b> ']
    assert records(to_endnote_xml([], {}).encode()) == []


def test_every_list_of_export_links_shows_every_format(client, demo):
    document = page(client.get(f"/documents/{STUDY}/"))
    links = document.find("p", class_="exports").find_all("a")
    assert [a.clean_text for a in links] == LABELS
    assert links[-1]["href"] == f"/cite/documents/{STUDY}.xml"

    cell = page(client.get("/matrices/alcohol/E4/"))
    links = cell.find("p", class_="exports").find_all("a")
    assert [a.clean_text for a in links] == [*LABELS, "Atom feed of this cell"]
    assert links[3]["href"] == "/cite/cells/alcohol/E4.xml"

    search = page(client.get("/search/?q=mutual+aid"))
    links = search.find("p", class_="exports").find_all("a")
    assert [a.clean_text for a in links] == [*LABELS, "Atom feed of this search"]
    assert links[3]["href"].startswith("/cite/search.xml?")


def test_the_api_carries_every_format(client, demo):
    document = client.get(f"/api/v1/documents/{STUDY}").json()
    (record,) = records(document["cite"]["endnote_xml"].encode())
    assert record.findtext("electronic-resource-num") == document["doi"]
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["Citation"]
    assert list(schema["properties"]) == [
        "csl", "apa", "vancouver", "ris", "bibtex", "csl_json", "endnote_xml",
    ]  # fmt: skip


def test_a_registered_format_is_served_and_linked(client, demo):
    plain = ExportFormat(
        name="test-titles",
        label="Titles",
        media_type="text/plain; charset=utf-8",
        extension="txt",
        writer=lambda items, extra: "".join(item["title"] + "\n" for item in items),
        api_key="titles",
    )
    with formats.temporarily(plain):
        response = client.get(f"/cite/documents/{STUDY}.test-titles")
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="{STUDY}.txt"'
        assert response.content.decode().startswith("Impact of 12-step")
        assert accepted().endswith("EndNote XML (.xml) or Titles (.txt)")
    assert "test-titles" not in formats
    assert client.get(f"/cite/documents/{STUDY}.test-other").status_code == 404
