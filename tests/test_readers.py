"""Readers follow what matters to them: double opt-in, preferences, bulletins, leaving with
one click, rate limits, and mail that a real SMTP server receives."""

import re
from datetime import timedelta
from unittest import mock

import feedparser
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from editorial.changes import record
from editorial.models import Change
from mail.models import OutboxMessage, Undeliverable
from mail.sending import send_pending
from readers import bulletins
from readers.models import Bulletin, Follow, Subscriber
from readers.services import expire_unconfirmed, set_preferences
from readers.targets import describe
from studies.models import Document
from tests.factories import get_cell
from tests.htmlparse import page
from tests.smtp import SMTPServer

pytestmark = pytest.mark.django_db

TIMKO = "timko-debenedetti-2007-intensive-referral"
LINK_RE = re.compile(r"https?://\S+")


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        settings.SITE_URL = "https://evidence.example.org"
        yield server


def deliver():
    return send_pending("test-worker", time_budget=30)


def links(message):
    return LINK_RE.findall(message.get_body(("plain",)).get_content())


def sign_up(client, smtp, email="reader@example.org", follow="cell:alcohol/E4"):
    """Subscribe, open the email, press Confirm: what a reader does."""
    client.post("/subscribe/", {"email": email, "follow": follow})
    deliver()
    message = smtp.messages[-1]
    confirm = next(link for link in links(message) if "/subscribe/confirm/" in link)
    path = confirm.split("evidence.example.org", 1)[1]
    client.post(path)
    return Subscriber.objects.get(email=email)


def test_double_opt_in_from_a_cell_page(client, smtp, demo):
    form = page(client.get("/matrices/alcohol/E4/")).find("form", class_="follow-form")
    assert form.find("input", name="follow")["value"] == "cell:alcohol/E4"
    response = client.post(
        form["action"], {"email": "Reader@Example.org", "follow": "cell:alcohol/E4"}
    )
    assert "Check your inbox" in response.text
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reader@example.org" and subscriber.confirmed_at is None
    assert deliver()["sent"] == 1
    message = smtp.messages[0]
    assert message["To"] == "reader@example.org"
    assert message.get_body(("html",)) is not None and message.get_body(("plain",)) is not None
    confirm = next(link for link in links(message) if "/subscribe/confirm/" in link)
    path = confirm.split("evidence.example.org", 1)[1]

    shown = client.get(path)  # a mail scanner following the link confirms nothing
    assert "Yes, confirm" in shown.text and "Alcohol Treatment Matrix cell E4" in shown.text
    assert Subscriber.objects.get().confirmed_at is None
    response = client.post(path)
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    assert list(subscriber.follows.values_list("target", flat=True)) == ["cell:alcohol/E4"]
    assert (
        "Confirmed: you follow Alcohol Treatment Matrix cell E4"
        in client.get(response["Location"]).text
    )


@pytest.mark.parametrize(
    "path, key",
    [
        ("/matrices/alcohol/", "matrix:alcohol"),
        ("/matrices/alcohol/rows/4/", "row:alcohol/4"),
        ("/matrices/alcohol/E4/", "cell:alcohol/E4"),
        ("/topics/twelve-step-mutual-aid/", "topic:twelve-step-mutual-aid"),
        ("/subjects/case-management/", "subject:case-management"),
        ("/search/?q=mutual+aid", "search:mutual aid"),
    ],
)
def test_every_followable_page_offers_follow_this(client, path, key, demo):
    form = page(client.get(path)).find("form", class_="follow-form")
    assert form.find("input", name="follow")["value"] == key
    assert form.find("button").text == "Follow this"
    # The key is one the subscribe page understands: it names what will be followed.
    shown = client.get("/subscribe/", {"follow": key}).text
    assert describe(key).label in shown


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(client, smtp, demo):
    sign_up(client, smtp, follow="")
    first = client.post("/subscribe/", {"email": "reader@example.org"}).content
    second = client.post("/subscribe/", {"email": "somebody-new@example.org"}).content
    assert first == second
    deliver()
    already = smtp.messages[-2]
    assert "You already get Evidence Bank updates" in already["Subject"]


def test_forged_and_expired_links_are_refused(client, smtp, demo):
    client.post("/subscribe/", {"email": "late@example.org"})
    deliver()
    confirm = next(link for link in links(smtp.messages[0]) if "/subscribe/confirm/" in link)
    path = confirm.split("evidence.example.org", 1)[1]
    forged = path[:-3] + ("abc" if not path.endswith("abc/") else "xyz") + "/"
    assert client.get(forged).status_code == 400
    later = timezone.now().timestamp() + 4 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(path)
    assert response.status_code == 400 and "has expired" in response.text
    assert Subscriber.objects.get().confirmed_at is None


def test_unconfirmed_sign_ups_expire_and_are_deleted(demo):
    Subscriber.objects.create(email="never@example.org")
    Subscriber.objects.filter(email="never@example.org").update(
        created=timezone.now() - timedelta(days=4)
    )
    Subscriber.objects.create(email="recent@example.org")
    assert expire_unconfirmed() == 1
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["recent@example.org"]


def reader(email, *, everything=False, follows=(), searches=(), frequency="weekly", **extra):
    subscriber = Subscriber.objects.create(
        email=email, confirmed_at=timezone.now(), frequency=frequency, **extra
    )
    set_preferences(
        subscriber, everything=everything, targets=list(follows), searches=list(searches),
        frequency=frequency, paused=extra.get("paused", False),
    )  # fmt: skip
    return subscriber


def revise(document, note):
    document.last_revised, document.revision_note = timezone.localdate(), note
    document.save()
    return record(document, Change.Kind.REVISED, note=note)


def test_each_reader_gets_only_what_they_follow(demo):
    timko = Document.objects.get(slug=TIMKO)
    reader("cell@example.org", follows=["cell:alcohol/E4"])
    reader("row@example.org", follows=["row:alcohol/4"])
    reader("other-row@example.org", follows=["row:alcohol/1"])
    reader("all@example.org", everything=True)
    reader("subject@example.org", follows=[f"subject:{timko.tags.first().slug}"])
    reader("search@example.org", searches=["intensive referral"])
    reader("other-search@example.org", searches=["xylophone"])
    # Saved searches run through the search engine: synonyms, hyphens and stemming apply.
    reader("synonym@example.org", searches=["mutual help referrals"])
    reader("paused@example.org", everything=True, paused=True)
    reader("monthly@example.org", everything=True, frequency="monthly")
    revise(timko, "added the three-year follow-up")

    bulletin = Bulletin.objects.create(title="Weekly")
    bulletins.gather(bulletin)
    mailing, count = bulletins.build_outbox(bulletin)
    got = set(OutboxMessage.objects.filter(mailing=mailing).values_list("to_email", flat=True))
    assert got == {
        "cell@example.org", "row@example.org", "all@example.org", "subject@example.org",
        "search@example.org", "synonym@example.org",
    }  # fmt: skip
    assert count == 6


def test_a_bulletin_carries_one_click_unsubscribe_and_works_in_mail_clients(smtp, demo):
    subscriber = reader("cell@example.org", follows=["cell:alcohol/E4"])
    revise(Document.objects.get(slug=TIMKO), "added the three-year follow-up")
    bulletin = Bulletin.objects.create(title="Weekly bulletin", introduction="Hello **all**.")
    assert bulletins.send(bulletin) == 1
    deliver()
    message = smtp.messages[-1]
    assert message["Subject"] == "Weekly bulletin: 1 update"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://evidence.example.org/unsubscribe/")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "added the three-year follow-up" in text and "added the three-year follow-up" in html
    assert "https://evidence.example.org/documents/timko-" in text
    assert 'href="https://evidence.example.org/documents/timko-' in html
    assert "<strong>all</strong>" in html
    assert 'style="' in html  # styles inlined for mail clients
    assert not re.search(r'href="/', html)  # every link absolute
    assert "placeholder.invalid" not in text + html

    # One click: a bare POST, no page, no CSRF token.
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(unsubscribe.split("example.org", 1)[1]).status_code == 200
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()


# Markup syntax that must never reach a reader's plain-text email.
MARKUP_SYNTAX = re.compile(r"\]\(|\[[^\]]*\]\^|\^\[|\*\*|(doc|cell|topic|chart):[a-z]")


def test_a_bulletins_plain_part_reads_as_words_and_addresses(smtp, demo):
    reader("cell@example.org", follows=["cell:alcohol/E4"])
    revise(Document.objects.get(slug=TIMKO), "added the three-year follow-up")
    bulletin = Bulletin.objects.create(
        title="Weekly bulletin",
        introduction=(
            "This week **two** changes. Read the [trial of referral](doc:timko-debenedetti-2007-"
            "intensive-referral) and [cell E4](cell:alcohol/E4), with [a phrase]^[and its "
            "note].\n\n- one point\n- another"
        ),
    )
    assert bulletins.send(bulletin) == 1
    deliver()
    text = smtp.messages[-1].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert not MARKUP_SYNTAX.search(text), text
    assert (
        "trial of referral <https://evidence.example.org/documents/"
        "timko-debenedetti-2007-intensive-referral/>" in text
    )
    assert "cell E4 <https://evidence.example.org/matrices/alcohol/E4/>" in text
    assert "a phrase (and its note)" in text
    assert "* one point\n\n* another" in text


def test_an_unsubscribe_link_opened_in_a_browser_asks_first(client, demo):
    from readers.tokens import unsubscribe_token

    subscriber = reader("cell@example.org", follows=["cell:alcohol/E4"])
    url = f"/unsubscribe/{unsubscribe_token(subscriber.pk, subscriber.key)}/"
    assert "Unsubscribe and delete" in client.get(url).text
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_managing_preferences_and_deleting_everything(client, smtp, demo):
    subscriber = sign_up(client, smtp)
    from readers.tokens import manage_token

    url = f"/subscription/{manage_token(subscriber.pk, subscriber.key)}/"
    tree = page(client.get(url))
    assert tree.find("input", value="cell:alcohol/E4").get("checked") is not None
    response = client.post(
        url,
        {
            "frequency": "monthly",
            "follow_rows": ["row:alcohol/4"],
            "searches": "mutual aid\n",
            "follow_hot_topics": ["topic:twelve-step-mutual-aid"],
        },
    )
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.frequency == "monthly"
    assert set(subscriber.follows.values_list("target", flat=True)) == {
        "row:alcohol/4",
        "search:mutual aid",
        "topic:twelve-step-mutual-aid",
    }
    assert OutboxMessage.objects.filter(to_email=subscriber.email).exists()

    # Leaving is a destructive action, styled unlike "Save my choices".
    assert 'class="button-danger">Delete everything</button>' in client.get(url).text
    response = client.post(url, {"delete": "1"})
    assert "everything we held about you have been deleted" in response.text
    assert not Subscriber.objects.exists() and not Follow.objects.exists()
    assert not OutboxMessage.objects.filter(to_email="reader@example.org").exists()
    assert client.get(url).status_code == 400  # the old link no longer works


def test_sign_ups_are_limited_per_address_and_per_ip(client, settings, demo):
    settings.READERS_SUBSCRIBE_RATE_EMAIL = "3/h"
    settings.READERS_SUBSCRIBE_RATE_IP = "5/h"
    for _ in range(3):
        assert client.post("/subscribe/", {"email": "victim@example.org"}).status_code == 200
    response = client.post("/subscribe/", {"email": "victim@example.org"})
    assert response.status_code == 429
    assert "Too many requests" in response.text
    assert 'value="victim@example.org"' in response.text  # what was typed is kept
    assert OutboxMessage.objects.filter(to_email="victim@example.org").count() == 3
    client.post("/subscribe/", {"email": "a@example.org"})
    assert client.post("/subscribe/", {"email": "b@example.org"}).status_code == 429


def test_temporary_failures_retry_later_and_permanent_ones_stop(smtp, demo):
    from mail.sending import queue

    smtp.recorder.refuse = {
        "busy@example.org": "450 Mailbox busy, try later",
        "gone@example.org": "550 No such user",
    }
    busy = queue(
        "readers.notice",
        "busy@example.org",
        {"what": "already", "token": "x", "follow": ""},
        recipient="0:x",
    )
    gone = queue(
        "readers.notice",
        "gone@example.org",
        {"what": "already", "token": "x", "follow": ""},
        recipient="0:x",
    )
    counts = deliver()
    assert counts == {"sent": 0, "retry": 1, "failed": 1}
    busy.refresh_from_db(), gone.refresh_from_db()
    assert busy.status == "queued" and busy.attempts == 1
    assert busy.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert gone.status == "failed" and "550" in gone.last_error
    assert Undeliverable.objects.filter(email="gone@example.org").exists()

    smtp.recorder.refuse = {}
    OutboxMessage.objects.filter(pk=busy.pk).update(next_attempt_at=timezone.now())
    assert deliver() == {"sent": 1, "retry": 0, "failed": 0}
    again = queue("readers.notice", "gone@example.org", {"what": "already", "token": "x"})
    assert again.status == "queued"  # a single queue() still records it…
    reader("gone@example.org", everything=True)
    revise(Document.objects.get(slug=TIMKO), "a note")
    bulletin = Bulletin.objects.create(title="Weekly")
    _, count = bulletins.build_outbox(bulletins.gather(bulletin))
    assert count == 0  # …but no mailing includes an undeliverable address


def test_a_provider_bounce_or_complaint_suppresses_the_address(demo):
    from anymail.signals import AnymailTrackingEvent, tracking

    event = AnymailTrackingEvent(event_type="complained", recipient="Angry@Example.org")
    tracking.send(sender=object, event=event, esp_name="Mailgun")
    assert Undeliverable.objects.filter(email="angry@example.org").exists()


def test_editors_get_an_email_for_each_message_from_readers(client, smtp, settings, demo):
    settings.EDITORS_EMAIL = "editors@evidence.example.org"
    client.post(
        "/matrices/alcohol/E4/comment/",
        {
            "name": "Ann Reader",
            "email": "ann@example.org",
            "message": "A question about E4.",
        },
    )
    deliver()
    message = smtp.messages[-1]
    assert message["To"] == "editors@evidence.example.org"
    assert message["Reply-To"] == "ann@example.org"
    assert "A question about E4." in message.get_body(("plain",)).get_content()


def test_a_matrix_bite_release_goes_to_the_cells_followers(
    editor_client, smtp, demo, django_capture_on_commit_callbacks
):
    reader("cell@example.org", follows=["cell:alcohol/E4"])
    reader("all@example.org", everything=True)
    from tests.admin_forms import cell_change_url, form_data

    e4 = get_cell("alcohol", "E4")
    data = form_data(editor_client.get(cell_change_url(e4)))
    index = next(k.split("-")[1] for k, v in data.items() if k.endswith("-anchor") and v == "about")
    data[f"bite_sections-{index}-body"] += "\n\nA paragraph on the 2026 trial."
    data.update(mark_revised="on", revision_note="discussed the 2026 trial")
    with django_capture_on_commit_callbacks(execute=True):  # the worker's release task
        assert editor_client.post(cell_change_url(e4), data).status_code == 302
    deliver()
    bite = [m for m in smtp.messages if m["Subject"].startswith("New in the Matrix Bite")]
    assert [m["To"] for m in bite] == ["cell@example.org"]
    assert "discussed the 2026 trial" in bite[0].get_body(("plain",)).get_content()


def test_sent_bulletins_have_public_pages_and_an_atom_feed(client, demo):
    reader("all@example.org", everything=True)
    revise(Document.objects.get(slug=TIMKO), "added the three-year follow-up")
    bulletin = Bulletin.objects.create(title="Weekly bulletin, 1 March 2027")
    bulletins.send(bulletin)
    listing = client.get("/bulletins/")
    assert "Weekly bulletin, 1 March 2027" in listing.text
    detail = client.get(bulletin.get_absolute_url())
    assert "added the three-year follow-up" in detail.text
    feed = feedparser.parse(client.get("/bulletins/feed/").content)
    assert not feed.bozo
    assert feed.entries[0].title == "Weekly bulletin, 1 March 2027"


def test_send_bulletin_dry_run_says_who_gets_what(capsys, demo):
    reader("cell@example.org", follows=["cell:alcohol/E4"])
    reader("row1@example.org", follows=["row:alcohol/1"])
    revise(Document.objects.get(slug=TIMKO), "added the three-year follow-up")
    call_command("send_bulletin", "--dry-run")
    out = capsys.readouterr().out
    assert "cell@example.org: A randomized controlled trial" in out
    assert "row1@example.org" not in out
    assert "1 reader(s) would get it. Nothing was sent" in out
    assert not OutboxMessage.objects.exists() and not Bulletin.objects.exists()


def test_a_new_reader_follows_e4_hears_of_a_revision_there_and_leaves(
    client, editor_client, smtp, demo
):
    """The issue's whole story, end to end."""
    subscriber = sign_up(client, smtp, email="commissioner@example.org")
    set_preferences(
        subscriber,
        everything=False,
        targets=["cell:alcohol/E4"],
        searches=[],
        frequency="immediate",
        paused=False,
    )
    document = Document.objects.get(slug=TIMKO)
    url = f"/admin/studies/document/{document.pk}/change/"
    from tests.admin_forms import form_data

    data = form_data(editor_client.get(url))
    data.update(mark_revised="on", revision_note="added the 2026 trial")
    assert editor_client.post(url, data).status_code == 302

    assert bulletins.send_immediate() == 1  # what the worker does a few minutes later
    deliver()
    bulletin = smtp.messages[-1]
    assert bulletin["To"] == "commissioner@example.org"
    assert "added the 2026 trial" in bulletin.get_body(("plain",)).get_content()
    unsubscribe = bulletin["List-Unsubscribe"].strip("<>").split("example.org", 1)[1]
    Client(enforce_csrf_checks=True).post(unsubscribe)
    assert not Subscriber.objects.filter(email="commissioner@example.org").exists()
    assert bulletins.send_immediate() == 0  # nothing new: nothing sent
