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
from mail.models import Undeliverable
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
    set_preferences(subscriber, everything=False, targets=["cell:alcohol/E4"], searches=[],
                    frequency="weekly", paused=False, **choices)  # fmt: skip
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
        "a" * offset + MANAGE + "é" * 700 + " tail\n" + "word " * 300 + MANAGE + "\t \n"
        + ".leading dot, then From at the start:\nFrom here\n" + "=" * 1_200 + "\n"
    )  # fmt: skip


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
