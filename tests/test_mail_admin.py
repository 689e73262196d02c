"""Editors in the admin: a refused message queued again once its cause is fixed, suppressed
addresses seen and lifted with the reason kept, and no more power over mail than that."""

import pytest
from django.contrib.auth.models import Group, User

from mail.models import LiftedSuppression, OutboxMessage, Undeliverable
from mail.registry import Content, Kind, register
from mail.sending import queue, queue_many, send_pending
from tests.htmlparse import page
from tests.smtp import SMTPServer

pytestmark = pytest.mark.django_db

OUTBOX = "/admin/mail/outboxmessage/"
SUPPRESSED = "/admin/mail/undeliverable/"


def render_plain(context):
    words = f"A message marked {context['marker']}."
    return Content(f"Message {context['marker']}", words + "\n", f"<p>{words}</p>")


register(Kind("tests.admin-plain", render_plain))


@pytest.fixture
def editor(db):
    """An editor, without the demo content these tests do not need."""
    user = User.objects.create_user("ed", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        yield server


def deliver():
    return send_pending("test-worker", time_budget=30)


def queue_to(address, marker):
    return queue("tests.admin-plain", address, {"marker": marker})


def action(client, url, name, rows, **extra):
    return client.post(url, {"action": name, "_selected_action": [r.pk for r in rows], **extra})


def test_a_refused_message_is_queued_again_once_its_cause_is_fixed(smtp, editor_client):
    smtp.recorder.refuse_data = {"marked big": "552 5.3.4 Message too big for the system"}
    big, sent = queue_to("editors@example.org", "big"), queue_to("editors@example.org", "small")
    assert deliver() == {"sent": 1, "retry": 0, "failed": 1}

    smtp.recorder.refuse_data = {}  # the cause is fixed (here: the server takes it now)
    response = action(editor_client, OUTBOX, "queue_again", [big, sent])
    assert response.status_code == 302
    shown = editor_client.get(response["Location"]).text
    assert "1 message(s) queued to go now." in shown
    big.refresh_from_db()
    assert (big.status, big.failure, big.attempts) == ("queued", "", 0)
    assert deliver() == {"sent": 1, "retry": 0, "failed": 0}
    assert [m["Subject"] for m in smtp.messages] == ["Message small", "Message big"]


def test_messages_waiting_for_a_retry_can_be_sent_now(smtp, editor_client):
    """After the mail server's settings are fixed, nobody need wait hours for the retry."""
    from datetime import timedelta

    from django.utils import timezone

    waiting = queue_to("reader@example.org", "waiting")
    OutboxMessage.objects.filter(pk=waiting.pk).update(
        next_attempt_at=timezone.now() + timedelta(hours=12), attempts=4
    )
    assert deliver()["sent"] == 0
    action(editor_client, OUTBOX, "queue_again", [waiting])
    assert deliver()["sent"] == 1


def test_a_message_to_a_suppressed_address_is_not_queued_again(smtp, editor_client):
    smtp.recorder.refuse = {"gone@example.org": "550 5.1.1 No such user"}
    gone = queue_to("gone@example.org", "gone")
    deliver()
    response = action(editor_client, OUTBOX, "queue_again", [gone])
    shown = editor_client.get(response["Location"]).text
    assert "1 message(s) left as they were: their address is suppressed." in shown
    assert OutboxMessage.objects.get(pk=gone.pk).status == "failed"


def test_lifting_a_suppression_lets_mail_go_again_with_the_reason_kept(
    smtp, editor_client, editor, settings
):
    settings.MAIL_BATCH = 1
    smtp.recorder.refuse = {"reader@example.org": "550 Mailbox unavailable"}
    refused, dropped = queue_to("reader@example.org", "one"), queue_to("reader@example.org", "two")
    assert deliver() == {"sent": 0, "retry": 0, "failed": 1}  # the other, never tried, too
    assert set(OutboxMessage.objects.values_list("failure", flat=True)) == {"address", "suppressed"}
    suppression = Undeliverable.objects.get()
    assert (
        queue_many(
            [
                {
                    "kind": "tests.admin-plain",
                    "to_email": "reader@example.org",
                    "recipient": "",
                    "context": {"marker": "skipped"},
                }
            ]
        )
        == 0
    )

    listing = page(editor_client.get(SUPPRESSED))
    assert "reader@example.org" in listing.text and "550 Mailbox unavailable" in listing.text
    asked = action(editor_client, SUPPRESSED, "lift_suppression", [suppression])
    assert asked.status_code == 200
    form = page(asked).find("form", id="lift-form")
    assert "refused by the mail server: 550 Mailbox unavailable (at RCPT TO)" in form.text
    assert form.find("input", name="requeue").get("checked") is not None
    assert form.find("textarea", name="why") is not None

    # No reason given: nothing lifted, the page says so and keeps the choice made.
    again = action(editor_client, SUPPRESSED, "lift_suppression", [suppression], lift="1")
    assert again.status_code == 200 and "This field is required." in again.text
    assert page(again).find("input", name="requeue").get("checked") is None
    assert Undeliverable.objects.exists() and not LiftedSuppression.objects.exists()

    smtp.recorder.refuse = {}  # the reader's mailbox works again
    why = "The reader wrote to say the mailbox was restored."
    done = action(
        editor_client,
        SUPPRESSED,
        "lift_suppression",
        [suppression],
        lift="1",
        why=why,
        requeue="on",
    )
    assert done.status_code == 302
    assert (
        "Lifted 1 suppression(s); 2 message(s) queued again."
        in editor_client.get(done["Location"]).text
    )
    assert not Undeliverable.objects.exists()
    record = LiftedSuppression.objects.get()
    assert (record.email, record.lifted_by, record.why, record.requeued) == (
        "reader@example.org",
        editor,
        why,
        2,
    )
    assert record.reason == suppression.reason and record.suppressed_at == suppression.at
    assert why in editor_client.get("/admin/mail/liftedsuppression/").text

    assert deliver() == {"sent": 2, "retry": 0, "failed": 0}
    assert sorted(m["Subject"] for m in smtp.messages) == ["Message one", "Message two"]
    refused.refresh_from_db(), dropped.refresh_from_db()
    assert refused.status == dropped.status == "sent"
    later = [
        {
            "kind": "tests.admin-plain",
            "to_email": "reader@example.org",
            "recipient": "",
            "context": {"marker": "later"},
        }
    ]
    assert queue_many(later) == 1  # mailings include the address again


def test_editors_may_lift_and_queue_again_but_not_edit_or_delete_mail(editor_client):
    suppression = Undeliverable.objects.create(email="x@example.org", reason="550")
    codenames = set(
        Group.objects.get(name="Editors")
        .permissions.filter(content_type__app_label="mail")
        .values_list("codename", flat=True)
    )
    assert {c for c in codenames if not c.startswith("view_")} == {
        "lift_undeliverable",
        "retry_outboxmessage",
    }
    assert editor_client.get(f"{SUPPRESSED}{suppression.pk}/change/").status_code == 200
    assert editor_client.get(f"{SUPPRESSED}{suppression.pk}/delete/").status_code == 403
    assert editor_client.get(f"{SUPPRESSED}add/").status_code == 403
    assert editor_client.get("/admin/mail/liftedsuppression/").status_code == 200
    assert editor_client.get("/admin/readers/subscriber/").status_code == 403
    # A lift leaves its record: nobody deletes one, not even an admin.
    assert "delete_selected" not in editor_client.get(SUPPRESSED).text


def test_the_lift_page_is_valid_html5(editor_client, tmp_path):
    import json
    import shutil
    import subprocess

    from tests.test_html_valid import vnu_jar

    suppression = Undeliverable.objects.create(email="x@example.org", reason="550 No such user")
    files = []
    for name, extra in [("lift", {}), ("lift-errors", {"lift": "1"})]:
        response = action(editor_client, SUPPRESSED, "lift_suppression", [suppression], **extra)
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(response.content.decode(), encoding="utf-8")
    result = subprocess.run(
        [shutil.which("java"), "-jar", str(vnu_jar()), "--errors-only", "--format", "json",
         *map(str, files)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert json.loads(result.stderr or result.stdout)["messages"] == []


def test_a_reader_who_deletes_everything_leaves_no_lift_record(db):
    from django.utils import timezone

    from readers.models import Subscriber
    from readers.services import forget

    reader = Subscriber.objects.create(email="reader@example.org", confirmed_at=timezone.now())
    LiftedSuppression.objects.create(
        email=reader.email, reason="550", suppressed_at=timezone.now(), why="it works again"
    )
    forget(reader)
    assert not LiftedSuppression.objects.filter(email="reader@example.org").exists()
