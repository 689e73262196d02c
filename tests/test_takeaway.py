"""What readers take away, each parsed by a real parser: citation meta tags, RIS (rispy),
BibTeX (bibtexparser), CSL-JSON, formatted citations, Atom feeds (feedparser), sitemap.xml
(ElementTree), robots.txt, and the API (JSON, OpenAPI, ETag, CORS)."""

import json
import xml.etree.ElementTree as ET

import bibtexparser
import feedparser
import pytest
import rispy

from matrix.models import Cell
from studies.models import Document
from tests.htmlparse import page
from topics.models import HotTopic

pytestmark = pytest.mark.django_db

STUDY = "humphreys-2020-twelve-step-six-trials"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


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


FEEDS = [
    "/feeds/documents/",
    "/feeds/matrices/alcohol/",
    "/feeds/matrices/alcohol/E4/",
    "/feeds/topics/twelve-step-mutual-aid/",
    "/feeds/subjects/mutual-aid/",
    "/feeds/search/?q=mutual+aid&kind=study",
]


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_parses_cleanly(client, demo, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.entries
    assert all(entry.get("updated") and entry.get("link") for entry in feed.entries)


def test_pages_link_their_feeds(client, demo):
    for url, feed in [
        ("/", "/feeds/documents/"),
        ("/matrices/alcohol/", "/feeds/matrices/alcohol/"),
        ("/matrices/alcohol/E4/", "/feeds/matrices/alcohol/E4/"),
        ("/topics/twelve-step-mutual-aid/", "/feeds/topics/twelve-step-mutual-aid/"),
        ("/subjects/mutual-aid/", "/feeds/subjects/mutual-aid/"),
        ("/search/?q=mutual+aid", "/feeds/search/?q=mutual+aid"),
        (f"/documents/{STUDY}/", "/feeds/documents/"),
    ]:
        links = page(client.get(url)).find_all("link", rel="alternate")
        assert [link["href"] for link in links] == [feed], url
        assert links[0]["type"] == "application/atom+xml"


def sitemap_urls(client):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    return {loc.text.replace("http://testserver", "") for loc in root.iter(f"{SITEMAP}loc")}


def test_sitemap_lists_every_public_page_and_nothing_hidden(client, demo):
    urls = sitemap_urls(client)
    assert {
        "/",
        "/topics/",
        "/subjects/",
        "/matrices/alcohol/E4/",
        f"/documents/{STUDY}/",
        "/topics/residential-rehabilitation/",
        "/subjects/mutual-aid/",
    } <= urls
    assert len([u for u in urls if u.startswith("/documents/")]) == Document.objects.count()
    for url in urls:
        assert client.get(url).status_code == 200, url
    document = Document.objects.get(slug=STUDY)
    document.status = Document.Status.DRAFT
    document.save()
    cell = Cell.objects.with_labels().by_key("alcohol", "E4")
    cell.status = Cell.Status.DRAFT
    cell.save()
    topic = HotTopic.objects.get(slug="residential-rehabilitation")
    topic.published = False
    topic.save()
    hidden = sitemap_urls(client)
    assert f"/documents/{STUDY}/" not in hidden
    assert "/matrices/alcohol/E4/" not in hidden
    assert "/topics/residential-rehabilitation/" not in hidden


def test_robots_txt_points_to_the_sitemap(client, demo):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text and "Sitemap: http://testserver/sitemap.xml" in text


def test_feeds_leave_out_what_readers_cannot_see(client, demo):
    document = Document.objects.get(slug=STUDY)
    document.status = Document.Status.DRAFT
    document.save()
    for url in FEEDS:
        text = client.get(url).content.decode()
        assert STUDY not in text and document.title not in text, url
    e4 = Cell.objects.with_labels().by_key("alcohol", "E4")
    e4.status = Cell.Status.DRAFT
    e4.save()
    assert client.get("/feeds/matrices/alcohol/E4/").status_code == 404
    assert "/matrices/alcohol/E4/" not in client.get("/feeds/matrices/alcohol/").content.decode()


API = "/api/v1"


def test_api_serves_the_bank(client, demo):
    matrices = client.get(f"{API}/matrices").json()
    assert [m["slug"] for m in matrices] == ["alcohol", "drug"]
    grid = client.get(f"{API}/matrices/alcohol").json()
    assert len(grid["rows"]) == 5 and all(len(row) == 5 for row in grid["rows"])
    cell = client.get(f"{API}/matrices/alcohol/cells/E4").json()
    assert len(cell["entries"]) == 16 and cell["entries"][0]["roles"] == ["S"]
    document = client.get(f"{API}/documents/{STUDY}").json()
    assert document["doi"] == "10.1016/j.drugalcdep.2020.108213"
    assert rispy.loads(document["cite"]["ris"])[0]["doi"] == document["doi"]
    assert not bibtexparser.parse_string(document["cite"]["bibtex"]).failed_blocks
    assert document["cite"]["apa"].startswith("Humphreys, K.")
    topics = client.get(f"{API}/topics").json()
    assert len(topics) == 4
    subjects = client.get(f"{API}/subjects").json()
    assert any(s["slug"] == "mutual-aid" for s in subjects)
    subject = client.get(f"{API}/subjects/mutual-aid").json()
    assert subject["count"] == Document.objects.filter(tags__slug="mutual-aid").count()


def test_api_search_and_document_list_take_the_facets(client, demo):
    answer = client.get(f"{API}/search", {"q": "mutual aid", "kind": "review"}).json()
    assert answer["count"] and all(r["kind"] == "review" for r in answer["results"])
    assert answer["facets"]["kind"]
    listing = client.get(f"{API}/documents", {"matrix": "drug"}).json()
    assert STUDY in [r["slug"] for r in listing["results"]]
    everything = client.get(f"{API}/documents").json()
    assert everything["count"] == Document.objects.count() and everything["next"]
    second = client.get(everything["next"].replace("http://testserver", "")).json()
    assert second["page"] == 2 and second["previous"]
    assert client.get(f"{API}/search", {"q": "-x"}).status_code == 400
    assert client.get(f"{API}/documents", {"year_from": "abc"}).status_code == 422


def test_api_is_cacheable_cross_origin_and_described(client, demo):
    response = client.get(f"{API}/matrices/alcohol", HTTP_ORIGIN="https://elsewhere.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"] and response["ETag"]
    again = client.get(f"{API}/matrices/alcohol", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["openapi"].startswith("3.") and "/api/v1/search" in schema["paths"]
    docs = client.get(f"{API}/docs")
    assert docs.status_code == 200 and b"/static/ninja/swagger-ui-bundle.js" in docs.content
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
    # Only the API is open to other origins.
    other = client.get("/search/?q=aid", HTTP_ORIGIN="https://elsewhere.example")
    assert "Access-Control-Allow-Origin" not in other


def test_api_never_shows_what_readers_may_not_see(client, admin_client, demo):
    document = Document.objects.get(slug=STUDY)
    document.status = Document.Status.DRAFT
    document.save()
    for c in (client, admin_client):  # staff sessions get the public answer too
        assert c.get(f"{API}/documents/{STUDY}").status_code == 404
        listing = json.dumps(c.get(f"{API}/documents").json())
        assert STUDY not in listing
        assert STUDY not in json.dumps(c.get(f"{API}/search", {"q": "mutual aid"}).json())
        assert STUDY not in json.dumps(c.get(f"{API}/subjects/mutual-aid").json())
        assert STUDY not in json.dumps(c.get(f"{API}/topics/twelve-step-mutual-aid").json())
    e4 = Cell.objects.with_labels().by_key("alcohol", "E4")
    e4.status = Cell.Status.DRAFT
    e4.save()
    assert client.get(f"{API}/matrices/alcohol/cells/E4").status_code == 404
    row = client.get(f"{API}/matrices/alcohol").json()["rows"][3]
    assert next(c for c in row if c["code"] == "E4")["counts"][0]["count"] == 0
