"""Every change is a revision: compare any two, restore any one (checked like a save),
recover what was deleted."""

import threading

import pytest
from django.db.models.signals import post_save, pre_delete
from django.test import Client
from reversion.models import Version

from matrix.models import BiteSection
from studies.models import Document
from tests.admin_forms import cell_change_url, form_data
from tests.factories import get_cell, make_document
from tests.htmlparse import page

pytestmark = pytest.mark.django_db


def document_url(document, view="change"):
    return f"/admin/studies/document/{document.pk}/{view}/"


def save_document(client, document, **changes):
    data = form_data(client.get(document_url(document)))
    data.update(changes)
    response = client.post(document_url(document), data)
    assert response.status_code == 302, page(response).find(class_="errornote")
    return data


def test_each_save_is_a_revision_with_who_when_and_the_note(editor_client, demo):
    document = make_document(slug="history-study", title="A study with a history")
    save_document(editor_client, document, standfirst="First words.", change_note="First go")
    save_document(
        editor_client,
        document,
        standfirst="First words, then more.",
        **{
            "authorships-TOTAL_FORMS": "3",
            "authorships-2-name": "Third A.",
            "authorships-2-position": "2",
        },
        change_note="Added an author",
    )
    versions = Version.objects.get_for_object(document)
    assert versions.count() == 2
    assert versions[0].revision.user.username == "ed"
    assert versions[0].revision.comment.startswith("Added an author")
    history = editor_client.get(document_url(document, "history"))
    assert "Added an author" in history.text and "First go" in history.text


def test_two_revisions_compare_field_by_field_with_a_word_diff(editor_client, demo):
    document = make_document(slug="compare-study", title="A study to compare")
    save_document(editor_client, document, standfirst="Patients went to meetings.")
    save_document(
        editor_client,
        document,
        standfirst="Patients often went to many meetings.",
        **{
            "authorships-TOTAL_FORMS": "3",
            "authorships-2-name": "Third A.",
            "authorships-2-position": "2",
        },
    )
    new, old = Version.objects.get_for_object(document)[:2]
    url = f"/admin/studies/document/{document.pk}/history/compare/?old={old.pk}&new={new.pk}"
    response = editor_client.get(url)
    assert response.status_code == 200
    tree = page(response)
    standfirst = next(row for row in tree.find_all("tr") if "Standfirst" in row.clean_text)
    assert [ins.text.strip() for ins in standfirst.find_all("ins")] == ["often", "many"]
    authors = next(m for m in tree.find_all(class_="module") if "Authors" in m.clean_text)
    assert "Third A." in authors.clean_text and "Added" in authors.clean_text


def test_a_revision_is_restored_through_the_form_and_is_itself_a_revision(editor_client, demo):
    document = make_document(slug="restore-study", title="A study to restore")
    save_document(editor_client, document, commentary="The good version.", change_note="Good")
    save_document(editor_client, document, commentary="A worse version.", change_note="Worse")
    good = Version.objects.get_for_object(document)[1]
    url = f"/admin/studies/document/{document.pk}/history/{good.pk}/"

    shown = editor_client.get(url)
    assert shown.status_code == 200
    assert "Restoring the revision of" in shown.text
    assert "The good version." in shown.text
    document.refresh_from_db()
    assert document.commentary == "A worse version."  # nothing restored by looking

    assert editor_client.post(url, form_data(shown)).status_code == 302
    document.refresh_from_db()
    assert document.commentary == "The good version."
    assert "The good version." in document.commentary_html
    latest = Version.objects.get_for_object(document)[0]
    assert "Reverted to previous version" in latest.revision.comment
    assert Version.objects.get_for_object(document).count() == 3


def test_a_restore_that_would_break_links_is_refused_naming_them(editor_client, demo):
    e4 = get_cell("alcohol", "E4")
    editor_client.post(cell_change_url(e4), form_data(editor_client.get(cell_change_url(e4))))
    before = Version.objects.get_for_object(e4)[0]
    BiteSection(
        cell=e4,
        kind="issue",
        heading="A new question",
        anchor="new-question",
        body="Who pays?",
        order=50,
    ).save()
    editor_client.post(cell_change_url(e4), form_data(editor_client.get(cell_change_url(e4))))
    guide = Document.objects.get(slug="nice-2011-cg115")
    guide.commentary += "\n\nSee [the new question](cell:alcohol/E4#new-question)."
    guide.save()

    response = editor_client.get(f"/admin/matrix/cell/{e4.pk}/history/{before.pk}/", follow=True)
    text = page(response).find(class_="messagelist").clean_text
    assert "restoring it would break links" in text
    assert "“cell:alcohol/E4#new-question” is linked from document" in text
    assert e4.bite_sections.filter(anchor="new-question").exists()


class DeletedElsewhere:
    """A row another request deletes, that other texts link to."""

    def deletion_problems(self):
        return ["a row another request deleted"]


def test_a_restore_counts_only_its_own_deletes_not_another_threads(editor_client, demo):
    document = make_document(slug="restore-alone", title="Restored alone")
    save_document(editor_client, document, standfirst="First words.")
    first = Version.objects.get_for_object(document)[0]
    save_document(editor_client, document, standfirst="Second words.")

    def delete_elsewhere():
        # What any delete sends, from another of the worker's threads.
        pre_delete.send(sender=DeletedElsewhere, instance=DeletedElsewhere(), using="default")

    def revert_while_another_thread_deletes(sender, raw=False, **kwargs):
        if raw:  # reversion writing the restored row
            thread = threading.Thread(target=delete_elsewhere)
            thread.start()
            thread.join()

    post_save.connect(revert_while_another_thread_deletes, sender=Document)
    try:
        response = editor_client.get(document_url(document, f"history/{first.pk}"))
    finally:
        post_save.disconnect(revert_while_another_thread_deletes, sender=Document)
    assert response.status_code == 200
    assert "another request" not in response.text
    assert "First words." in response.text


def test_a_deleted_document_can_be_recovered_with_its_authors(editor_client, demo):
    document = make_document(slug="deleted-study", title="A study deleted by mistake")
    save_document(editor_client, document, standfirst="Worth keeping.")
    assert editor_client.post(document_url(document, "delete"), {"post": "yes"}).status_code == 302
    assert not Document.objects.filter(slug="deleted-study").exists()

    listing = editor_client.get("/admin/studies/document/recover/")
    assert "A study deleted by mistake" in listing.text
    version = Version.objects.get_deleted(Document).get(object_repr__contains="deleted by mistake")
    url = f"/admin/studies/document/recover/{version.pk}/"
    shown = editor_client.get(url)
    assert shown.status_code == 200
    assert editor_client.post(url, form_data(shown)).status_code == 302
    recovered = Document.objects.get(slug="deleted-study")
    assert recovered.standfirst == "Worth keeping."
    assert list(recovered.authorships.values_list("name", flat=True)) == ["Smith J.", "Jones K."]
    assert "Worth keeping." in recovered.standfirst_html


TIMKO = "timko-debenedetti-2007-intensive-referral"


def test_restoring_a_draft_revision_of_a_live_document_lists_the_places_and_needs_the_tick(
    editor_client, demo
):
    document = Document.objects.get(slug=TIMKO)
    save_document(editor_client, document, status="draft", _confirm_hide="1")
    save_document(editor_client, document, status="published")
    draft = Version.objects.get_for_object(document)[1]
    assert draft.field_dict["status"] == "draft"
    url = document_url(document, f"history/{draft.pk}")

    shown = editor_client.get(url)
    places = page(shown).find(id="hide-heading").parent.clean_text
    assert "Cell: Alcohol Treatment Matrix cell E4" in places
    assert "Hot topic: 12-step mutual aid groups" in places

    refused = editor_client.post(url, form_data(shown))
    assert refused.status_code == 200
    assert "Tick “Hide it from readers” and save again" in page(refused).clean_text
    assert Document.objects.get(pk=document.pk).status == "published"
    assert TIMKO in Client().get("/matrices/alcohol/E4/").text  # readers still see it

    data = form_data(refused)
    data["_confirm_hide"] = "1"
    assert editor_client.post(url, data).status_code == 302
    assert Document.objects.get(pk=document.pk).status == "draft"
    assert TIMKO not in Client().get("/matrices/alcohol/E4/").text


def test_restoring_a_published_revision_of_a_draft_needs_no_tick(editor_client, demo):
    document = make_document(slug="back-and-forth", title="Published, then a draft")
    save_document(editor_client, document, standfirst="Live.")
    save_document(editor_client, document, status="draft")
    published = Version.objects.get_for_object(document)[1]
    url = document_url(document, f"history/{published.pk}")
    shown = editor_client.get(url)
    assert page(shown).find_all(id="hide-heading") == []
    assert editor_client.post(url, form_data(shown)).status_code == 302
    assert Document.objects.get(pk=document.pk).status == "published"


def test_a_restore_is_refused_if_someone_saved_since_it_was_opened(editor_client, demo):
    document = make_document(slug="restore-race", title="Restored while edited")
    save_document(editor_client, document, commentary="Old words.")
    save_document(editor_client, document, commentary="New words.")
    old = Version.objects.get_for_object(document)[1]
    url = document_url(document, f"history/{old.pk}")
    shown = editor_client.get(url)

    Document.objects.filter(pk=document.pk).update(standfirst="Someone else's standfirst.")
    refused = editor_client.post(url, form_data(shown))
    assert refused.status_code == 200
    message = page(refused).find(class_="errorlist").clean_text
    assert "Someone else saved this document after you opened it" in message
    assert "changed standfirst" in message
    assert Document.objects.get(pk=document.pk).commentary == "New words."

    # Having seen the warning, the editor restores anyway.
    assert editor_client.post(url, form_data(refused)).status_code == 302
    assert Document.objects.get(pk=document.pk).commentary == "Old words."


# History records only real changes.


def as_a_browser_posts(data):
    """Form values as a browser sends them: every line break in a text box as CRLF."""
    return {
        key: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for key, value in data.items()
    }


def test_saving_e4_untouched_from_a_browser_records_no_change(editor_client, e4):
    from django.contrib.admin.models import LogEntry

    url = cell_change_url(e4)
    shown = form_data(editor_client.get(url))
    assert any("\n" in value for value in shown.values() if isinstance(value, str))
    bodies = dict(e4.bite_sections.values_list("pk", "body"))
    assert editor_client.post(url, as_a_browser_posts(shown)).status_code == 302

    entry = LogEntry.objects.filter(object_id=str(e4.pk)).latest("pk")
    assert entry.get_change_message() == "No fields changed."
    assert Version.objects.get_for_object(e4)[0].revision.comment == "No fields changed."
    assert dict(e4.bite_sections.values_list("pk", "body")) == bodies  # no CR stored

    # The next save compares the two revisions: nothing changed between them either.
    again = as_a_browser_posts(form_data(editor_client.get(url)))
    assert editor_client.post(url, again).status_code == 302
    new, old = Version.objects.get_for_object(e4)[:2]
    compare = f"/admin/matrix/cell/{e4.pk}/history/compare/?old={old.pk}&new={new.pk}"
    assert "Nothing differs between these two revisions" in editor_client.get(compare).text


def test_a_change_message_names_only_what_changed(editor_client, demo):
    document = Document.objects.get(slug=TIMKO)
    data = form_data(editor_client.get(document_url(document)))
    data["standfirst"] = "A new standfirst,\nover two lines."
    data["change_note"] = "Shorter standfirst"
    assert editor_client.post(document_url(document), as_a_browser_posts(data)).status_code == 302
    comment = Version.objects.get_for_object(document)[0].revision.comment
    assert comment == "Shorter standfirst\nChanged Standfirst."
    assert Document.objects.get(pk=document.pk).standfirst == "A new standfirst,\nover two lines."


def test_texts_are_stored_with_line_feeds_and_no_trailing_newline_whatever_saves_them(e4):
    from matrix.models import Chart

    body = "First paragraph.\r\n\r\nSecond,\rwith a lone CR.\n"
    section = BiteSection(
        cell=e4, kind="issue", heading=" Who pays?\r\n", anchor="who-pays", body=body, order=60
    )
    section.save()
    section.refresh_from_db()
    assert (section.heading, section.body) == (
        "Who pays?",
        "First paragraph.\n\nSecond,\nwith a lone CR.",
    )
    assert "<p>Second,\nwith a lone CR.</p>" in section.body_html
    chart = Chart.objects.get(slug="timko-2007-referral-outcomes")
    chart.data = chart.data.replace("\n", "\r\n") + "\r\n"
    chart.save()
    assert "\r" not in Chart.objects.get(pk=chart.pk).data


def test_comparing_a_revision_stored_with_crlf_shows_no_change(editor_client, demo):
    document = make_document(slug="crlf-then-lf", title="Saved by a browser before the rule")
    save_document(editor_client, document, commentary="One.\n\nTwo.")
    save_document(editor_client, document, standfirst="Later.")
    new, old = Version.objects.get_for_object(document)[:2]
    # As an older site stored a browser's post.
    old.serialized_data = old.serialized_data.replace("One.\\n\\nTwo.", "One.\\r\\n\\r\\nTwo.")
    old.save()
    url = f"/admin/studies/document/{document.pk}/history/compare/?old={old.pk}&new={new.pk}"
    rows = [row.clean_text for row in page(editor_client.get(url)).find_all("tr")]
    assert any(row.startswith("Standfirst") for row in rows)
    assert not any(row.startswith("Commentary") for row in rows)


def test_texts_stored_before_the_rule_follow_it_after_migrating(editor_client, e4):
    import importlib

    from django.apps import apps
    from django.contrib.admin.models import LogEntry

    migration = importlib.import_module("workplace.migrations.0001_texts_by_one_rule")
    section = e4.bite_sections.order_by("order").first()
    # As an older site stored a browser's post: CRLF, and a trailing newline.
    off_rule = section.body.replace("\n", "\r\n") + "\r\n"
    BiteSection.objects.filter(pk=section.pk).update(body=off_rule)

    migration.store_texts_by_the_rule(apps, None)

    assert BiteSection.objects.get(pk=section.pk).body == section.body
    url = cell_change_url(e4)
    editor_client.post(url, as_a_browser_posts(form_data(editor_client.get(url))))
    entry = LogEntry.objects.filter(object_id=str(e4.pk)).latest("pk")
    assert entry.get_change_message() == "No fields changed."


# The demo content has a first revision.


def test_demo_content_can_be_restored_to_its_first_revision(editor_client, demo):
    from demo.loader import DEMO_REVISION

    document = Document.objects.get(slug=TIMKO)
    loaded = document.standfirst
    save_document(editor_client, document, standfirst="An editor's rewrite.")
    first = Version.objects.get_for_object(document).get(revision__comment=DEMO_REVISION)
    url = document_url(document, f"history/{first.pk}")
    shown = editor_client.get(url)
    assert "An editor's rewrite." not in shown.text
    assert editor_client.post(url, form_data(shown)).status_code == 302
    document.refresh_from_db()
    assert document.standfirst == loaded
    assert list(document.authorships.values_list("name", flat=True)) == [
        "Timko C.",
        "DeBenedetti A.",
    ]


def test_deleted_demo_content_can_be_recovered(editor_client, demo):
    from matrix.models import CellEntry

    document = Document.objects.get(slug="inter-service-transition-2012")
    authors = list(document.authorships.values_list("name", flat=True))
    CellEntry.objects.filter(document=document).delete()  # taken out of its cell first
    assert editor_client.post(document_url(document, "delete"), {"post": "yes"}).status_code == 302
    assert not Document.objects.filter(slug="inter-service-transition-2012").exists()

    assert (
        "Forging links between services"
        in editor_client.get("/admin/studies/document/recover/").text
    )
    version = Version.objects.get_deleted(Document).get(object_id=str(document.pk))
    url = f"/admin/studies/document/recover/{version.pk}/"
    assert editor_client.post(url, form_data(editor_client.get(url))).status_code == 302
    recovered = Document.objects.get(slug="inter-service-transition-2012")
    assert recovered.title == document.title
    assert list(recovered.authorships.values_list("name", flat=True)) == authors
