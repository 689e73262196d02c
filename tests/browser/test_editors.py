"""The editors' workshop in a real browser: preview, importing citations, restoring a
revision, and finding what to link to."""

from pathlib import Path

import pytest

from matrix.models import CellEntry
from studies.models import Document

pytestmark = pytest.mark.browser

SEED_003 = (
    Path(__file__).resolve().parents[1]
    / "citations/semantic_scholar/seed_003_kepner_humphreys_2025.txt"
)
TIMKO = "timko-debenedetti-2007-intensive-referral"


def test_preview_opens_the_page_with_the_typed_change_and_keeps_the_form(editor_page):
    document = Document.objects.get(slug=TIMKO)
    editor_page.goto(f"/admin/studies/document/{document.pk}/change/")
    editor_page.fill("#id_standfirst", "A standfirst typed a moment ago, not yet saved.")
    with editor_page.context.expect_page() as opened:
        editor_page.click("input[name=_preview]")
    preview = opened.value
    preview.wait_for_load_state()
    assert "Preview: as readers will see it, not saved" in preview.inner_text("h1")
    frame = preview.frame_locator("iframe.preview-frame")
    assert "A standfirst typed a moment ago" in frame.locator(".standfirst").inner_text()
    assert editor_page.input_value("#id_standfirst") == (
        "A standfirst typed a moment ago, not yet saved."
    )
    document.refresh_from_db()
    assert "typed a moment ago" not in document.standfirst


def test_importing_seed_003_makes_a_draft_review(editor_page):
    # The demo places the review in Drug E4; take it out of the bank to import it afresh.
    CellEntry.objects.filter(document__slug="kepner-humphreys-2025-mutual-help-review").delete()
    Document.objects.filter(slug="kepner-humphreys-2025-mutual-help-review").delete()
    editor_page.goto("/admin/studies/document/")
    editor_page.click("text=Import citations")
    editor_page.fill("#id_records", SEED_003.read_text(encoding="utf-8"))
    editor_page.click("input[name=_read]")
    assert editor_page.input_value("#id_form-0-year") == "2025"
    assert editor_page.input_value("#id_form-0-kind") == "review"
    editor_page.click("input[name=_create]")
    editor_page.wait_for_selector("text=Done")
    document = Document.objects.get(doi="10.1007/s40429-025-00635-w")
    assert (document.status, document.kind) == ("draft", "review")
    editor_page.click(f"text={document.title}")
    assert editor_page.input_value("#id_title") == document.title


def test_restoring_a_revision_brings_the_old_text_back(editor_page):
    document = Document.objects.get(slug=TIMKO)
    change = f"/admin/studies/document/{document.pk}/change/"
    for words in ("The version to go back to.", "A version to undo."):
        editor_page.goto(change)
        editor_page.fill("#id_standfirst", words)
        editor_page.fill("#id_change_note", f"Wrote: {words}")
        editor_page.click("input[name=_save]")
        editor_page.wait_for_load_state()
        assert editor_page.locator(".errornote").count() == 0, editor_page.inner_text("#content")
    editor_page.goto(f"/admin/studies/document/{document.pk}/history/")
    editor_page.click("text=Compare the chosen revisions")
    assert "undo." in " ".join(editor_page.locator("ins").all_inner_texts())
    editor_page.go_back()
    editor_page.locator("tr", has_text="Wrote: The version to go back to.").get_by_text(
        "Restore this revision…"
    ).click()
    assert editor_page.input_value("#id_standfirst") == "The version to go back to."
    editor_page.click("input[name=_save]")
    editor_page.wait_for_url("**/studies/document/")
    document.refresh_from_db()
    assert document.standfirst == "The version to go back to."


def test_insert_a_link_finds_a_document_and_inserts_its_reference(editor_page):
    document = Document.objects.get(slug=TIMKO)
    editor_page.goto(f"/admin/studies/document/{document.pk}/change/")
    editor_page.fill("#id_commentary", "Compare the VA trial.")
    editor_page.evaluate(
        "() => { const t = document.querySelector('#id_commentary'); t.setSelectionRange(12, 20); }"
    )
    editor_page.locator("#id_commentary ~ .link-finder button", has_text="Insert a link").click()
    editor_page.fill("#id_commentary-link-search", "Manning")
    editor_page.locator(".link-finder li button", has_text="doc:manning-2012").first.click()
    assert editor_page.input_value("#id_commentary") == (
        "Compare the [VA trial](doc:manning-2012-active-referral)."
    )
