"""The bulletin's change form in a real browser without JavaScript: Preview opens what the
form holds and saves nothing; the action buttons act (no form is nested in another)."""

import pytest
from django.contrib.auth.models import Group, User

from editorial.changes import record
from editorial.models import Change
from mail.models import OutboxMessage
from readers import bulletins
from readers.models import Bulletin
from studies.models import Document

pytestmark = pytest.mark.browser

TIMKO = "timko-debenedetti-2007-intensive-referral"


@pytest.fixture
def editor_page(new_context, site):
    user = User.objects.create_user(
        "ed", email="ed@example.org", password="a long pass phrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    page = new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = page.new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", "a long pass phrase")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page


def test_preview_saves_nothing_and_the_buttons_do_what_they_say(editor_page, browser_errors):
    record(Document.objects.get(slug=TIMKO), Change.Kind.REVISED, note="added a follow-up")
    bulletin = Bulletin.objects.create(title="Weekly bulletin", introduction="Saved words.")
    bulletins.gather(bulletin)
    url = f"/admin/readers/bulletin/{bulletin.pk}/change/"
    editor_page.goto(url)
    editor_page.fill("#id_introduction", "Typed in the browser, not saved.")
    with editor_page.context.expect_page() as opened:
        editor_page.click("input[name=_preview]")
    preview = opened.value
    preview.wait_for_load_state()
    assert "Typed in the browser, not saved." in preview.inner_text("pre.mail-text")
    assert Bulletin.objects.get(pk=bulletin.pk).introduction == "Saved words."
    assert editor_page.url.endswith(url)  # the form stays open, as typed
    assert editor_page.input_value("#id_introduction") == "Typed in the browser, not saved."
    # The email's inlined styles are refused inside the admin by design (its <style> block
    # carries the page's nonce instead); anything else would be a fault.
    errors = [e for e in browser_errors.take() if "Applying inline style violates" not in e]
    assert errors == []

    editor_page.goto(url)
    editor_page.click("button[value=test]")
    assert "A test is on its way to ed@example.org" in editor_page.inner_text(".messagelist")
    assert OutboxMessage.objects.get().to_email == "ed@example.org"
