"""The publishing workflow: new drafts, consultation drafts that collect comments, revisions
readers see, and the "what changed" record they form."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from editorial.models import Change
from feedback.models import EditorMessage
from matrix.models import Cell
from studies.models import Document
from tests.admin_forms import cell_change_url, form_data
from tests.factories import get_cell, make_document
from tests.htmlparse import page

pytestmark = pytest.mark.django_db

TIMKO = "timko-debenedetti-2007-intensive-referral"


def test_a_new_document_starts_as_a_draft_and_its_kind_is_chosen(editor_client, demo):
    form = page(editor_client.get("/admin/studies/document/add/"))
    status = form.find("select", name="status")
    assert status.find("option", selected="")["value"] == "draft"
    kind = form.find("select", name="kind")
    assert kind.find("option", selected="")["value"] == ""  # no kind assumed
    assert Document._meta.get_field("status").default == "draft"


def consult(document, closes=None):
    document.status = Document.Status.CONSULTATION
    document.consultation_closes = closes
    document.save()


def test_a_consultation_draft_explains_itself_and_collects_comments(client, demo):
    document = Document.objects.get(slug=TIMKO)
    consult(document, closes=timezone.localdate() + timedelta(days=10))
    tree = page(client.get(document.get_absolute_url()))
    box = tree.find("section", class_="consultation")
    assert "This is a consultation draft" in box.clean_text
    assert "Comments close at the end of" in box.clean_text
    action = box.find("form")["action"]
    assert action == f"/documents/{TIMKO}/consultation/"

    response = client.post(
        action, {"name": "Ann Reader", "email": "ann@example.org", "message": "Add the 2025 trial."}
    )
    assert response.status_code == 302
    message = EditorMessage.objects.get()
    assert (message.kind, message.document, message.message) == (
        "consultation",
        document,
        "Add the 2025 trial.",
    )
    assert "Your comments on the consultation draft" in client.get(response["Location"]).text


def test_a_consultation_comment_with_errors_keeps_what_was_typed(client, demo):
    document = Document.objects.get(slug=TIMKO)
    consult(document)
    response = client.post(
        f"/documents/{TIMKO}/consultation/", {"name": "", "email": "x", "message": "Kept words."}
    )
    assert response.status_code == 200
    assert "Kept words." in response.text
    assert "Please correct" in response.text
    assert not EditorMessage.objects.exists()


def test_a_closed_consultation_says_so_and_takes_no_more_comments(client, demo):
    document = Document.objects.get(slug=TIMKO)
    consult(document, closes=timezone.localdate() - timedelta(days=1))
    box = page(client.get(document.get_absolute_url())).find("section", class_="consultation")
    assert "Comments closed on" in box.clean_text and box.find_all("form") == []
    response = client.post(
        f"/documents/{TIMKO}/consultation/",
        {"name": "A", "email": "a@example.org", "message": "Late."},
    )
    assert response.status_code == 404


def test_a_cell_can_be_a_consultation_draft_too(client, demo):
    e4 = get_cell("alcohol", "E4")
    e4.status = Cell.Status.CONSULTATION
    e4.save()
    box = page(client.get(e4.get_absolute_url())).find("section", class_="consultation")
    assert box.find("form")["action"] == "/matrices/alcohol/E4/consultation/"
    client.post(
        "/matrices/alcohol/E4/consultation/",
        {"name": "B", "email": "b@example.org", "message": "Thoughts on E4."},
    )
    assert EditorMessage.objects.get().cell == e4


def test_a_marked_revision_moves_last_revised_and_readers_see_the_note(client, editor_client, demo):
    document = Document.objects.get(slug=TIMKO)
    url = f"/admin/studies/document/{document.pk}/change/"
    data = form_data(editor_client.get(url))
    data.update(standfirst="Now with the follow-up.", mark_revised="on", revision_note="")
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "readers will see this note" in response.text  # the note is required

    data["revision_note"] = "added the three-year follow-up"
    assert editor_client.post(url, data).status_code == 302
    document.refresh_from_db()
    assert document.last_revised == timezone.localdate()
    assert document.revision_note == "added the three-year follow-up"
    today = timezone.localdate().strftime("%-d %B %Y")
    flag = f"Revised {today}: added the three-year follow-up"
    assert flag in page(client.get(document.get_absolute_url())).find("h1").parent.clean_text
    entry = page(client.get("/matrices/alcohol/E4/")).find("li", id=f"entry-{TIMKO}")
    assert flag in entry.clean_text
    change = Change.objects.get(kind="revised")
    assert (change.subject, change.note, change.public, change.editor.username) == (
        document,
        "added the three-year follow-up",
        True,
        "ed",
    )


def test_an_unmarked_change_leaves_last_revised_alone(editor_client, demo):
    document = Document.objects.get(slug=TIMKO)
    before = document.last_revised
    url = f"/admin/studies/document/{document.pk}/change/"
    data = form_data(editor_client.get(url))
    data.update(standfirst="A quiet fix.", change_note="typo")
    assert editor_client.post(url, data).status_code == 302
    document.refresh_from_db()
    assert document.last_revised == before
    assert not Change.objects.exists()


def test_a_revision_to_the_bite_is_marked_as_one(editor_client, demo):
    e4 = get_cell("alcohol", "E4")
    data = form_data(editor_client.get(cell_change_url(e4)))
    index = next(k.split("-")[1] for k, v in data.items() if k.endswith("-anchor") and v == "about")
    data[f"bite_sections-{index}-body"] += "\n\nA new paragraph on the 2026 trial."
    data.update(mark_revised="on", revision_note="discussed the 2026 trial")
    assert editor_client.post(cell_change_url(e4), data).status_code == 302
    change = Change.objects.get()
    assert (change.kind, change.bite, change.url) == ("revised", True, "/matrices/alcohol/E4/")


def test_publishing_and_withdrawing_are_recorded_and_readers_see_only_what_they_may(demo):
    document = make_document(slug="news", title="News", status="draft")
    document.status = Document.Status.PUBLISHED
    document.save()
    reader = AnonymousUser()
    assert [c.kind for c in Change.objects.visible_to(reader)] == ["published"]
    document.status = Document.Status.DRAFT
    document.save()
    kinds = sorted(Change.objects.about(document).values_list("kind", flat=True))
    assert kinds == ["published", "withdrawn"]
    # Withdrawn: neither its publication nor its withdrawal shows to readers any more.
    assert not Change.objects.visible_to(reader).exists()


def test_the_demo_load_is_not_news(demo):
    assert not Change.objects.exists()
