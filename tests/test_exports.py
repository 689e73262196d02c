"""Citations readers take away, each parsed by a real parser: citation meta tags, RIS
(rispy), BibTeX (bibtexparser), CSL-JSON and formatted citations."""

import json

import bibtexparser
import pytest
import rispy

from matrix.models import Cell
from studies.models import Document
from tests.htmlparse import page

pytestmark = pytest.mark.django_db

STUDY = "humphreys-2020-twelve-step-six-trials"


def meta(tree, name):
    return [m["content"] for m in tree.find_all("meta", name=name)]


def test_document_page_has_zotero_and_scholar_metadata(client, demo):
    tree = page(client.get(f"/documents/{STUDY}/"))
    assert meta(tree, "citation_title") == [
        "Impact of 12-step mutual help groups on drug use disorder patients across six clinical "
        "trials"
    ]
    authors = meta(tree, "citation_author")
    assert authors[:2] == ["Humphreys, K.", "Barreto, N. B."] and len(authors) == 7
    assert meta(tree, "citation_publication_date") == ["2020/10/01"]  # seed 000: 2020 Oct 1
    assert meta(tree, "citation_online_date") == ["2020/08/04"]  # seed 000: Epub 2020 Aug 4
    assert meta(tree, "citation_journal_title") == ["Drug and Alcohol Dependence"]
    assert meta(tree, "citation_volume") == ["215"]
    assert meta(tree, "citation_firstpage") == ["108213"]
    assert meta(tree, "citation_doi") == ["10.1016/j.drugalcdep.2020.108213"]
    assert tree.find("link", rel="canonical")["href"] == f"http://testserver/documents/{STUDY}/"
    og = {m["property"]: m["content"] for m in tree.find_all("meta") if m.get("property")}
    assert og["og:type"] == "article" and og["og:url"].endswith(f"/documents/{STUDY}/")
    data = json.loads(tree.find("script", type="application/ld+json").text)
    assert data["@type"] == "ScholarlyArticle" and data["datePublished"] == "2020-10-01"
    assert data["isPartOf"]["isPartOf"]["name"] == "Drug and Alcohol Dependence"
    guidance = page(client.get("/documents/nice-2011-alcohol-commissioning/"))
    assert json.loads(guidance.find("script", type="application/ld+json").text)["@type"] == "Report"
    assert meta(guidance, "citation_author") == [
        "National Institute for Health and Care Excellence"
    ]


def test_pages_split_into_first_and_last_and_pdf_only_when_free(client, demo):
    document = Document.objects.get(slug="timko-debenedetti-2007-intensive-referral")
    tree = page(client.get(document.get_absolute_url()))
    assert meta(tree, "citation_firstpage") == ["270"] and meta(tree, "citation_lastpage") == [
        "279"
    ]
    assert meta(tree, "citation_issue") == ["2-3"]
    assert meta(tree, "citation_pdf_url") == []
    document.free_url = "https://example.org/free/timko.pdf"
    document.pmid = "12345"
    document.save()
    tree = page(client.get(document.get_absolute_url()))
    assert meta(tree, "citation_pdf_url") == ["https://example.org/free/timko.pdf"]
    assert meta(tree, "citation_pmid") == ["12345"]


def test_formatted_citations_in_apa_and_vancouver(client, demo):
    tree = page(client.get(f"/documents/{STUDY}/"))
    styles = {
        s.find("h3").clean_text: s.find("textarea").text
        for s in tree.find_all("div", class_="cite-style")
    }
    assert styles["APA (7th edition)"].startswith("Humphreys, K., Barreto, N. B., Alessi, S. M.")
    assert "(2020). Impact of 12-step" in styles["APA (7th edition)"]
    assert "https://doi.org/10.1016/j.drugalcdep.2020.108213" in styles["APA (7th edition)"]
    assert styles["Vancouver"].startswith("Humphreys K, Barreto NB, Alessi SM")
    assert "Drug and Alcohol Dependence. 2020 Oct 1;215:108213." in styles["Vancouver"]


def test_exports_parse_back_with_their_own_libraries(client, demo):
    ris = client.get(f"/cite/documents/{STUDY}.ris")
    assert ris["Content-Type"].startswith("application/x-research-info-systems")
    [entry] = rispy.loads(ris.content.decode())
    assert (
        entry["type_of_reference"] == "JOUR" and entry["doi"] == "10.1016/j.drugalcdep.2020.108213"
    )
    assert entry["authors"][0] == "Humphreys, K." and entry["start_page"] == "108213"
    bib = bibtexparser.parse_string(client.get(f"/cite/documents/{STUDY}.bib").content.decode())
    assert not bib.failed_blocks
    [item] = bib.entries
    assert (
        item.entry_type == "article" and item["year"] == "2020" and "and others" in item["author"]
    )
    csl = json.loads(client.get(f"/cite/documents/{STUDY}.json").content)
    assert (
        csl[0]["DOI"] == "10.1016/j.drugalcdep.2020.108213" and csl[0]["type"] == "article-journal"
    )
    assert client.get(f"/cite/documents/{STUDY}.docx").status_code == 404


def test_a_whole_cell_exports_in_its_order_and_hides_drafts(client, demo):
    e4 = Cell.objects.with_labels().by_key("alcohol", "E4")
    order = [e.document.slug for e in e4.entries.select_related("document").order_by("order")]
    entries = rispy.loads(client.get("/cite/cells/alcohol/E4.ris").content.decode())
    titles = {d.title: d.slug for d in Document.objects.all()}
    assert [titles[e["title"]] for e in entries] == order
    bib = bibtexparser.parse_string(client.get("/cite/cells/alcohol/E4.bib").content.decode())
    assert [e.key for e in bib.entries] == order and not bib.failed_blocks
    draft = Document.objects.get(slug=order[0])
    draft.status = Document.Status.DRAFT
    draft.save()
    keys = [e["id"] for e in json.loads(client.get("/cite/cells/alcohol/E4.json").content)]
    assert keys == order[1:]


def test_a_page_of_search_results_exports(client, demo):
    entries = rispy.loads(client.get("/cite/search.ris?q=mutual+aid&kind=study").content.decode())
    assert entries and all(e["type_of_reference"] in ("JOUR", "RPRT", "GEN") for e in entries)
    html = page(client.get("/search/?q=mutual+aid&kind=study"))
    assert len(entries) == len(html.find_all("li", class_="result"))
