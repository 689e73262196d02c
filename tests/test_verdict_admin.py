"""The verdict card is content like any other: edited in its cell's form, with the cell's
history, restore, preview and marked revisions; an entry's certainty says who judged it."""

import html

import pytest
from django.utils import timezone
from reversion.models import Version

from editorial.models import Change
from matrix.models import CellEntry, CellVerdict
from tests.admin_forms import cell_change_url, entry_index, form_data
from tests.htmlparse import page, parse

pytestmark = pytest.mark.django_db

NEW_LINE = "Referral in person doubles attendance; drinking gains are uncertain."


def save_cell(client, cell, **changes):
    data = form_data(client.get(cell_change_url(cell)))
    data.update(changes)
    response = client.post(cell_change_url(cell), data)
    assert response.status_code == 302, page(response).find(class_="errornote")
    return data


def reappraised(**more):
    return {
        "verdict-0-bottom_line": NEW_LINE,
        "verdict-0-certainty": "moderate",
        "verdict-0-certainty_reasons": ["imprecision"],
        **more,
    }


def test_the_verdict_card_comes_first_with_checkboxes_and_the_methods_page(editor_client, e4):
    response = editor_client.get(cell_change_url(e4))
    inlines = response.context["inline_admin_formsets"]
    assert inlines[0].formset.model is CellVerdict
    tree = page(response)
    boxes = tree.find_all("input", name="verdict-0-certainty_reasons")
    assert {box["type"] for box in boxes} == {"checkbox"} and len(boxes) == 7
    assert len(tree.find_all("a", href="/methods/")) >= 3  # certainty, reasons, cost band
    headings = [h.clean_text for h in tree.find_all("h4")]
    assert "Certainty" in headings and "Cost" in headings  # grouped as readers read it


def test_editing_the_verdict_is_a_revision_of_the_cell_and_compares_field_by_field(
    editor_client, e4
):
    save_cell(editor_client, e4, change_note="Reappraised", **reappraised())
    new, old = Version.objects.get_for_object(e4)[:2]
    assert new.revision.comment.startswith("Reappraised")
    assert new.revision.version_set.filter(
        content_type__model="cellverdict", object_id=str(e4.verdict.pk)
    ).exists()
    url = f"/admin/matrix/cell/{e4.pk}/history/compare/?old={old.pk}&new={new.pk}"
    tree = page(editor_client.get(url))
    card = next(m for m in tree.find_all(class_="module") if "verdict card" in m.clean_text.lower())
    text = card.clean_text
    bottom_line = next(li for li in card.find_all("li") if "Bottom line" in li.clean_text)
    assert "doubles" in [ins.clean_text for ins in bottom_line.find_all("ins")]
    assert "Certainty reasons" in text
    certainty = next(li for li in card.find_all("li") if "body of evidence" in li.clean_text)
    assert [certainty.find("del").clean_text, certainty.find("ins").clean_text] == [
        "low",
        "moderate",
    ]


def test_restoring_a_revision_restores_the_verdict(editor_client, e4):
    before = CellVerdict.objects.get(cell=e4)
    save_cell(editor_client, e4, change_note="Reappraised", **reappraised())
    assert CellVerdict.objects.get(cell=e4).certainty == "moderate"
    old = Version.objects.get_for_object(e4)[1]
    url = f"/admin/matrix/cell/{e4.pk}/history/{old.pk}/"
    shown = editor_client.get(url)
    assert shown.status_code == 200
    assert editor_client.post(url, form_data(shown)).status_code == 302
    restored = CellVerdict.objects.get(cell=e4)
    assert (restored.bottom_line, restored.certainty, restored.certainty_reasons) == (
        before.bottom_line,
        "low",
        before.certainty_reasons,
    )
    assert restored.bottom_line_html == before.bottom_line_html  # rendered again
    # The restore changed the certainty readers see: news, like any change of it.
    news = Change.objects.filter(kind=Change.Kind.CERTAINTY).order_by("at", "pk")
    assert list(news.values_list("was", "now", "editor__username")) == [
        ("Low", "Moderate", "ed"),
        ("Moderate", "Low", "ed"),
    ]


def test_restoring_a_revision_with_the_same_certainty_is_not_news(editor_client, e4):
    save_cell(editor_client, e4, **{"verdict-0-bottom_line": NEW_LINE})
    old = Version.objects.get_for_object(e4)[1]
    url = f"/admin/matrix/cell/{e4.pk}/history/{old.pk}/"
    assert editor_client.post(url, form_data(editor_client.get(url))).status_code == 302
    assert CellVerdict.objects.get(cell=e4).bottom_line != NEW_LINE
    assert not Change.objects.filter(kind=Change.Kind.CERTAINTY).exists()


def test_the_preview_shows_the_changed_verdict_and_saves_nothing(editor_client, e4):
    data = form_data(editor_client.get(cell_change_url(e4)))
    data.update(reappraised())
    response = editor_client.post(f"/admin/matrix/cell/{e4.pk}/preview/", data)
    assert response.status_code == 200
    frame = page(response).find("iframe", class_="preview-frame")
    card = parse(html.unescape(frame["srcdoc"])).find("section", class_="verdict")
    assert NEW_LINE in card.clean_text
    assert "Moderate" in card.find(class_="certainty-word").clean_text
    verdict = CellVerdict.objects.get(cell=e4)
    assert verdict.certainty == "low" and verdict.bottom_line != NEW_LINE
    assert not Change.objects.filter(kind=Change.Kind.CERTAINTY).exists()


def test_a_verdict_change_can_be_a_marked_revision_with_a_note_for_readers(editor_client, e4):
    save_cell(
        editor_client,
        e4,
        mark_revised="on",
        revision_note="Reappraised after the 2026 trial.",
        **reappraised(),
    )
    e4.refresh_from_db()
    assert e4.last_revised == timezone.localdate()
    kinds = dict(Change.objects.about(e4).values_list("kind", "note"))
    assert kinds[Change.Kind.REVISED] == "Reappraised after the 2026 trial."
    assert kinds[Change.Kind.CERTAINTY].startswith("Lowered for imprecision. The core is")
    reader_page = editor_client.get(e4.get_absolute_url()).text
    assert "Reappraised after the 2026 trial." in reader_page


def test_an_entrys_certainty_says_who_judged_it_and_when(editor_client, editor, e4):
    entry = e4.entries.order_by("order", "pk").first()
    index = entry_index(form_data(editor_client.get(cell_change_url(e4))), entry)
    other = e4.entries.exclude(pk=entry.pk).order_by("order", "pk").first()
    other_judged = (other.certainty_judged_by_id, other.certainty_judged_on)
    save_cell(editor_client, e4, **{f"entries-{index}-certainty": "high"})
    entry.refresh_from_db()
    other.refresh_from_db()
    assert (entry.certainty, entry.certainty_judged_by, entry.certainty_judged_on) == (
        "high",
        editor,
        timezone.localdate(),
    )
    assert (other.certainty_judged_by_id, other.certainty_judged_on) == other_judged

    # Shown, never typed: on the entry's own page and in the cell's form.
    today = timezone.localdate().strftime("%-d %B %Y")
    own = editor_client.get(f"/admin/matrix/cellentry/{entry.pk}/change/")
    assert f"By ed on {today}." in own.text
    assert "certainty_judged" not in own.context["adminform"].form.fields
    assert f"By ed on {today}." in editor_client.get(cell_change_url(e4)).text

    # On the entry's own page, a change of reasons is a new judgement; of headline, not.
    CellEntry.objects.filter(pk=entry.pk).update(certainty_judged_by=None)
    url = f"/admin/matrix/cellentry/{entry.pk}/change/"
    data = form_data(editor_client.get(url))
    data["headline"] = "A new headline"
    assert editor_client.post(url, data).status_code == 302
    entry.refresh_from_db()
    assert entry.certainty_judged_by is None
    data = form_data(editor_client.get(url))
    data["certainty_reasons"] = ["risk-of-bias"]
    assert editor_client.post(url, data).status_code == 302
    entry.refresh_from_db()
    assert entry.certainty_judged_by == editor


def test_an_entry_never_judged_says_so(editor_client, e4):
    entry = e4.entries.order_by("order", "pk").first()
    CellEntry.objects.filter(pk=entry.pk).update(certainty_judged_on=None)
    own = editor_client.get(f"/admin/matrix/cellentry/{entry.pk}/change/")
    assert "Not judged yet." in own.text


def test_who_judged_each_entry_costs_no_query_per_entry(editor_client, editor, e4):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(cell_change_url(e4)).status_code == 200
        return len(captured)

    CellEntry.objects.filter(cell=e4).update(certainty_judged_by=None, certainty_judged_on=None)
    none_judged = queries()
    CellEntry.objects.filter(cell=e4).update(
        certainty_judged_by=editor, certainty_judged_on=timezone.localdate()
    )
    assert queries() == none_judged
