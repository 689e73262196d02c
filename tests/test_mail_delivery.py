"""Mail never blames an address for a message's fault.

A real SMTP server (tests/smtp.py) refuses any line over 998 octets, as production's did, and
can refuse a sender, a recipient, a message after DATA or the sign-in. Every part is sent
within the limit, on both send paths, and reads back as written; an address is suppressed
only when the server refuses the recipient itself.
"""

import email
from email import policy

import pytest
from django.utils import timezone

from editorial.changes import record
from editorial.models import Change
from mail.models import OutboxMessage, Undeliverable
from mail.sending import send_pending
from readers import bulletins
from readers.models import Bulletin, Subscriber
from readers.services import set_preferences
from studies.models import Document
from tests.htmlparse import parse
from tests.smtp import LINE_LIMIT, SMTPServer

pytestmark = pytest.mark.django_db

TIMKO = "timko-debenedetti-2007-intensive-referral"
EDITORS = "editors@evidence.example.org"


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        settings.SITE_URL = "https://evidence.example.org"
        settings.EDITORS_EMAIL = EDITORS
        yield server


def deliver():
    return send_pending("test-worker", time_budget=30)


def text_of(message, subtype="plain"):
    """A part as a mail client shows it (line endings are the transport's)."""
    return message.get_body((subtype,)).get_content().replace("\r\n", "\n")


def comment(client, message, name="Ann Reader"):
    response = client.post(
        "/matrices/alcohol/E4/comment/",
        {"name": name, "email": "ann@example.org", "message": message},
    )
    assert response.status_code == 302, response.text


def one_line_comment(length=10_000):
    """A reader's comment as one line, in our own words, cut to ``length`` characters."""
    words = (
        "Is the E4 evidence still current? The 2007 trial's follow-up looks short, & the "
        "review cites <three> studies; naïve readers — like me — want a date. "
    )
    return (words * (length // len(words) + 1))[: length - 1] + "?"


def test_a_10000_character_one_line_comment_reaches_the_editors(client, smtp, demo):
    message = one_line_comment()
    assert len(message) == 10_000 and "\n" not in message
    comment(client, message)
    assert deliver() == {"sent": 1, "retry": 0, "failed": 0}
    received = smtp.messages[-1]
    assert received["To"] == EDITORS
    assert message in text_of(received)  # as the reader wrote it, every character
    box = parse(text_of(received, "html")).find("div", class_="box")
    assert box.text == message  # the HTML part's pre-wrap box, unbroken
    assert not Undeliverable.objects.exists()


def reader(email_address, **choices):
    subscriber = Subscriber.objects.create(email=email_address, confirmed_at=timezone.now())
    set_preferences(
        subscriber,
        everything=False,
        targets=["cell:alcohol/E4"],
        searches=[],
        frequency="weekly",
        paused=False,
        **choices,
    )
    return subscriber


def test_a_bulletin_with_a_1680_character_introduction_reaches_its_reader(client, smtp, demo):
    reader("reader@example.org")
    document = Document.objects.get(slug=TIMKO)
    record(document, Change.Kind.REVISED, note="added the three-year follow-up")
    sentence = (
        "This week the editors read every trial added to the bank since the spring and "
        "checked each cell that cites it, so that the grid and the essays agree. "
    )
    introduction = (sentence * 12)[:1_679].rstrip() + "."
    assert len(introduction) == 1_680
    bulletin = Bulletin.objects.create(title="Weekly bulletin", introduction=introduction)
    assert bulletins.send(bulletin) == 1
    assert deliver() == {"sent": 1, "retry": 0, "failed": 0}
    received = smtp.messages[-1]
    assert received["To"] == "reader@example.org"
    assert f"\n{introduction}\n" in text_of(received)
    assert introduction in parse(text_of(received, "html")).text
    # The reader's own links were put into the shared content, whole and working.
    text = text_of(received)
    assert "placeholder.invalid" not in text + text_of(received, "html")
    manage = next(w for w in text.split() if "/subscription/" in w)
    assert client.get(manage.split("evidence.example.org", 1)[1]).status_code == 200
    assert not Undeliverable.objects.exists()


def test_the_django_message_path_keeps_lines_short_too(client, smtp, settings, demo):
    """A non-ASCII address goes through Django's own message (IDNA for its domain)."""
    settings.EDITORS_EMAIL = "redaktion@bücher.example"
    message = one_line_comment()
    comment(client, message)
    assert deliver() == {"sent": 1, "retry": 0, "failed": 0}
    received = smtp.messages[-1]
    assert "xn--bcher-kva.example" in received["To"]
    assert message in text_of(received)
    assert parse(text_of(received, "html")).find("div", class_="box").text == message


MANAGE = "https://manage.placeholder.invalid/"
OWN_LINK = "https://evidence.example.org/subscription/MQ:1v2Xyz:abc_DEF-123/"


def awkward_text(offset):
    """Long lines, a stand-in at ``offset`` from where a soft line break would fall, non-ASCII,
    white space before line ends, a leading dot, '=' signs."""
    return (
        "a" * offset
        + MANAGE
        + "é" * 700
        + " tail\n"
        + "word " * 300
        + MANAGE
        + "\t \n"
        + ".leading dot, then From at the start:\nFrom here\n"
        + "=" * 1_200
        + "\n"
    )


def lines_of(data):
    return data.split(b"\r\n")


@pytest.mark.parametrize("offset", range(0, 80, 7))
def test_every_part_fits_the_line_limit_and_reads_back_as_written(offset):
    from mail.mime import Wire
    from mail.registry import Content

    text = awkward_text(offset)
    content = Content("Subject", text, f"<pre>{text}</pre>", {"List-Unsubscribe": f"<{MANAGE}>"})
    to, message_id = "recipient@stand-in.invalid", "<message-id@stand-in.invalid>"
    wire = Wire(content, to, message_id, [MANAGE])
    data = wire.fill({to: "reader@example.org", message_id: "<1@example.org>", MANAGE: OWN_LINK})
    assert max(map(len, lines_of(data))) <= LINE_LIMIT
    assert b"quoted-printable" in data  # these parts could not go as they were
    parsed = email.message_from_bytes(data, policy=policy.default)
    personal = text.replace(MANAGE, OWN_LINK)
    assert text_of(parsed) == personal
    assert text_of(parsed, "html") == f"<pre>{personal}</pre>\n"
    assert parsed["List-Unsubscribe"] == f"<{OWN_LINK}>" and parsed["To"] == "reader@example.org"


def test_parts_that_fit_go_as_written():
    """The common case costs nothing: 8-bit, and one serialisation shared by all readers."""
    from mail.mime import Wire
    from mail.registry import Content

    content = Content("Subject", f"Short lines, é.\n{MANAGE}\n", f"<p><a href={MANAGE}>x</a>", {})
    wire = Wire(content, "to@stand-in.invalid", "<id@stand-in.invalid>", [MANAGE])
    assert wire.data.count(b"Content-Transfer-Encoding: 8bit") == 2
    assert "Short lines, é.".encode() in wire.data


def render_long_link(context):
    from mail.registry import Content

    return Content("A long link", f"Your link: {MANAGE}\n", f"<p><a href='{MANAGE}'>it</a></p>")


def own_long_link(message):
    return {MANAGE: "https://evidence.example.org/" + "x" * 1_500}


def test_a_value_too_long_for_the_shared_copy_gets_a_message_of_its_own(smtp):
    from mail.registry import Kind, register
    from mail.sending import queue

    register(Kind("tests.long-link", render_long_link, own_long_link))
    queue("tests.long-link", "reader@example.org", {})
    assert deliver() == {"sent": 1, "retry": 0, "failed": 0}
    received = smtp.messages[-1]
    link = own_long_link(None)[MANAGE]
    assert text_of(received) == f"Your link: {link}\n"
    assert f"href='{link}'" in text_of(received, "html") or f'href="{link}"' in text_of(
        received, "html"
    )


# Whose fault a refusal is.


@pytest.mark.parametrize(
    "code, reply, stage, verdict",
    [
        (550, "No such user", "RCPT TO", "address"),
        (550, "5.1.1 <x@example.org>: Recipient address rejected", "RCPT TO", "address"),
        (552, "5.2.2 Mailbox full", "RCPT TO", "address"),
        (550, "5.7.1 Relaying denied", "RCPT TO", "message"),  # our relay, not the address
        (554, "5.6.0 Message content refused", "DATA", "message"),
        (500, "Line too long (see RFC5321 4.5.3.1.6)", "DATA", "message"),
        (550, "5.1.1 The email account that you tried to reach does not exist", "DATA", "address"),
        (553, "5.1.7 Bad sender address syntax", "DATA", "message"),
        (552, "5.3.4 Message size exceeds fixed limit", "MAIL FROM", "message"),
        (550, "5.1.8 Sender domain unknown", "MAIL FROM", "message"),
        (550, "5.1.1 Unknown sender", "MAIL FROM", "message"),  # the sender's address
        (450, "4.2.1 Mailbox busy", "RCPT TO", "retry"),
        (421, "4.7.0 Try again later, closing connection", "DATA", "retry"),
        (None, "SMTPServerDisconnected: Connection unexpectedly closed", "sending", "retry"),
        (535, "5.7.8 Authentication credentials invalid", "session", "session"),
        (554, "No SMTP service here", "session", "session"),
    ],
)
def test_what_each_refusal_blames(code, reply, stage, verdict):
    from mail.refusals import judge

    assert judge(code, reply, stage) == verdict


def queue_to(address, marker):
    from mail.sending import queue

    return queue("tests.plain", address, {"marker": marker})


def render_plain(context):
    from mail.registry import Content

    words = f"A message marked {context['marker']}."
    return Content(f"Message {context['marker']}", words + "\n", f"<p>{words}</p>")


@pytest.fixture
def plain_kind():
    from mail.registry import Kind, register

    register(Kind("tests.plain", render_plain))


def markers(smtp):
    return sorted(m["Subject"].removeprefix("Message ") for m in smtp.messages)


def test_a_refusal_after_data_fails_that_message_only(smtp, plain_kind, editor_client):
    smtp.recorder.refuse_data = {"marked second": "554 5.6.0 Message content refused"}
    rows = [queue_to(EDITORS, marker) for marker in ("first", "second", "third")]
    assert deliver() == {"sent": 2, "retry": 0, "failed": 1}
    assert markers(smtp) == ["first", "third"]  # the other messages to the address went
    assert not Undeliverable.objects.exists()
    refused = OutboxMessage.objects.get(pk=rows[1].pk)
    assert refused.status == "failed" and refused.failure == "message"
    assert refused.last_error == "554 5.6.0 Message content refused (at DATA)"
    shown = editor_client.get(f"/admin/mail/outboxmessage/{refused.pk}/change/").text
    assert "554 5.6.0 Message content refused (at DATA)" in shown
    assert "The server refused this message" in shown
    assert queue_to(EDITORS, "fourth").status == "queued"  # later mail goes as ever
    assert deliver()["sent"] == 1


def test_a_refusal_to_mail_from_fails_that_message_only(smtp, plain_kind):
    smtp.recorder.refuse_sender = "552 5.3.4 Message size exceeds fixed maximum"
    row = queue_to(EDITORS, "big")
    assert deliver() == {"sent": 0, "retry": 0, "failed": 1}
    row.refresh_from_db()
    assert row.failure == "message" and "(at MAIL FROM)" in row.last_error
    assert not Undeliverable.objects.exists()


def test_a_refusal_at_rcpt_suppresses_the_address_and_fails_what_is_queued_for_it(
    smtp, plain_kind, settings
):
    settings.MAIL_BATCH = 1  # the others are still queued when the first is refused
    smtp.recorder.refuse = {"gone@example.org": "550 No such user"}
    first, second = queue_to("gone@example.org", "one"), queue_to("gone@example.org", "two")
    other = queue_to("reader@example.org", "three")
    assert deliver() == {"sent": 1, "retry": 0, "failed": 1}
    suppressed = Undeliverable.objects.get()
    assert suppressed.email == "gone@example.org"
    assert suppressed.reason == "refused by the mail server: 550 No such user (at RCPT TO)"
    first.refresh_from_db(), second.refresh_from_db(), other.refresh_from_db()
    assert (first.status, first.failure) == ("failed", "address")
    assert (second.status, second.failure) == ("failed", "suppressed")
    assert other.status == "sent"


def test_an_enhanced_5_1_1_after_data_suppresses_the_address(smtp, plain_kind):
    smtp.recorder.refuse_data = {"marked lost": "550 5.1.1 Mailbox does not exist"}
    row = queue_to("lost@example.org", "lost")
    assert deliver() == {"sent": 0, "retry": 0, "failed": 1}
    row.refresh_from_db()
    assert row.failure == "address"
    assert Undeliverable.objects.filter(email="lost@example.org").exists()


def test_a_policy_refusal_at_rcpt_suppresses_nobody(smtp, plain_kind):
    smtp.recorder.refuse = {EDITORS: "550 5.7.1 Relaying denied"}
    row = queue_to(EDITORS, "relayed")
    assert deliver() == {"sent": 0, "retry": 0, "failed": 1}
    row.refresh_from_db()
    assert row.failure == "message" and not Undeliverable.objects.exists()


def test_a_refused_sign_in_fails_nothing_and_blames_no_address(settings, plain_kind):
    with SMTPServer(password="right") as smtp:
        for name, value in smtp.settings().items():
            setattr(settings, name, value)
        settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "bulletins", "wrong"
        rows = [queue_to(f"reader{n}@example.org", str(n)) for n in range(3)]
        before = timezone.now()
        assert deliver() == {"sent": 0, "retry": 1, "failed": 0}
        assert smtp.recorder.sign_ins == [("bulletins", False)]  # it stopped knocking
        assert not Undeliverable.objects.exists()
        waiting = OutboxMessage.objects.order_by("pk")
        assert {m.status for m in waiting} == {"queued"}
        assert all(m.next_attempt_at > before for m in waiting)  # nothing due: no busy loop
        assert [m.attempts for m in waiting] == [1, 0, 0]
        assert "535" in waiting[0].last_error and "signing in" in waiting[0].last_error

        settings.EMAIL_HOST_PASSWORD = "right"  # the settings are fixed; time passes
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        assert deliver() == {"sent": 3, "retry": 0, "failed": 0}
        assert len(smtp.messages) == len(rows)


def test_earlier_failures_are_told_apart_by_the_migration(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("mail.migrations.0003_failure")
    Undeliverable.objects.create(email=EDITORS, reason="refused by the mail server: 500")
    made = {}
    for name, email_address, error in [
        ("refused", EDITORS, "(500, b'Line too long')"),
        ("dropped", EDITORS, "Undeliverable: refused by the mail server"),
        ("tired", "busy@example.org", "(451, b'Try later')"),
    ]:
        made[name] = OutboxMessage.objects.create(
            kind="tests.plain", to_email=email_address, status="failed", last_error=error,
            message_id=OutboxMessage.new_message_id(), next_attempt_at=timezone.now(),
        )  # fmt: skip
    migration.say_why_earlier_ones_failed(apps, None)
    got = {name: OutboxMessage.objects.get(pk=row.pk).failure for name, row in made.items()}
    assert got == {"refused": "address", "dropped": "suppressed", "tired": "attempts"}


def test_an_address_django_cannot_write_fails_its_message_and_nothing_else(
    smtp, plain_kind, settings
):
    """A non-ASCII local part: Django's SMTP backend refuses to write it (ValueError)."""
    row = queue_to("rédaction@example.org", "accented")
    other = queue_to(EDITORS, "plain")
    assert deliver() == {"sent": 1, "retry": 0, "failed": 1}
    row.refresh_from_db(), other.refresh_from_db()
    assert (row.status, row.failure) == ("failed", "message")
    assert "rédaction@example.org" in row.last_error and other.status == "sent"
    assert not Undeliverable.objects.exists()


def test_a_message_that_cannot_be_written_fails_alone_and_the_rest_go(smtp, plain_kind):
    """Its comment was deleted (as spam, say) before the worker came to it."""
    from mail.sending import queue

    orphan = queue("feedback.editors", EDITORS, {"message": 999_999})
    after = queue_to(EDITORS, "after")
    assert deliver() == {"sent": 1, "retry": 0, "failed": 1}
    orphan.refresh_from_db(), after.refresh_from_db()
    assert (orphan.status, orphan.failure) == ("failed", "message")
    assert orphan.last_error.startswith("Could not be written: DoesNotExist")
    assert after.status == "sent" and not Undeliverable.objects.exists()
