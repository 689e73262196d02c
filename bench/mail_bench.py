"""Bulletins at scale (make bench): filling the outbox for many readers, and sending.

- Filling one bulletin's outbox for 100,000 confirmed readers with varied preferences (on
  PostgreSQL; fewer on SQLite), timed, with peak Python memory at a quarter, half and all of
  them: flat means the outbox streams readers rather than loading them.
- Sending to a local SMTP server (aiosmtpd, in its own process) with one real worker, then
  two, side by side with a bare smtplib loop sending the same messages over one connection.
  Target: one worker at least 0.5× the bare loop.
"""

import os
import random
import smtplib
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
SEND = int(os.environ.get("BENCH_MAIL_SEND", "3000"))


def subscribers_wanted():
    default = 100_000 if connection.vendor == "postgresql" else 20_000
    return int(os.environ.get("BENCH_SUBSCRIBERS", default))


def make_readers(count):
    """``count`` confirmed readers: a third follow everything, the rest a mix of matrices,
    rows, columns, cells, topics, subjects and (from a shared pool) saved searches."""
    from readers.models import Follow, Subscriber
    from readers.targets import choices

    options = [key for group in choices().values() for key, _ in group]
    words = "mutual aid|case management|residential|detoxification|referral|peer support|aftercare"
    searches = [f"search:{w}" for w in words.split("|")]
    rng, now, made = random.Random(4), timezone.now(), 0
    while made < count:
        batch = min(5_000, count - made)
        people = Subscriber.objects.bulk_create(
            Subscriber(
                email=f"reader{made + i}@bench.example.org",
                confirmed_at=now,
                everything=(made + i) % 3 == 0,
            )
            for i in range(batch)
        )
        follows = []
        for person in people:
            if not person.everything:
                for target in rng.sample(options, 3) + rng.sample(searches, 1):
                    follows.append(Follow(subscriber=person, target=target))
        Follow.objects.bulk_create(follows, batch_size=5_000)
        made += batch


def make_changes():
    from editorial.changes import record
    from editorial.models import Change
    from studies.models import Document

    for document in Document.objects.filter(status="published").order_by("pk")[:12]:
        record(document, Change.Kind.REVISED, note="revised for the benchmark")


def build(limit):
    """Fill a bulletin's outbox for the first ``limit`` readers: (seconds, peak MiB, rows)."""
    from mail.models import OutboxMessage
    from readers import bulletins
    from readers.models import Bulletin, Subscriber

    OutboxMessage.objects.all().delete()
    Subscriber.objects.filter(pk__gt=_nth_pk(limit)).update(paused=True)
    bulletin = Bulletin.objects.create(title=f"Benchmark {limit}")
    bulletins.gather(bulletin)
    tracemalloc.start()
    start = time.perf_counter()
    _, rows = bulletins.build_outbox(bulletin)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    Subscriber.objects.update(paused=False)
    bulletin.delete()
    return seconds, peak / 2**20, rows


def _nth_pk(n):
    from readers.models import Subscriber

    pks = Subscriber.objects.order_by("pk").values_list("pk", flat=True)
    return pks[n - 1] if n <= pks.count() else pks.last()


def smtp_sink():
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            smtplib.SMTP("127.0.0.1", port, timeout=1).quit()
            return process, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the SMTP sink did not start")


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def queue_send_rows(count):
    from mail.models import OutboxMessage
    from mail.sending import queue_many
    from readers import bulletins
    from readers.models import Bulletin

    OutboxMessage.objects.all().delete()
    bulletin = Bulletin.objects.create(title="Sending benchmark")
    bulletins.gather(bulletin)
    changes = [c.pk for c in bulletins.covered(bulletin)]
    queue_many(
        {
            "kind": "readers.bulletin",
            "to_email": f"reader{n}@bench.example.org",
            "recipient": f"{n}:key",
            "context": {"bulletin": bulletin.pk, "changes": changes},
        }
        for n in range(count)
    )


def bare_loop(port, count):
    """The baseline: the same messages, prebuilt, sent by smtplib over one connection."""
    from mail.models import OutboxMessage
    from mail.sending import Renderer

    renderer = Renderer()
    messages = [
        (row.to_email, renderer.wire(row)) for row in OutboxMessage.objects.order_by("pk")[:count]
    ]
    smtp = smtplib.SMTP("127.0.0.1", port)
    start = time.perf_counter()
    for to, data in messages:
        smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [to], data)
    seconds = time.perf_counter() - start
    smtp.quit()
    return count / seconds


def workers_rate(port, workers, count):
    """Messages a second with ``workers`` real db_worker processes, from the first send to
    the last (so process start-up is not counted)."""
    from django.db.models import Max, Min

    from mail.models import OutboxMessage
    from mail.tasks import send_outbox

    queue_send_rows(count)
    for _ in range(workers):
        send_outbox.enqueue()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "TEST_TASKS": "db",
        "DATABASE_URL": _database_url(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
    }
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        deadline = time.monotonic() + 600
        while OutboxMessage.objects.exclude(status="sent").exists():
            if time.monotonic() > deadline:
                raise RuntimeError("sending did not finish within 10 minutes")
            time.sleep(0.2)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
    span = OutboxMessage.objects.aggregate(first=Min("sent_at"), last=Max("sent_at"))
    seconds = (span["last"] - span["first"]).total_seconds()
    return count / seconds


def _database_url():
    from scripts.serving import database_url

    return database_url()


def run():
    total = subscribers_wanted()
    print(f"\nBulletins: {total:,} confirmed readers with varied preferences ({connection.vendor})")
    start = time.perf_counter()
    make_readers(total)
    make_changes()
    print(f"  readers made in {time.perf_counter() - start:.1f} s")
    print(f"  {'readers':>10} {'outbox rows':>12} {'build s':>8} {'rows/s':>8} {'peak MiB':>9}")
    for share in (4, 2, 1):
        limit = total // share
        seconds, peak, rows = build(limit)
        print(f"  {limit:>10,} {rows:>12,} {seconds:8.1f} {rows / seconds:8,.0f} {peak:9.1f}")
    sink, port = smtp_sink()
    try:
        queue_send_rows(SEND)
        bare = bare_loop(port, SEND)
        one = workers_rate(port, 1, SEND)
        print(f"\nSending {SEND:,} bulletins to a local SMTP server (aiosmtpd):")
        print(f"  bare smtplib loop, one connection: {bare:8.0f} messages/s")
        print(
            f"  one worker (outbox, claims, marks): {one:8.0f} messages/s  ratio {one / bare:.2f}"
        )
        if connection.vendor == "postgresql":
            two = workers_rate(port, 2, SEND)
            print(
                f"  two workers:                       {two:8.0f} messages/s  ratio "
                f"{two / bare:.2f}  ({two / one:.2f}× one worker)"
            )
        else:
            print("  two workers: not measured on SQLite (one worker is enough there)")
    finally:
        sink.terminate()
        sink.wait(timeout=10)
