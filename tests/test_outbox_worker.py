"""Exactly once: a real worker killed with SIGKILL in the middle of a send, then restarted,
leaves every recipient with the mail once. What the SMTP server received is compared with
the outbox.

Killed before the server accepted a message, the worker loses nothing and doubles nothing.
Killed just after, the message may arrive twice, always under its one Message-ID, which mail
systems and clients treat as one message (see mail/sending.py).
"""

import os
import signal
import threading

import pytest

from config.test_settings import DATABASE_TASKS
from mail.models import OutboxMessage
from mail.sending import outstanding, queue_many
from mail.tasks import send_outbox
from tests.smtp import SMTPServer
from tests.workers import wait_for, worker

RECIPIENTS = 1_200
KILL_AT = 300


def fill_outbox():
    rows = (
        {
            "kind": "readers.notice",
            "to_email": f"reader{n}@example.org",
            "recipient": f"{n}:key",
            "context": {"what": "already", "token": "unused", "follow": ""},
        }
        for n in range(RECIPIENTS)
    )
    return queue_many(rows)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("when", ["before the server accepts", "just after it accepts"])
def test_a_killed_and_restarted_worker_sends_each_message_once(settings, when):
    settings.TASKS = DATABASE_TASKS
    with SMTPServer() as smtp:
        assert fill_outbox() == RECIPIENTS
        send_outbox.enqueue()
        env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port), "MAIL_LEASE_SECONDS": "3"}
        killed = threading.Event()

        with worker(**env) as first:

            def kill_mid_send(envelope):
                if smtp.recorder.count() < KILL_AT or killed.is_set():
                    return True
                killed.set()
                if when == "before the server accepts":
                    os.kill(first.pid, signal.SIGKILL)  # the worker waits for our reply
                    return False
                threading.Timer(0.0005, os.kill, (first.pid, signal.SIGKILL)).start()
                return True

            smtp.recorder.before_accepting = kill_mid_send
            assert wait_for(killed.is_set, timeout=120), first.stdout.read()
            first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL
        assert outstanding().exists()  # the kill left work undone

        with worker(**env) as second:
            finished = wait_for(lambda: not outstanding().exists(), timeout=180)
            assert finished, second.stdout.read() if second.poll() is not None else "still busy"

        received = smtp.recorder.ids()
        expected = set(OutboxMessage.objects.values_list("message_id", flat=True))
        assert OutboxMessage.objects.filter(status="sent").count() == RECIPIENTS
        assert set(received) == expected  # 0 lost
        doubled = len(received) - len(set(received))
        print(
            f"\n{when}: {len(received)} received, {len(set(received))} distinct, "
            f"{doubled} arrived twice under one Message-ID"
        )
        if when == "before the server accepts":
            assert doubled == 0
        else:
            assert doubled <= 1  # only the one message in flight, under its own Message-ID


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_one_outbox_without_sending_anything_twice(settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "Workers share an outbox through PostgreSQL's row locks; on SQLite one "
            "worker is enough (docs/readers-and-mail.md: Sending mail)."
        )
    settings.TASKS = DATABASE_TASKS
    with SMTPServer() as smtp:
        fill_outbox()
        send_outbox.enqueue()
        send_outbox.enqueue()
        env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port)}
        with worker(**env), worker(**env):
            assert wait_for(lambda: not outstanding().exists(), timeout=180)
        received = smtp.recorder.ids()
        assert len(received) == len(set(received)) == RECIPIENTS
        workers = set(OutboxMessage.objects.values_list("claimed_by", flat=True))
        assert len(workers) == 2  # both took a share
