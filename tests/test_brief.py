"""Briefs for the board: several cells read together as a page, a PDF and RIS."""

import io
import re
from unittest import mock

import pytest
import rispy
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from pypdf import PdfReader

from briefs.services import MAX_CELLS, opening_passage, parse_cells
from matrix.models import BiteSection, Cell, CellEntry

THREE = "/brief/?cells=alcohol/E4,drug/E4,alcohol/E3"


def get_cell(matrix, code):
    return Cell.objects.with_labels().by_key(matrix, code)


def text_of(response):
    return response.content.decode()


def test_cells_are_parsed_cleanly():
    asked = parse_cells(" Alcohol/e4, drug/E4,alcohol/E4,,nonsense,alcohol/E4x,x/../y ")
    assert asked.keys == ["alcohol/E4", "drug/E4"]
    assert asked.malformed == ["nonsense", "alcohol/E4x", "x/../y"]


def test_the_opening_passage_is_the_first_paragraph_without_notes():
    body = (
        '<p>First <span class="has-note"><button class="note-phrase">word</button>'
        '<span class="note" role="tooltip">a pop-up</span></span> here.</p><p>Second.</p>'
    )
    assert opening_passage(body) == "First word here."
    assert opening_passage("") == ""


def test_a_brief_of_three_cells(client, demo):
    e4, drug_e4, e3 = (get_cell(*k) for k in (("alcohol", "E4"), ("drug", "E4"), ("alcohol", "E3")))
    response = client.get(THREE)
    assert response.status_code == 200
    html = text_of(response)
    # Each cell: its title, scope and permanent link, in the order of the address.
    positions = [html.index(f"{c.matrix.title} cell {c.code}</span>") for c in (e4, drug_e4, e3)]
    assert positions == sorted(positions)
    for cell in (e4, drug_e4):
        assert cell.short_title in html
        assert re.sub(r"<[^>]+>", "", cell.scope_html)[:40] in re.sub(r"<[^>]+>", "", html)
        assert f'href="http://127.0.0.1:8000/matrices/{cell.key}/"' in html
    # Entries with their roles, headlines, annotations and full citations with DOI links.
    entries = list(CellEntry.objects.filter(cell__in=[e4, drug_e4]).select_related("document"))
    assert entries
    for entry in entries:
        assert entry.headline.replace("'", "&#x27;").replace('"', "&quot;") in html or (
            entry.headline in html
        )
    with_doi = [e for e in entries if e.document.doi]
    assert with_doi
    for entry in with_doi:
        assert f'href="https://doi.org/{entry.document.doi}"' in html
    first = entries[0]
    assert f"{first.role_list[0].singular}" in html
    assert first.document.title[:30] in html  # the citation names the title
    assert 'class="brief-citation"' in html
    # The issues to consider: each heading with its opening passage.
    issues = BiteSection.objects.filter(cell=e4, kind="issue")
    assert issues
    for issue in issues:
        assert issue.heading in html
        passage = opening_passage(issue.body_html)
        assert passage and passage[:60] in html.replace("&#x27;", "'").replace("&quot;", '"')
    # An empty cell says so; the date the brief was produced.
    assert "This cell has no entries yet" in html
    assert re.search(r"Produced on \d{1,2} \w+ 20\d\d", html)
    # Formats and the way back.
    assert 'href="/brief/pdf/?cells=alcohol/E4,drug/E4,alcohol/E3"' in html
    assert 'href="/brief/ris/?cells=alcohol/E4,drug/E4,alcohol/E3"' in html


def test_a_brief_offers_neighbours_a_picker_and_removal(client, demo):
    html = text_of(client.get("/brief/?cells=alcohol/E4"))
    assert 'href="?cells=alcohol/E4,alcohol/D4"' in html  # left, same row
    assert 'href="?cells=alcohol/E4,alcohol/E3"' in html  # up, same column
    assert 'href="?cells="' in html  # remove the only cell
    assert '<select id="brief-add" name="add"' in html
    assert '<option value="drug/E4">' in html
    assert '<option value="alcohol/E4">' not in html  # already in the brief
    # The demo has content in two cells: with both in the brief, there is nothing to pick.
    html = text_of(client.get("/brief/?cells=alcohol/E4,drug/E4"))
    assert 'id="brief-add"' not in html
    assert "Every cell with content that you can see is in this brief." in html
    # The picker's form leads to the brief's own address.
    response = client.get("/brief/", {"cells": "alcohol/E4", "add": "drug/E4"})
    assert response.status_code == 302
    assert response["Location"] == "/brief/?cells=alcohol/E4,drug/E4"


def test_the_brief_page_without_cells_explains_and_offers_a_picker(client, demo):
    response = client.get("/brief/")
    assert response.status_code == 200
    assert "Make a brief for the board" in text_of(response)
    assert '<option value="alcohol/E4">' in text_of(response)


def test_bad_input_is_reported_and_the_rest_shown(client, demo):
    response = client.get("/brief/?cells=alcohol/E4,alcohol/Z9,mars/E4,nonsense")
    assert response.status_code == 200
    html = text_of(response)
    assert "There is no cell alcohol/Z9." in html
    assert "There is no cell mars/E4." in html
    assert "“nonsense” is not a cell’s name" in html
    assert "Alcohol Treatment Matrix cell E4" in html or "cell E4</span>" in html
    assert response.get("X-Page-Cache") != "hit"
    # Nothing valid at all: 404 with the reasons, not a server error.
    response = client.get("/brief/?cells=alcohol/Z9")
    assert response.status_code == 404
    assert "There is no cell alcohol/Z9." in text_of(response)
    for url in ("/brief/pdf/?cells=nonsense", "/brief/ris/?cells=alcohol/Z9"):
        assert client.get(url).status_code == 404


def test_a_brief_holds_at_most_twelve_cells(client, demo):
    keys = [f"alcohol/{c}{r}" for r in range(1, 6) for c in "ABCDE"][:14]
    response = client.get("/brief/?cells=" + ",".join(keys))
    assert response.status_code == 200
    html = text_of(response)
    assert MAX_CELLS == 12
    assert html.count('class="brief-cell"') == 12
    assert f"A brief holds at most 12 cells, so these were left out: {keys[12]}, {keys[13]}" in html
    assert 'id="brief-add"' not in html
    assert "the most a brief can hold" in html


def test_hidden_cells_and_draft_documents_are_not_shown_to_readers(client, admin_client, demo):
    e4 = get_cell("alcohol", "E4")
    draft = CellEntry.objects.filter(cell=e4).select_related("document").first()
    draft.document.status = "draft"
    draft.document.save()
    drug_e4 = get_cell("drug", "E4")
    drug_e4.status = "draft"
    drug_e4.save()
    url = "/brief/?cells=alcohol/E4,drug/E4"
    html = text_of(client.get(url))
    assert draft.headline not in html
    assert draft.document.title not in html
    assert "Cell drug/E4 is not published yet" in html
    assert f"{drug_e4.matrix.title} cell E4</span>" not in html
    assert '<option value="drug/E4">' not in html
    ris = client.get("/brief/ris/?cells=alcohol/E4,drug/E4").content.decode()
    assert draft.document.title not in ris
    # Staff see everything, marked.
    html = text_of(admin_client.get(url))
    assert draft.headline in html
    assert "the document is a draft" in html
    assert f"{drug_e4.matrix.title} cell E4</span>" in html
    assert "this cell is unpublished" in html


def test_a_brief_as_pdf(client, demo):
    e4 = get_cell("alcohol", "E4")
    response = client.get("/brief/pdf/?cells=alcohol/E4,drug/E4,alcohol/E3")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="evidence-brief-alcohol-E4-E3-drug-E4.pdf"'
    )
    assert "X-Page-Cache" not in response or response["X-Page-Cache"] != "hit"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "A brief for the board" in text
    for title in ("Alcohol Treatment Matrix cell E4", "Drug Treatment Matrix cell E4"):
        assert title in text
    assert "Alcohol Treatment Matrix cell E3" in text
    assert "This cell has no entries yet" in text
    assert re.search(r"Produced on \d{1,2} \w+ 20\d\d", text)
    assert "Issues to consider and discuss" in text
    assert "Page 1 of" in text  # the print stylesheet was applied (its page numbers)
    links = {
        annotation.get_object()["/A"].get("/URI")
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object()
    }
    assert "http://127.0.0.1:8000/matrices/alcohol/E4/" in links  # permanent links work
    assert all(link.startswith(("http://", "https://")) for link in links if link)
    assert e4.short_title.split(";")[0] in text
    assert get_cell("drug", "E4").short_title.split(";")[0] in text
    # A citation: the first entry's document title and its DOI.
    entry = CellEntry.objects.filter(cell__in=[e4, get_cell("drug", "E4")], document__doi__gt="")
    entry = entry.select_related("document")[0]
    assert " ".join(entry.document.title.split()[:4]) in text
    assert entry.document.doi in text.replace(" ", "")


@override_settings(BRIEF_PDF_RATE="2/h")
def test_pdfs_are_rate_limited_per_ip(client, demo):
    url = "/brief/pdf/?cells=drug/E4"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    assert "Too many PDFs for now" in text_of(response)
    assert 'href="/brief/?cells=drug/E4"' in text_of(response)
    # Another address is not held back.
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_a_brief_as_ris(client, demo):
    response = client.get("/brief/ris/?cells=alcohol/E4,drug/E4,alcohol/E3")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    assert 'filename="evidence-brief-alcohol-E4-E3-drug-E4.ris"' in response["Content-Disposition"]
    raw = response.content.decode()
    for tag in ("TY  - ", "TI  - ", "DO  - ", "ER  - "):
        assert tag in raw
    records = rispy.loads(raw)
    documents = {
        e.document
        for e in CellEntry.objects.filter(
            cell__in=[get_cell("alcohol", "E4"), get_cell("drug", "E4")]
        ).select_related("document")
    }
    assert len(records) == len(documents)
    assert all(r["type_of_reference"] and r["title"] for r in records)
    by_title = {r["title"]: r for r in records}
    for document in documents:
        assert document.title in by_title
        if document.doi:
            assert by_title[document.title]["doi"] == document.doi


def test_the_query_count_does_not_grow_with_the_cells(client, demo):
    def count(keys):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/brief/?cells=" + ",".join(keys))
        assert response.status_code == 200
        assert response.content.decode().count('class="brief-cell"') == len(keys)
        return len(queries)

    # Different numbers of entries and issues too: alcohol E4 alone holds fewer than six
    # cells with it. Both link to charts; texts linking to none save that query.
    one = count(["alcohol/E4"])
    six = count(["alcohol/E4", "drug/E4", "alcohol/E3", "alcohol/D4", "drug/D4", "drug/E3"])
    assert one == six == 10  # see brief_page()
    assert count(["drug/E4", "alcohol/E3"]) == 9


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/matrices/alcohol/E4/", 'href="/brief/?cells=alcohol/E4">Make a brief for the board'),
        ("/matrices/alcohol/rows/4/", 'href="/brief/?cells=alcohol/A4,alcohol/B4,'),
    ],
)
def test_cell_and_row_pages_link_to_a_brief(client, demo, url, expected):
    html = text_of(client.get(url))
    assert expected in html
    link = re.search(r'href="(/brief/\?cells=[^"]+)"[^>]*>Make a brief', html)
    assert client.get(link[1].replace("&amp;", "&")).status_code == 200


def test_the_brief_page_is_cached_and_dropped_when_an_entry_changes(client, demo):
    url = "/brief/?cells=alcohol/E4,drug/E4"
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    entry = CellEntry.objects.filter(cell=get_cell("drug", "E4")).first()
    entry.headline = "A headline changed by the editors"
    entry.save()
    after = client.get(url)
    assert after["X-Page-Cache"] == "miss"
    assert "A headline changed by the editors" in text_of(after)
    # Problems are reported afresh each time, and PDFs are never stored.
    problem = "/brief/?cells=alcohol/E4,alcohol/Z9"
    assert client.get(problem).get("X-Page-Cache") != "hit"
    assert client.get(problem).get("X-Page-Cache") != "hit"
    client.get("/brief/pdf/?cells=drug/E4")
    assert client.get("/brief/pdf/?cells=drug/E4").get("X-Page-Cache") != "hit"


def test_crawlers_are_kept_out_of_the_endless_briefs(client, db):
    assert "Disallow: /brief/" in client.get("/robots.txt").content.decode()


def test_without_pdf_libraries_the_pdf_link_explains_rather_than_fails(client, demo):
    """WeasyPrint raises OSError on import where Pango is missing: the reader gets a page
    saying so, with the brief to print instead, never a 500."""
    import builtins

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name.startswith("weasyprint"):
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    with mock.patch("builtins.__import__", no_pango):
        response = client.get("/brief/pdf/?cells=alcohol/E4")
    assert response.status_code == 503
    assert "PDFs are not available here" in response.text
    assert "/brief/?cells=alcohol/E4" in response.text
