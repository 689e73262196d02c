"""make soak: the site under load, and through a PostgreSQL restart (run in CI on PostgreSQL).

1. Load: gunicorn with the production settings and the task worker, 64 connections for 60 s
   over a mix of pages, static files and search, all on 127.0.0.1. Target: 0 errors.
2. A database restart in the middle: PostgreSQL is restarted 30 s in. Failed requests must
   fall within 5 s after the restart; every gunicorn worker and the task worker must carry on
   without being restarted; an edit saved just before the restart must still be there.

Every step is bounded in time and prints its figures. Exit status 1 if a target is missed.
"""

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.serving import Site, get  # noqa: E402

EDITED = "nugget-4-3-mutual-supports"
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "64"))
SECONDS = int(os.environ.get("SOAK_SECONDS", "60"))
RESTART_AT = SECONDS // 2
GRACE = 5.0
PATHS = [
    "/",
    "/matrices/alcohol/",
    "/matrices/alcohol/E4/?bite=open",
    "/matrices/alcohol/rows/4/",
    "/documents/timko-debenedetti-2007-intensive-referral/",
    "/documents/nugget-4-3-mutual-supports/",
    "/topics/twelve-step-mutual-aid/",
    "/search/?q=mutual+aid",
    "/search/?q=referral",
    "/static/css/site.css",
    "/bulletins/",
]


async def request(reader, writer, path):
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    lower = head.lower()
    length = None
    for line in lower.split(b"\r\n"):
        if line.startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    close = b"connection: close" in lower
    if length is not None:
        await reader.readexactly(length)
    elif b"transfer-encoding: chunked" in lower:
        while True:
            size = int((await reader.readline()).split(b";")[0].strip(), 16)
            await reader.readexactly(size + 2)  # the chunk and its CRLF (the last: the end)
            if not size:
                break
    elif status not in (204, 304):
        await reader.read()  # no length: the body runs to the end of the connection
        close = True
    return status, close


async def client(port, number, stop, results):
    reader = writer = None
    index = number
    while time.monotonic() < stop:
        path = PATHS[index % len(PATHS)]
        index += 1
        start = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
            status, close = await asyncio.wait_for(request(reader, writer, path), timeout=15)
            if close:
                writer.close()
                writer = None
        except (
            OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError,
            ValueError,
        ) as exc:  # fmt: skip
            status = f"{exc.__class__.__name__}"
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.05)
        results.append((start, time.monotonic() - start, status, path))
    if writer is not None:
        writer.close()


async def load(port, seconds, on_time):
    results, stop = [], time.monotonic() + seconds
    clients = [asyncio.create_task(client(port, n, stop, results)) for n in range(CONNECTIONS)]
    await on_time(stop - seconds)
    await asyncio.gather(*clients)
    return results


def restart_postgres():
    version = next(iter(os.listdir("/etc/postgresql")))
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True, capture_output=True,
    )  # fmt: skip
    for _ in range(60):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
            return
        time.sleep(0.25)
    raise RuntimeError("PostgreSQL did not come back")


def summary(label, results):
    ok = [r for r in results if r[2] == 200]
    times = sorted(r[1] * 1000 for r in ok)
    span = (max(r[0] for r in results) - min(r[0] for r in results)) or 1

    def percentile(q):
        return times[min(len(times) - 1, int(q * len(times)))] if times else 0

    failed = len(results) - len(ok)
    print(
        f"{label}: {len(results)} requests, {len(results) / span:.0f}/s, {failed} failed, "
        f"p50 {percentile(0.5):.0f} ms, p99 {percentile(0.99):.0f} ms"
    )


def main():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("make soak needs PostgreSQL: DATABASE_URL=postgres://… make soak")
    site = Site("soak", redis_db=15)
    print(f"Preparing {site.name} (page cache in {site.cache})…")
    failed = []
    try:
        site.prepare()
        port = site.serve(workers=os.environ.get("SOAK_WEB_WORKERS", "3"))
        site.work()
        print(f"Load: {CONNECTIONS} connections for {SECONDS} s; PostgreSQL restarts at "
              f"{RESTART_AT} s.")  # fmt: skip
        marker = f"soak {uuid.uuid4().hex[:8]}"
        window = {}

        async def events(start):
            await asyncio.sleep(RESTART_AT - 2)
            saved = await asyncio.to_thread(site.orm, (
                "from studies.models import Document as D; d = D.objects.get(slug="
                f"'{EDITED}'); d.revision_note = '{marker}'; d.last_revised = "
                "__import__('datetime').date.today(); d.save(); print('saved')"
            ))  # fmt: skip
            window["saved"] = "saved" in saved
            await asyncio.sleep(max(0, start + RESTART_AT - time.monotonic()))
            window["restart"] = time.monotonic()
            await asyncio.to_thread(restart_postgres)
            window["back"] = time.monotonic()

        results = asyncio.run(load(port, SECONDS, events))
        restart, back = window["restart"], window["back"]
        print(f"PostgreSQL was down for {back - restart:.1f} s.")
        summary("All requests", results)
        # A request is judged by when it ended: one in flight when the database went away
        # fails at the restart, though it began a moment before.
        steady = [r for r in results if not restart <= r[0] + r[1] <= back + GRACE]
        summary(f"Outside the restart and the {GRACE:.0f} s after it", steady)
        outside = [r for r in steady if r[2] != 200]
        inside = [r for r in results if r[2] != 200 and r not in outside]
        print(f"Failed during the restart window: {len(inside)}; outside it: {len(outside)}")
        for label, failures in (("during", inside), ("outside", outside)):
            kinds = Counter((r[2], r[3]) for r in failures)
            for (status, path), n in kinds.most_common(6):
                print(f"  {label}: {n} × {status} {path}")
        if outside:
            offsets = sorted(r[0] + r[1] - restart for r in outside)
            print(f"  outside failures from {offsets[0]:+.1f} s to {offsets[-1]:+.1f} s "
                  "after the restart began (by when they ended)")  # fmt: skip
        if outside:
            failed.append(f"{len(outside)} requests failed outside the restart window, e.g. "
                          f"{outside[:3]}")  # fmt: skip

        # Recovery: every gunicorn worker serves again (many requests spread over them), the
        # task worker runs a task, and the edit saved before the restart is there, in the
        # database and on the page readers get.
        codes = [get(port, "/search/?q=aid")[0] for _ in range(60)]
        print(f"After the restart: {codes.count(200)} of {len(codes)} database-backed requests ok.")
        if codes.count(200) != len(codes):
            failed.append("gunicorn workers did not all recover")
        ran = site.orm(
            "import time; from ops.tasks import heartbeat; r = heartbeat.enqueue(); "
            "[time.sleep(0.5) or r.refresh() for _ in range(40) if r.status not in "
            "('SUCCESSFUL', 'FAILED')]; print(r.status)"
        )
        print(f"The task worker after the restart: a task {ran.splitlines()[-1] if ran else '?'}.")
        if "SUCCESSFUL" not in ran:
            failed.append(f"the task worker did not recover: {ran[-300:]}")
        kept = site.orm(
            f"from studies.models import Document as D; print(D.objects.get(slug='{EDITED}')"
            ".revision_note)"
        )
        page = get(port, f"/documents/{EDITED}/")[2].decode()
        if not window.get("saved") or marker not in kept or marker not in page:
            failed.append("the edit saved before the restart was lost, or its page is stale")
        else:
            print("The edit saved just before the restart is there, and on its page.")
    finally:
        site.close()
    if failed:
        print("SOAK FAILED:\n- " + "\n- ".join(failed))
        sys.exit(1)
    print("Soak passed.")


if __name__ == "__main__":
    main()
