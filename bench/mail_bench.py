"""Bulletins at scale (make bench): filling the outbox for many readers, and sending.

- Filling one bulletin's outbox for 100,000 confirmed readers with varied preferences (on
  PostgreSQL; fewer on SQLite), timed, with peak Python memory at a quarter, half and all of
  them: flat means the outbox streams readers rather than loading them.
- Sending to a local SMTP server (aiosmtpd, in its own process) by real ``db_worker``
  processes, one and then two, in rounds alternating with a bare smtplib loop sending the
  same messages over one connection; each round printed, then the median of the paired
  ratios with min and max. Checked each time: the server received every message, and each
  was claimed by a worker this benchmark started (this process runs no task: it queues in
  the database, and never calls ``setup_test_environment()``, which would send in-process).
  Target: one worker at least 0.5× the bare loop.
"""

import os
import random
import smtplib
import statistics
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
ROUNDS = int(os.environ.get("BENCH_MAIL_ROUNDS", "3"))


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
    """A fresh counting SMTP server in its own process (bench/smtp_sink.py): (process, port)."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "smtp_sink.py"), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    if process.stdout.readline().strip() != "ready":
        raise RuntimeError("the SMTP sink did not start")
    return process, port


def received(sink):
    """Stop the sink; how many messages it was sent over SMTP."""
    sink.terminate()
    out, _ = sink.communicate(timeout=20)
    return int(out.split()[-1])


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


def bare_loop(count):
    """The baseline: the same messages, prebuilt, sent by smtplib over one connection, to a
    sink of its own. Messages a second."""
    from mail.models import OutboxMessage
    from mail.sending import Renderer

    queue_send_rows(count)
    renderer = Renderer()
    messages = [
        (row.to_email, renderer.wire(row)) for row in OutboxMessage.objects.order_by("pk")[:count]
    ]
    sink, port = smtp_sink()
    try:
        smtp = smtplib.SMTP("127.0.0.1", port)
        start = time.perf_counter()
        for to, data in messages:
            smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [to], data)
        seconds = time.perf_counter() - start
        smtp.quit()
    finally:
        got = received(sink)
    assert got == count, f"the sink received {got} of the bare loop's {count} messages"
    return count / seconds


def workers_rate(workers, count):
    """Messages a second with ``workers`` real db_worker processes, from the first send to
    the last (so process start-up is not counted), to a sink of their own. Checked: the
    sink received every message over SMTP, and each was claimed by one of these workers."""
    from django.db.models import Max, Min
    from django.test.utils import override_settings

    from config.test_settings import DATABASE_TASKS
    from mail.models import OutboxMessage
    from mail.tasks import send_outbox

    queue_send_rows(count)
    # Into the database queue the workers read: this process runs no task itself.
    with override_settings(TASKS=DATABASE_TASKS):
        for _ in range(workers):
            send_outbox.enqueue()
    sink, port = smtp_sink()
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
        got = received(sink)
    assert got == count, f"the sink received {got} of the workers' {count} messages"
    pids = {str(process.pid) for process in processes}
    claimers = {
        c.rsplit(":", 1)[-1]
        for c in OutboxMessage.objects.values_list("claimed_by", flat=True).distinct()
    }
    assert claimers <= pids, f"messages claimed by {claimers - pids}, not by the workers started"
    assert len(claimers) == workers, f"{workers} workers started, {len(claimers)} sent"
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
    two = connection.vendor == "postgresql"  # SQLite: one writer at a time
    print(
        f"\nSending {SEND:,} bulletins a round to a local SMTP server (aiosmtpd, its own process, "
        "a fresh one per measure): a bare smtplib loop over one connection, then real "
        "db_worker processes, in alternating order:"
    )
    print(f"  {'round':>5} {'bare msg/s':>10} {'one worker':>10} {'ratio':>6}" + (
        f" {'two workers':>11} {'ratio':>6}" if two else ""
    ))  # fmt: skip
    ones, twos = [], []
    for round_ in range(1, ROUNDS + 1):
        measures = {"bare": lambda: bare_loop(SEND), "one": lambda: workers_rate(1, SEND)}
        if two:
            measures["two"] = lambda: workers_rate(2, SEND)
        order = list(measures)
        if round_ % 2 == 0:
            order.reverse()
        rates = {name: measures[name]() for name in order}
        ones.append(rates["one"] / rates["bare"])
        line = f"  {round_:>5} {rates['bare']:10.0f} {rates['one']:10.0f} {ones[-1]:6.2f}"
        if two:
            twos.append(rates["two"] / rates["bare"])
            line += f" {rates['two']:11.0f} {twos[-1]:6.2f}"
        print(line, flush=True)
    verdict = "meets" if statistics.median(ones) >= 0.5 else "MISSES"
    print(
        f"  one worker / bare loop: median {statistics.median(ones):.2f} "
        f"(min {min(ones):.2f}, max {max(ones):.2f}); target ≥ 0.5: {verdict}"
    )
    if two:
        print(
            f"  two workers / bare loop: median {statistics.median(twos):.2f} "
            f"(min {min(twos):.2f}, max {max(twos):.2f})"
        )
    else:
        print("  two workers: not measured on SQLite (one writer at a time)")
