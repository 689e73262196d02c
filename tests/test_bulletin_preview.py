"""The bulletin's change form: Preview shows what the form holds and saves nothing; no form
is nested in another, so every button does what it says."""

import html
import json
import shutil
import subprocess

import pytest
from django.utils import timezone

from editorial.changes import record
from editorial.models import Change
from mail.models import OutboxMessage
from readers import bulletins
from readers.models import Bulletin, Subscriber
from studies.models import Document
from tests.admin_forms import form_data
from tests.htmlparse import page, parse
from tests.test_html_valid import vnu_jar

pytestmark = pytest.mark.django_db

TIMKO = "timko-debenedetti-2007-intensive-referral"


@pytest.fixture
def draft(demo):
    document = Document.objects.get(slug=TIMKO)
    record(document, Change.Kind.REVISED, note="added the three-year follow-up")
    bulletin = Bulletin.objects.create(title="Weekly bulletin", introduction="The saved words.")
    bulletins.gather(bulletin)
    return bulletin


def change_url(bulletin):
    return f"/admin/readers/bulletin/{bulletin.pk}/change/"


def as_saved(bulletin):
    row = Bulletin.objects.get(pk=bulletin.pk)
    return (
        row.title,
        row.introduction,
        row.introduction_html,
        row.status,
        list(row.changes.values_list("pk", flat=True)),
    )


def test_no_form_is_nested_and_preview_belongs_to_the_change_form(editor_client, draft):
    tree = page(editor_client.get(change_url(draft)))
    forms = tree.find_all("form")
    assert [f for f in forms if any(a.tag == "form" for a in f.ancestors())] == []
    change_form = tree.find("form", id="bulletin_form")
    preview = change_form.find("input", name="_preview")
    assert preview["formaction"] == f"/admin/readers/bulletin/{draft.pk}/preview/"
    assert change_form.find("input", name="subscriber")["type"] == "email"
    # Save stays the form's first button, so Enter in a field saves rather than previews.
    buttons = [
        n
        for n in change_form.iter()
        if n.tag in ("input", "button") and n.get("type", "submit") == "submit"
    ]
    assert buttons[0]["name"] == "_save"
    act = next(f for f in forms if f.get("action", "").endswith("/act/"))
    assert {b["value"] for b in act.find_all("button")} == {"gather", "test", "schedule", "send"}


def test_preview_shows_what_the_form_holds_and_saves_nothing(editor_client, draft):
    Subscriber.objects.create(email="r@example.org", confirmed_at=timezone.now(), everything=True)
    later = Document.objects.get(slug="manning-2012-active-referral")
    record(later, Change.Kind.REVISED, note="a revision since it was gathered")
    before = as_saved(draft)
    data = form_data(editor_client.get(change_url(draft)))
    data.update(
        title="Weekly bulletin, typed",
        introduction="Words typed, *not* saved.",
        subscriber="r@example.org",
        _preview="Preview",
    )
    response = editor_client.post(f"/admin/readers/bulletin/{draft.pk}/preview/", data)
    assert response.status_code == 200
    tree = page(response)
    assert "As it stands in your form, not saved." in tree.find(id="content-main").clean_text
    assert "As r@example.org would get it" in response.text
    text = tree.find("pre", class_="mail-text").text
    # The plain part reads the markup as words (issue 21: it showed the raw markup).
    assert "Words typed, not saved." in text and "added the three-year follow-up" in text
    assert "*not*" not in text
    assert "a revision since it was gathered" in text  # gathered again, as saving would
    email = parse(html.unescape(tree.find("iframe", class_="mail-frame")["srcdoc"]))
    assert email.find("em").text == "not"
    assert "Weekly bulletin, typed: 2 updates" in tree.find(id="content-main").clean_text
    assert as_saved(draft) == before
    assert not OutboxMessage.objects.exists()


def test_a_preview_of_a_form_with_errors_lists_them_and_saves_nothing(editor_client, draft):
    before = as_saved(draft)
    data = form_data(editor_client.get(change_url(draft)))
    data.update(title="", introduction="Typed.")
    response = editor_client.post(f"/admin/readers/bulletin/{draft.pk}/preview/", data)
    errors = page(response).find(class_="preview-errors").clean_text
    assert "title: This field is required." in errors
    assert "The saved words." in page(response).find("pre", class_="mail-text").text
    assert as_saved(draft) == before


def test_a_sent_bulletin_previews_as_it_was_sent(editor_client, draft):
    bulletins.send(draft)
    before = as_saved(draft)
    data = form_data(editor_client.get(change_url(draft)))
    response = editor_client.post(f"/admin/readers/bulletin/{draft.pk}/preview/", data)
    assert "The saved words." in page(response).find("pre", class_="mail-text").text
    assert as_saved(draft) == before


def test_the_change_form_and_the_preview_are_valid_html5(editor_client, draft, tmp_path):
    java = shutil.which("java")
    assert java, "The Nu HTML Checker needs Java: apt-get install default-jre-headless"
    change = tmp_path / "bulletin-change.html"
    change.write_text(editor_client.get(change_url(draft)).content.decode(), encoding="utf-8")
    data = form_data(editor_client.get(change_url(draft)))
    preview = tmp_path / "bulletin-preview.html"
    response = editor_client.post(f"/admin/readers/bulletin/{draft.pk}/preview/", data)
    preview.write_text(response.content.decode(), encoding="utf-8")
    result = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--errors-only", "--format", "json", str(change),
         str(preview)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    messages = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in json.loads(result.stderr or result.stdout)["messages"]
        # Django's date-time widget points at a time-zone warning its own script adds.
        if "_timezone_warning_helptext" not in m.get("extract", "")
    ]
    assert messages == []
