"""The brief a board can use: key messages first, then each cell's evidence table and entries;
on paper, notes as numbered footnotes, links that say where they go, charts that are there,
and a first page that is full."""

import datetime
import io
import re
import shutil
import subprocess

import lxml.html
import pytest
from pypdf import PdfReader

from briefs.printing import Printer, charts_linked
from matrix.models import Cell, CellEntry, CellVerdict
from studies.models import Document

E4_PDF = "/brief/pdf/?cells=alcohol/E4"


def get_cell(matrix, code):
    return Cell.objects.with_labels().by_key(matrix, code)


def write_verdict(cell, **fields):
    defaults = {
        "bottom_line": "Linking patients to mutual aid [helps]^[In two trials of three.] them "
        "go to meetings.",
        "certainty": "moderate",
        "certainty_reasons": ["imprecision", "indirectness"],
        "certainty_note": "Few trials, most in one country.",
        "effect": "More people go to meetings; abstinence gains are smaller.",
        "cost_band": 2,
        "cost_note": "Staff time only.",
        "unclear": "Whether it lasts beyond a year.",
        "last_appraised": datetime.date(2026, 5, 1),
    }
    CellVerdict.objects.filter(cell=cell).delete()  # the demo's own, where it has one
    verdict = CellVerdict(cell=cell, **{**defaults, **fields})
    verdict.save()
    return verdict


def pdf_pages(response):
    assert response.status_code == 200, response.status_code
    reader = PdfReader(io.BytesIO(response.content))
    return reader.pages


def flat(text):
    return " ".join((text or "").split())


def pdf_text(pages):
    return " ".join(flat(page.extract_text()) for page in pages)


def notes_of(html):
    """The words of each pop-up note in a stored text."""
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    return [flat(n.text_content()) for n in tree.xpath('.//span[@class="note"]')]


def lowest_text(page):
    """How far down ``page`` (0 top, 1 bottom) its last line of text sits, the page number
    in the footer left out; from pypdf's text positions."""
    height = float(page.mediabox.height)
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip() and not text.strip().startswith("Page "):
            found.append(cm[5] + cm[3] * tm[5])

    page.extract_text(visitor_text=visit)
    return 1 - min(found) / height


# The PDF, read back.


def test_the_pdf_opens_with_the_key_messages(client, demo):
    e4 = get_cell("alcohol", "E4")
    write_verdict(e4)
    CellVerdict.objects.filter(cell=get_cell("drug", "E4")).delete()  # one cell without
    pages = pdf_pages(client.get("/brief/pdf/?cells=alcohol/E4,drug/E4"))
    text = pdf_text(pages)
    first = flat(pages[0].extract_text())
    # Page 1 starts with the key messages, before any cell's entries.
    assert "Key messages" in first
    key = text.index("Key messages")
    assert key < text.index("Alcohol Treatment Matrix cell E4")
    assert key < text.index("Studies, reviews and guidance")
    bottom = text.index("Linking patients to mutual aid helps")
    assert key < bottom < text.index("Alcohol Treatment Matrix cell E4")
    # The verdict: certainty as a word with its reasons, effect, cost band, what is unclear.
    for words in (
        "Certainty of the evidence Moderate (3 of 4 on GRADE’s scale).",
        "Certainty lowered for imprecision and indirectness.",
        "Few trials, most in one country.",
        "More people go to meetings; abstinence gains are smaller.",
        "Cost band 2 (low), on a scale from 1 (very low) to 5 (very high).",
        "Staff time only.",
        "What remains unclear Whether it lasts beyond a year.",
    ):
        assert words in text, words
    # A cell without a verdict says so plainly.
    assert "No verdict yet: the editors have not appraised this cell’s evidence" in text
    # Then each cell's evidence table, then its entries.
    cell_at = text.index("Alcohol Treatment Matrix cell E4")
    table_at = text.index("The evidence at a glance", cell_at)
    assert cell_at < table_at < text.index("Studies, reviews and guidance", cell_at)


def test_notes_are_numbered_footnotes_not_bracketed_text(client, demo):
    e4 = get_cell("alcohol", "E4")
    write_verdict(e4)
    entries = CellEntry.objects.filter(cell=e4).select_related("document")
    notes = [note for e in entries for note in notes_of(e.annotation_html)]
    assert len(notes) >= 5  # the demo's annotations have notes
    text = pdf_text(pdf_pages(client.get(E4_PDF)))
    # The key messages' note is note 1; the entries' notes follow, numbered on.
    assert re.search(r"\b1 In two trials of three\.", text)
    for number, note in enumerate(dict.fromkeys(notes), start=2):
        assert f"{number} {note}" in text, note
        assert f"[{note}" not in text  # no longer printed in brackets mid-sentence
    assert "Notes to the key messages" in text
    assert "Notes to Alcohol E4" in text


def test_links_say_where_they_go_and_charts_are_there(client, demo):
    e4 = get_cell("alcohol", "E4")
    text = pdf_text(pdf_pages(client.get(E4_PDF)))
    solid = text.replace(" ", "")
    # "see here": the address it leads to follows, on paper.
    assert re.search(r"here\(http://127\.0\.0\.1:8000/matrices/alcohol/E4/\?bite=open#", solid)
    # A link to a document in the brief is named by its citation.
    assert "the seminal study above (Sisson R.W. and Mallams J.H. 1981)" in text
    # "(chart)" points at a chart the brief now holds, numbered.
    assert "(chart)" not in text
    assert "fell short of statistical significance (chart 1)" in text
    chart_at = text.index("Chart 1 ")
    assert "a British inpatient unit" in text[chart_at : chart_at + 300]
    # Every link in the PDF goes somewhere absolute.
    html = client.get("/brief/?cells=alcohol/E4").content.decode()
    assert 'href="#chart-manning-2012-referral-outcomes">chart 1</a>' in html
    assert e4.short_title in html


def test_page_one_is_full(client, demo):
    """The first page was a third blank: an entry kept whole did not fit below the cell's
    heading. Its last line of text is now near its foot."""
    for url in (E4_PDF, "/brief/pdf/?cells=alcohol/E4,drug/E4,alcohol/E3"):
        pages = pdf_pages(client.get(url, REMOTE_ADDR="10.0.0.7"))
        assert len(pages) > 1
        assert lowest_text(pages[0]) > 0.8, url


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils is not installed")
def test_page_one_is_inked_to_its_foot(client, demo, tmp_path):
    """The same, by looking: page 1 drawn as an image has ink in its lower fifth, above the
    page number."""
    from PIL import Image

    path = tmp_path / "brief.pdf"
    path.write_bytes(client.get(E4_PDF).content)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-gray", "-png", "-f", "1", "-l", "1", path, tmp_path / "p"],
        check=True,
        timeout=60,
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    width, height = image.size
    rows = [
        y
        for y in range(height)
        if any(image.getpixel((x, y)) < 128 for x in range(0, int(width * 0.8), 2))
    ]
    assert rows
    assert max(rows) > height * 0.8  # the page number sits right, beyond the 80% looked at


# The brief as a page.


def test_the_page_shows_key_messages_footnotes_and_the_evidence_table(client, demo):
    e4 = get_cell("alcohol", "E4")
    write_verdict(e4)
    trial = Document.objects.get(slug="manning-2012-active-referral")
    trial.design, trial.participants = "randomised-trial", 150
    trial.save()
    trial.countries.set(["GB-ENG"])
    CellEntry.objects.filter(cell=e4, document=trial).update(
        certainty="low", certainty_reasons=["risk-of-bias"]
    )
    html = client.get("/brief/?cells=alcohol/E4,drug/E4").content.decode()
    assert html.index('id="key-messages-heading"') < html.index('class="brief-cell"')
    assert 'class="fn-call"' in html and 'id="fn-1"' in html
    assert 'class="note"' not in html and 'role="tooltip"' not in html
    # The row of the appraised trial.
    row = re.search(r"<tr>\s*<th scope=\"row\"><a href=\"#cell-alcohol-E4-entry-manning[^<]*"
                    r"(?:(?!</tr>).)*</tr>", html, re.S)[0]  # fmt: skip
    for words in ("Key study", "Randomised controlled trial", "150 participants", "England",
                  "Low (lowered for risk of bias)"):  # fmt: skip
        assert words in row, words
    assert 'id="cell-alcohol-E4-entry-manning-2012-active-referral"' in html


def test_drafts_appear_nowhere_in_a_readers_brief(client, admin_client, demo):
    e4 = get_cell("alcohol", "E4")
    write_verdict(e4)
    draft = Document.objects.get(slug="manning-2012-active-referral")
    draft.status = "draft"
    draft.save()
    html = client.get("/brief/?cells=alcohol/E4").content.decode()
    assert draft.title not in html
    assert "Manning V. et al. 2012" not in html  # not in the table, nor naming a link
    assert "entry-manning-2012" not in html
    text = pdf_text(pdf_pages(client.get(E4_PDF)))
    assert "Manning" not in text
    # An unpublished cell's verdict is no key message.
    e4.status = "draft"
    e4.save()
    html = client.get("/brief/?cells=alcohol/E4,drug/E4").content.decode()
    assert "Linking patients to mutual aid" not in html
    # Editors see both, marked.
    html = admin_client.get("/brief/?cells=alcohol/E4").content.decode()
    assert "Linking patients to mutual aid" in html and "Manning V. et al. 2012" in html


def test_the_cached_brief_is_dropped_when_its_verdict_or_a_chart_changes(client, demo):
    from matrix.models import Chart

    url = "/brief/?cells=alcohol/E4"
    verdict = write_verdict(get_cell("alcohol", "E4"))
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    verdict.bottom_line = "A bottom line rewritten."
    verdict.save()
    after = client.get(url)
    assert after["X-Page-Cache"] == "miss" and "A bottom line rewritten." in after.text
    assert client.get(url)["X-Page-Cache"] == "hit"
    chart = Chart.objects.get(slug="manning-2012-referral-outcomes")
    chart.title = "A chart retitled"
    chart.save()
    after = client.get(url)
    assert after["X-Page-Cache"] == "miss" and "A chart retitled" in after.text


# The print pass on its own.


def test_the_printer_numbers_notes_through_the_brief_and_names_links():
    printer = Printer(
        site_url="https://bank.example",
        named={"/documents/a/": "Able 2001"},
        charts={"c1": ("Chart one", '<figure id="chart-c1">drawn</figure>')},
    )
    first = printer.text(
        '<p>A <span class="note-nowrap"><span class="has-note"><span class="note-phrase" '
        'role="button" tabindex="0" aria-describedby="note-x-1">phrase</span><span '
        'class="note" role="tooltip" id="note-x-1">its note</span></span>.</span> See '
        '<a class="ref-doc" href="/documents/a/">here</a> and '
        '<a class="ext" href="https://example.org/x">https://example.org/x</a>.</p>'
    )
    assert first == (
        '<p>A phrase<sup class="fn-call"><a class="fn-call" href="#fn-1" id="fn-call-1" '
        'aria-label="Note 1">1</a></sup>. See <a class="ref-doc" '
        'href="https://bank.example/documents/a/">here</a><span class="link-target '
        'print-only"> (Able 2001)</span> and <a class="ext" href="https://example.org/x">'
        "https://example.org/x</a>.</p>"
    )
    assert printer.take_notes() == [(1, "its note")]
    second = printer.text(
        '<p>B <span class="has-note"><a href="/x/" aria-describedby="note-y-1">link</a>'
        '<span class="note" role="tooltip" id="note-y-1">why</span></span> '
        '(<a href="/matrices/a/E4/#chart-c1">chart</a>; '
        '<a href="/matrices/a/E4/#chart-gone">chart</a>) (<a href="/m/#chart-gone">chart</a>)'
        "</p>"
    )
    assert 'href="#fn-2"' in second and "aria-describedby" not in second
    assert 'href="https://bank.example/x/">link</a><sup class="fn-call">' in second
    assert (
        '>2</a></sup><span class="link-target link-address print-only"> (https://bank.example/x/)'
        in second
    )
    assert '(<a href="#chart-c1">chart 1</a>)' in second
    assert "chart-gone" not in second and "()" not in second and second.endswith("</p>")
    assert printer.take_notes() == [(2, "why")]
    assert [c.slug for c in printer.take_charts()] == ["c1"]
    assert printer.take_charts() == []
    assert charts_linked('<a href="/m/#chart-b">', '<a href="#chart-a"><a href="#chart-b">') == [
        "b",
        "a",
    ]
    assert printer.text("") == ""


def test_the_brief_with_a_verdict_is_valid_html5(client, demo, tmp_path):
    from tests.test_html_valid import appraised_states, vnu_jar

    java = shutil.which("java")
    if not java:
        pytest.skip("the Nu HTML Checker needs Java")
    appraised_states()
    path = tmp_path / "brief.html"
    path.write_text(client.get("/brief/?cells=alcohol/E4,drug/E4").content.decode())
    result = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--errors-only", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
