"""Readers read only words meant for them: one note for readers per change, labelled as such
on the form; the history's note (and the system's wording) never leaves the admin."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from editorial.changes import record
from editorial.models import Change
from editorial.publishing import publish_due
from mail.models import OutboxMessage
from mail.registry import kind as mail_kind
from readers import bulletins
from readers.models import Bulletin, Subscriber
from studies.models import Document
from tests.admin_forms import cell_change_url, form_data
from tests.factories import get_cell
from tests.htmlparse import page

pytestmark = pytest.mark.django_db

TIMKO = "timko-debenedetti-2007-intensive-referral"
E4 = "/matrices/alcohol/E4/"


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def reader_texts(client, obj):
    """Every place a note could reach readers, as text: the page and E4, a bulletin's emails
    (subject, text and HTML), its archive page and feed, the documents feed and the API."""
    Subscriber.objects.get_or_create(
        email="all@example.org", defaults={"confirmed_at": timezone.now(), "everything": True}
    )
    bulletin = Bulletin.objects.create(title="Weekly bulletin")
    bulletins.send(bulletin)
    for change in Change.objects.filter(bite=True):
        bulletins.release_bite(change)
    texts = {}
    for message in OutboxMessage.objects.filter(kind__startswith="readers."):
        content = mail_kind(message.kind).render(message.context)
        texts[f"{message.kind} email"] = f"{content.subject}\n{content.text}\n{content.html}"
    urls = [
        obj.get_absolute_url(),
        E4,
        bulletin.get_absolute_url(),
        "/bulletins/feed/",
        "/feeds/documents/",
        "/api/v1/matrices/alcohol/cells/E4",
    ]
    if isinstance(obj, Document):
        urls.append(f"/api/v1/documents/{obj.slug}")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        texts[url] = response.content.decode()
    return texts


def shown_in(texts, words):
    return [where for where, text in texts.items() if words in text]


def history_comments(obj):
    return [v.revision.comment for v in Version.objects.get_for_object(obj)]


def test_the_form_has_two_notes_each_saying_who_reads_it(editor_client, demo):
    document = Document.objects.get(slug=TIMKO)
    tree = page(editor_client.get(change_url(document)))
    history = tree.find("label", for_="id_change_note")
    readers = tree.find("label", for_="id_revision_note")
    assert history.clean_text == "Note for the history (editors only):"
    assert readers.clean_text == "Note for readers (public):"
    # Each says, right by it, who reads it.
    assert "Readers never see it." in tree.find(id="id_change_note_helptext").clean_text
    assert "Readers see this note" in tree.find(id="id_revision_note_helptext").clean_text
    # Both sit together under "This change", beside "Readers should know".
    tick = tree.find("input", id="id_mark_revised")
    this_change = next(a for a in tick.ancestors() if a.tag == "fieldset")
    assert this_change.find("h2").clean_text == "This change"
    assert this_change.find_all(id="id_revision_note") and this_change.find_all(id="id_change_note")
    headings = tree.find_all("h2", class_="fieldset-heading")
    dates = next(h.parent for h in headings if h.clean_text == "Dates")
    assert dates.find_all(id="id_last_revised") and not dates.find_all(id="id_revision_note")


def test_readers_should_know_needs_the_note_for_readers_not_the_historys(editor_client, demo):
    document = Document.objects.get(slug=TIMKO)
    before = (document.standfirst, document.last_revised, document.revision_note)
    data = form_data(editor_client.get(change_url(document)))
    data.update(
        standfirst="Now with the follow-up.",
        mark_revised="on",
        change_note="Checked the follow-up paper",
        revision_note="",
    )
    response = editor_client.post(change_url(document), data)
    assert response.status_code == 200
    errors = page(response).find("input", id="id_revision_note").parent.parent.clean_text
    assert "readers will see this note" in errors
    assert "Checked the follow-up paper" in response.text  # what was typed stays
    assert "Now with the follow-up." in response.text
    document.refresh_from_db()
    assert (document.standfirst, document.last_revised, document.revision_note) == before
    assert not Change.objects.exists()


def test_the_last_revisions_note_is_not_reused_for_a_new_one(editor_client, demo):
    document = Document.objects.get(slug=TIMKO)
    document.last_revised, document.revision_note = date(2026, 3, 3), "added the 2026 trial"
    document.save()
    data = form_data(editor_client.get(change_url(document)))
    data.update(standfirst="A later change.", mark_revised="on", change_note="Later")
    response = editor_client.post(change_url(document), data)
    assert response.status_code == 200
    assert "still the note of the revision of 3 March 2026" in response.text
    assert not Change.objects.exists()


def test_a_marked_revision_shows_readers_their_note_and_never_the_historys(
    client, editor_client, demo
):
    document = Document.objects.get(slug=TIMKO)
    data = form_data(editor_client.get(change_url(document)))
    data.update(
        standfirst="Now with the follow-up.",
        mark_revised="on",
        change_note="Marked revision for readers",
        revision_note="added the three-year follow-up",
    )
    assert editor_client.post(change_url(document), data).status_code == 302
    document.refresh_from_db()
    assert (document.last_revised, document.revision_note) == (
        timezone.localdate(),
        "added the three-year follow-up",
    )
    assert Change.objects.get().note == "added the three-year follow-up"
    assert "Marked revision for readers" in history_comments(document)[0]

    texts = reader_texts(client, document)
    assert shown_in(texts, "Marked revision for readers") == []
    shown = shown_in(texts, "added the three-year follow-up")
    for where in (document.get_absolute_url(), E4, "readers.bulletin email", "/bulletins/feed/"):
        assert where in shown
    assert any(where.startswith("/bulletins/") and where[-2].isdigit() for where in shown)


def test_publishing_from_the_form_puts_no_editors_note_before_readers(client, editor_client, demo):
    document = Document.objects.get(slug=TIMKO)
    document.status = Document.Status.DRAFT
    document.save()
    data = form_data(editor_client.get(change_url(document)))
    data.update(status="published", change_note="Re-publish after restore test")
    assert editor_client.post(change_url(document), data).status_code == 302
    change = Change.objects.get(kind="published")
    assert change.note == ""
    assert "Re-publish after restore test" in history_comments(document)[0]
    assert shown_in(reader_texts(client, document), "Re-publish after restore test") == []

    data = form_data(editor_client.get(change_url(document)))
    data.update(status="draft", change_note="Pulled for a check", _confirm_hide="1")
    assert editor_client.post(change_url(document), data).status_code == 302
    assert Change.objects.filter(kind="withdrawn").first().note == ""  # the latest


def test_scheduled_publication_writes_its_wording_only_in_the_history(client, editor_client, demo):
    document = Document.objects.get(slug=TIMKO)
    document.status = Document.Status.DRAFT
    document.save()
    data = form_data(editor_client.get(change_url(document)))
    when = timezone.localtime() + timedelta(hours=1)
    data.update(
        publish_at_0=when.strftime("%Y-%m-%d"),
        publish_at_1=when.strftime("%H:%M:%S"),
        change_note="Timed for the launch",
    )
    assert editor_client.post(change_url(document), data).status_code == 302
    assert publish_due(now=timezone.now() + timedelta(hours=2)) == [document]
    assert Change.objects.get(kind="published").note == ""
    assert history_comments(document)[0] == "Published at its scheduled time."
    texts = reader_texts(client, document)
    assert shown_in(texts, "Published at its scheduled time") == []
    assert shown_in(texts, "Timed for the launch") == []


def test_a_bite_release_carries_the_note_for_readers_only(client, editor_client, demo):
    e4 = get_cell("alcohol", "E4")
    follower = Subscriber.objects.create(email="e4@example.org", confirmed_at=timezone.now())
    follower.follows.create(target="cell:alcohol/E4")
    data = form_data(editor_client.get(cell_change_url(e4)))
    index = next(k.split("-")[1] for k, v in data.items() if k.endswith("-anchor") and v == "about")
    data[f"bite_sections-{index}-body"] += "\n\nA paragraph on the 2026 trial."
    data.update(
        mark_revised="on",
        change_note="Bite tidy-up, ticket 42",
        revision_note="discussed the 2026 trial",
    )
    assert editor_client.post(cell_change_url(e4), data).status_code == 302
    texts = reader_texts(client, e4)
    assert "readers.bite email" in shown_in(texts, "discussed the 2026 trial")
    assert shown_in(texts, "Bite tidy-up") == []


def test_correcting_the_note_for_readers_corrects_it_wherever_readers_read_it(
    client, editor_client, demo
):
    document = Document.objects.get(slug=TIMKO)
    data = form_data(editor_client.get(change_url(document)))
    data.update(mark_revised="on", revision_note="Marked revision for readers")
    assert editor_client.post(change_url(document), data).status_code == 302
    revised = Document.objects.get(pk=document.pk).last_revised
    bulletin = Bulletin.objects.create(title="Sent before the correction")
    bulletins.send(bulletin)
    archive = [bulletin.get_absolute_url(), "/bulletins/feed/", document.get_absolute_url()]
    for url in archive:  # as readers saw them, kept in the page cache
        assert "Marked revision for readers" in Client().get(url).content.decode()

    data = form_data(editor_client.get(change_url(document)))
    data.update(revision_note="added the three-year follow-up", change_note="Fixed the wording")
    assert editor_client.post(change_url(document), data).status_code == 302
    assert Change.objects.get().note == "added the three-year follow-up"  # no new change
    document.refresh_from_db()
    assert document.last_revised == revised
    for url in archive:
        text = Client().get(url).content.decode()
        assert "added the three-year follow-up" in text and "Marked revision" not in text, url
    texts = reader_texts(client, document)
    assert shown_in(texts, "Marked revision for readers") == []
    assert document.get_absolute_url() in shown_in(texts, "added the three-year follow-up")


def test_the_migration_clears_editors_notes_on_publications_and_withdrawals(demo):
    document = Document.objects.get(slug=TIMKO)
    kept = record(document, Change.Kind.REVISED, note="added the 2026 trial")
    published = record(document, Change.Kind.PUBLISHED, note="Re-publish after restore test")
    withdrawn = record(document, Change.Kind.WITHDRAWN, note="Pulled for a check")
    migration = importlib.import_module("editorial.migrations.0002_change_notes_for_readers_only")
    migration.clear_internal_notes(apps, None)
    notes = dict(Change.objects.values_list("pk", "note"))
    assert notes == {kept.pk: "added the 2026 trial", published.pk: "", withdrawn.pk: ""}
