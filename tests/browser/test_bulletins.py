"""The bulletin's change form in a real browser without JavaScript: Preview opens what the
form holds and saves nothing; the action buttons act (no form is nested in another)."""

import pytest

from editorial.changes import record
from editorial.models import Change
from mail.models import OutboxMessage
from readers import bulletins
from readers.models import Bulletin
from studies.models import Document

pytestmark = pytest.mark.browser

TIMKO = "timko-debenedetti-2007-intensive-referral"


@pytest.fixture
def editor_page(sign_in_editor):
    """The editor's page without JavaScript: the form must work as plain HTML."""
    return sign_in_editor(email="ed@example.org", java_script_enabled=False)


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


def test_a_bulletin_email_fits_a_phone(new_context):
    """The HTML part as a mail client on a 390 px phone draws it: nothing wider than the
    screen, the site's own type (not a serif), standfirsts and long addresses included."""
    for document in Document.objects.filter(
        slug__in=[TIMKO, "humphreys-2020-twelve-step-six-trials"]
    ):
        record(document, Change.Kind.REVISED, note="added a follow-up")
    bulletin = Bulletin.objects.create(
        title="Weekly bulletin, with a title long enough to wrap on a phone",
        introduction="See https://evidence.example.org/documents/a-very-long-address-that-"
        "does-not-break-by-itself-at-all-anywhere/ for more.",
    )
    bulletins.gather(bulletin)
    changes = [c.pk for c in bulletins.covered(bulletin)]
    from mail.registry import kind

    html = kind("readers.bulletin").render({"bulletin": bulletin.pk, "changes": changes}).html
    assert 'class="standfirst"' in html
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_content(html)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    family = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "Georgia" not in family and "system-ui" in family
