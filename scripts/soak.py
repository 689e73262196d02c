"""make soak: the site under load, beside heavy searches, through a Redis stop and a PostgreSQL
restart (run in CI on PostgreSQL, last).

The site runs with gunicorn, the production settings and the task worker, its own
``redis-server`` on a free port (never the shared one), ``PROXY_COUNT=1`` and every client
sending its own ``X-Forwarded-For``, all on 127.0.0.1. Steps, each bounded in time:

1. Search cannot starve the site. SOAK_SEARCH_DOCS more documents are written (so a search
   for "treatment" is heavy: thousands of matches, the estimated path). Cached pages are
   timed at a steady pace (8 readers, one request every 50 ms each) alone, then beside
   SOAK_SEARCHERS clients (the two alternating three times, the windows pooled) each
   searching again as soon as it is answered (after the
   Retry-After of a refusal, as a browser or a well-behaved client does), each request from a
   new address, so what holds them back is the caps (per process and per machine), not the
   per-IP rate. Target: the cached pages' p95 with the searches within 2× of their p95
   alone; the ratio is printed. Checked: only cache hits are timed, and the search has
   thousands of matches.
2. Load: CONNECTIONS connections for SECONDS over a mix of pages, static files and search.
   Target: 0 failed requests (a search refused with 429 or 503 and Retry-After is an answer,
   counted apart).
3. A Redis stop in the middle: Redis is stopped (after saving its data) at 15 % of SECONDS
   and started again, with that data, at 35 %; an edit is saved while it is down. Target: no
   failed request, the save succeeds, pages are served; once Redis is back the edit is on its
   page (not the page Redis kept).
4. A database restart: PostgreSQL is restarted at 70 % of SECONDS. Failed requests must fall
   within 5 s after it; every gunicorn worker and the task worker carry on without being
   restarted; an edit saved just before it is still there. SOAK_RESTART=0 leaves this step
   out (it restarts the machine's PostgreSQL, which other work may be using).

Exit status 1 if a target is missed.
"""

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.serving import RedisServer, Site, get  # noqa: E402

EDITED = "nugget-4-3-mutual-supports"
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "64"))
SECONDS = int(os.environ.get("SOAK_SECONDS", "60"))
RESTART = os.environ.get("SOAK_RESTART", "1") != "0"
REDIS_STOP_AT, REDIS_BACK_AT = SECONDS * 15 // 100, SECONDS * 35 // 100
RESTART_AT = SECONDS * 70 // 100
GRACE = 5.0
SEARCHERS = int(os.environ.get("SOAK_SEARCHERS", "32"))
IDLE_SECONDS = int(os.environ.get("SOAK_IDLE_SECONDS", "24"))
SEARCH_SECONDS = int(os.environ.get("SOAK_SEARCH_SECONDS", "42"))
ROUNDS = 3  # idle and loaded windows alternate this many times
SEARCH_DOCS = int(os.environ.get("SOAK_SEARCH_DOCS", "5000"))
PACED_CLIENTS, PACE = 8, 0.05  # cached-page readers, each asking every 50 ms
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
CACHED = [p for p in PATHS if not p.startswith(("/search/", "/static/"))]
HEAVY_WORD = "treatment"
HEAVY = [
    f"/search/?q={HEAVY_WORD}",
    f"/search/?q={HEAVY_WORD}&sort=newest&page=3",
    f"/search/?q={HEAVY_WORD}+patients&kind=study",
    f"/api/v1/search?q={HEAVY_WORD}",
    f"/cite/search.ris?q={HEAVY_WORD}",
    f"/feeds/search/?q={HEAVY_WORD}+adults",
]
SEARCHES = ("/search/", "/api/v1/search", "/cite/search", "/feeds/search/")


def address(number):
    """A client address of its own (TEST-NET and private ranges), for X-Forwarded-For."""
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


async def request(reader, writer, path, forwarded_for):
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: br\r\n"
        f"X-Forwarded-For: {forwarded_for}\r\n\r\n".encode()
    )
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
    return status, close, lower


class Client:
    """One keep-alive connection asking for ``paths`` in turn until ``stop``; ``pace``: one
    request every so many seconds (else as fast as answers come); ``new_address``: each
    request from another address. Results: (start, seconds, status, path, head)."""

    def __init__(self, port, paths, number, results, pace=None, new_address=False, polite=False):
        self.port, self.paths, self.number, self.results = port, paths, number, results
        self.pace, self.new_address, self.polite = pace, new_address, polite

    async def run(self, stop):
        reader = writer = None
        index, sent = self.number, 0
        next_at = time.monotonic()
        while time.monotonic() < stop:
            if self.pace:
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                next_at += self.pace
            path = self.paths[index % len(self.paths)]
            index += 1
            sent += 1
            who = address(self.number * 100_000 + sent if self.new_address else self.number)
            start = time.monotonic()
            head = b""
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(
                        "127.0.0.1", self.port, limit=1 << 20
                    )
                status, close, head = await asyncio.wait_for(
                    request(reader, writer, path, who), timeout=15
                )
                if close:
                    writer.close()
                    writer = None
            except (
                OSError,
                asyncio.IncompleteReadError,
                asyncio.LimitOverrunError,
                TimeoutError,
                ValueError,
            ) as exc:
                status = f"{exc.__class__.__name__}"
                if writer is not None:
                    writer.close()
                writer = None
                await asyncio.sleep(0.05)
            self.results.append((start, time.monotonic() - start, status, path, head))
            if self.polite and status in (429, 503) and b"retry-after:" in head:
                wait = head.split(b"retry-after:", 1)[1].split(b"\r\n", 1)[0]
                await asyncio.sleep(min(float(wait), 10))
        if writer is not None:
            writer.close()


def refused(result):
    """A search answered 'not now' (429 or 503 with Retry-After): the limits at work."""
    _, _, status, path, head = result
    return status in (429, 503) and path.startswith(SEARCHES) and b"retry-after:" in head


def failed(result):
    return result[2] != 200 and not refused(result)


def percentile(times, q):
    times = sorted(times)
    return times[min(len(times) - 1, int(q * len(times)))] if times else 0


def summary(label, results):
    ok = [r for r in results if r[2] == 200]
    times = [r[1] * 1000 for r in ok]
    span = (max(r[0] for r in results) - min(r[0] for r in results)) or 1
    print(
        f"{label}: {len(results)} requests, {len(results) / span:.0f}/s, "
        f"{sum(map(failed, results))} failed, {sum(map(refused, results))} searches refused, "
        f"p50 {percentile(times, 0.5):.0f} ms, p99 {percentile(times, 0.99):.0f} ms"
    )


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


def edit(site, marker):
    """An editor's save of the EDITED document, in a process of its own: True if saved."""
    return "saved" in site.orm(
        "from studies.models import Document as D; d = D.objects.get(slug="
        f"'{EDITED}'); d.revision_note = '{marker}'; d.last_revised = "
        "__import__('datetime').date.today(); d.save(); print('saved')"
    )


async def timed(clients, seconds):
    stop = time.monotonic() + seconds
    await asyncio.gather(*(c.run(stop) for c in clients))


def search_starvation(site, port, failures):
    """Step 1: cached pages alone, then beside heavy searches."""
    print(f"Heavy searches: adding {SEARCH_DOCS:,} documents…", flush=True)
    start = time.monotonic()
    print(
        site.orm(
            "from bench.search_bench import generate; from search.indexing import rebuild; "
            f"generate({SEARCH_DOCS}); rebuild(); print('indexed')"
        )[-200:].strip(),
        f"in {time.monotonic() - start:.0f} s.",
    )
    answer = json.loads(get(port, f"/api/v1/search?q={HEAVY_WORD}")[2] or b"{}")
    matches = answer.get("count", 0)
    alone = []
    for _ in range(5):
        begun = time.monotonic()
        get(port, HEAVY[0], {"X-Forwarded-For": address(999_999)})
        alone.append((time.monotonic() - begun) * 1000)
    print(
        f"A search for “{HEAVY_WORD}” finds {matches:,} documents and takes "
        f"{percentile(alone, 0.5):.0f} ms alone."
    )
    if matches < 1000:
        failures.append(f"the heavy search is not heavy: {matches} matches")
    for path in CACHED:  # stored once, so what is timed below is the cache serving them
        get(port, path)

    def readers(results):
        return [Client(port, CACHED, n, results, pace=PACE) for n in range(PACED_CLIENTS)]

    # The baseline alternates with the load, ROUNDS times, so a slower or faster spell of the
    # machine falls on both sides of the ratio rather than on one.
    idle, loaded, searches = [], [], []
    for round_ in range(ROUNDS):
        asyncio.run(timed(readers(idle), IDLE_SECONDS / ROUNDS))
        searchers = [
            Client(
                port, HEAVY, 1000 + round_ * SEARCHERS + n, searches, new_address=True, polite=True
            )
            for n in range(SEARCHERS)
        ]
        asyncio.run(timed(readers(loaded) + searchers, SEARCH_SECONDS / ROUNDS))

    def pages(results):
        # Only cache hits are timed: a miss (a page dropped by the task worker's changes,
        # say) would time the page's rendering, not the cache.
        hits = [r[1] * 1000 for r in results if r[2] == 200 and b"x-page-cache: hit" in r[4]]
        return percentile(hits, 0.5), percentile(hits, 0.95), len(hits), len(results)

    i50, i95, ihits, icount = pages(idle)
    l50, l95, lhits, lcount = pages(loaded)
    served = [r[1] * 1000 for r in searches if r[2] == 200]
    kinds = Counter(r[2] for r in searches)
    print(
        f"Cached pages, {PACED_CLIENTS} readers every {PACE * 1000:.0f} ms: alone p50 "
        f"{i50:.1f} ms, p95 {i95:.1f} ms ({ihits} of {icount} were hits, timed); beside "
        f"{SEARCHERS} searchers p50 {l50:.1f} ms, p95 {l95:.1f} ms ({lhits} of {lcount} "
        "hits)."
    )
    ratio = l95 / i95 if i95 else float("inf")
    print(f"Cached pages' p95 with the searches / alone: {ratio:.2f} (target ≤ 2).")
    print(f"Searches: {len(searches)} asked, {kinds.get(200, 0)} served (p50 "
          f"{percentile(served, 0.5):.0f} ms, p95 {percentile(served, 0.95):.0f} ms), "
          f"{kinds.get(503, 0)} refused at the cap (503), {kinds.get(429, 0)} over the per-IP "
          "rate (429), "
          f"{sum(v for k, v in kinds.items() if k not in (200, 429, 503))} other.")  # fmt: skip
    if ratio > 2:
        failures.append(f"heavy searches slowed cached pages' p95 {ratio:.2f}× (target ≤ 2)")
    if ihits < 0.9 * icount or lhits < 0.9 * lcount:
        failures.append("too few of the cached pages were cache hits to time them")
    other = [r for r in searches if r[2] not in (200, 429, 503) or failed(r)]
    if other:
        failures.append(f"{len(other)} searches failed, e.g. {[r[:4] for r in other[:3]]}")


def main():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("make soak needs PostgreSQL: DATABASE_URL=postgres://… make soak")
    redis = RedisServer().start()
    site = Site(os.environ.get("SOAK_SITE", "soak"), REDIS_URL=redis.url, PROXY_COUNT="1")
    print(f"Preparing {site.name} (page cache in its own Redis, port {redis.port})…")
    failures = []
    try:
        site.prepare()
        port = site.serve(workers=os.environ.get("SOAK_WEB_WORKERS", "3"))
        site.work()
        search_starvation(site, port, failures)
        results, window, markers = under_faults(site, port, redis)
        summary("All requests", results)
        judge_redis_stop(results, window, failures)
        judge_restart(results, window, failures)
        judge_recovery(site, port, window, markers, failures)
    finally:
        site.close()
        redis.close()
    if failures:
        print("SOAK FAILED:\n- " + "\n- ".join(failures))
        sys.exit(1)
    print("Soak passed.")


def under_faults(site, port, redis):
    """The load, with Redis stopped and started again and PostgreSQL restarted under it, and
    an edit saved in each fault: (results, what happened when, the edits' markers)."""
    print(
        f"Load: {CONNECTIONS} connections for {SECONDS} s; Redis stops at {REDIS_STOP_AT} s "
        f"and is back at {REDIS_BACK_AT} s"
        + (
            f"; PostgreSQL restarts at {RESTART_AT} s."
            if RESTART
            else "; PostgreSQL is not restarted (SOAK_RESTART=0)."
        )
    )
    down_marker, marker = f"soak-redis {uuid.uuid4().hex[:8]}", f"soak {uuid.uuid4().hex[:8]}"
    window = {}

    async def events(start):
        await asyncio.sleep(max(0, start + REDIS_STOP_AT - time.monotonic()))
        window["redis_stop"] = time.monotonic()
        await asyncio.to_thread(redis.stop, True)
        window["saved_while_down"] = await asyncio.to_thread(edit, site, down_marker)
        page = await asyncio.to_thread(get, port, f"/documents/{EDITED}/")
        window["page_while_down"] = page[0]
        await asyncio.sleep(max(0, start + REDIS_BACK_AT - time.monotonic()))
        await asyncio.to_thread(redis.start)
        window["redis_back"] = time.monotonic()
        # Once every process has asked Redis again (its breaker's pause, 2 s) the page
        # shows the edit, not what Redis had kept of it.
        await asyncio.sleep(3)
        window["after_redis"] = [
            (await asyncio.to_thread(get, port, f"/documents/{EDITED}/")) for _ in range(3)
        ]
        if not RESTART:
            return
        await asyncio.sleep(max(0, start + RESTART_AT - 2 - time.monotonic()))
        window["saved"] = await asyncio.to_thread(edit, site, marker)
        await asyncio.sleep(max(0, start + RESTART_AT - time.monotonic()))
        window["restart"] = time.monotonic()
        await asyncio.to_thread(restart_postgres)
        window["back"] = time.monotonic()

    async def load():
        results, stop = [], time.monotonic() + SECONDS
        clients = [Client(port, PATHS, n, results) for n in range(CONNECTIONS)]
        await asyncio.gather(events(stop - SECONDS), *(c.run(stop) for c in clients))
        return results

    return asyncio.run(load()), window, (down_marker, marker)


def judge_redis_stop(results, window, failures):
    """While Redis was stopped: pages served uncached, and an edit saved."""
    stop, back = window["redis_stop"], window["redis_back"]
    during = [r for r in results if stop <= r[0] + r[1] <= back]
    summary(f"While Redis was stopped ({back - stop:.1f} s)", during)
    uncached = sum(b"x-page-cache" not in r[4] for r in during if r[3] in CACHED)
    print(
        f"  pages served uncached meanwhile: {uncached}; the edit saved then: "
        f"{'yes' if window.get('saved_while_down') else 'NO'}; its page: "
        f"{window.get('page_while_down')}"
    )
    if not window.get("saved_while_down"):
        failures.append("an edit could not be saved while Redis was stopped")
    if window.get("page_while_down") != 200:
        failures.append(
            f"the edited page answered {window.get('page_while_down')} while Redis was stopped"
        )


def judge_restart(results, window, failures):
    """No request fails outside the database restart and the grace after it."""
    if RESTART:
        restart, pg_back = window["restart"], window["back"]
        print(f"PostgreSQL was down for {pg_back - restart:.1f} s.")
        # A request is judged by when it ended: one in flight when the database went away
        # fails at the restart, though it began a moment before.
        steady = [r for r in results if not restart <= r[0] + r[1] <= pg_back + GRACE]
        summary(f"Outside the restart and the {GRACE:.0f} s after it", steady)
    else:
        steady = results
    outside = [r for r in steady if failed(r)]
    inside = [r for r in results if failed(r) and r not in outside]
    print(f"Failed during the database restart window: {len(inside)}; outside it: {len(outside)}")
    for label, bad in (("during", inside), ("outside", outside)):
        for (status, path), n in Counter((r[2], r[3]) for r in bad).most_common(6):
            print(f"  {label}: {n} × {status} {path}")
    if outside:
        failures.append(
            f"{len(outside)} requests failed outside the database restart "
            f"window, e.g. {[r[:4] for r in outside[:3]]}"
        )


def judge_recovery(site, port, window, markers, failures):
    """After the faults: every worker serves, the task worker runs, the edits are kept."""
    down_marker, marker = markers
    # Recovery: every gunicorn worker serves again (many requests spread over them), the
    # task worker runs a task, and the edits are there, in the database and on the page
    # readers get: the one saved while Redis was stopped is not hidden by the page Redis
    # kept.
    codes = [
        get(port, "/search/?q=aid", {"X-Forwarded-For": address(9_000_000 + n)})[0]
        for n in range(60)
    ]
    print(f"After the faults: {codes.count(200)} of {len(codes)} database-backed requests ok.")
    if codes.count(200) != len(codes):
        failures.append(f"gunicorn workers did not all recover: {Counter(codes)}")
    ran = site.orm(
        "import time; from ops.tasks import heartbeat; r = heartbeat.enqueue(); "
        "[time.sleep(0.5) or r.refresh() for _ in range(40) if r.status not in "
        "('SUCCESSFUL', 'FAILED')]; print(r.status)"
    )
    print(f"The task worker after the faults: a task {ran.splitlines()[-1] if ran else '?'}.")
    if "SUCCESSFUL" not in ran:
        failures.append(f"the task worker did not recover: {ran[-300:]}")
    after = window["after_redis"]
    fresh = all(a[0] == 200 and down_marker in a[2].decode() for a in after)
    print(
        f"Redis back: the edit saved while it was stopped is on its page "
        f"({', '.join(a[1].get('X-Page-Cache') or 'uncached' for a in after)}): "
        f"{'yes' if fresh else 'NO'}."
    )
    if not fresh:
        failures.append("after Redis came back, the page edited while it was down was stale")
    if RESTART:
        kept = site.orm(
            f"from studies.models import Document as D; print(D.objects.get(slug='{EDITED}')"
            ".revision_note)"
        )
        page = get(port, f"/documents/{EDITED}/")[2].decode()
        if not window.get("saved") or marker not in kept or marker not in page:
            failures.append("the edit saved before the restart was lost, or its page is stale")
        else:
            print("The edit saved just before the restart is there, and on its page.")
    stale = site.orm("from pagecache.models import PageCacheMark as M; print(M.objects.count())")
    print(f"Marks left by saves that could not drop their pages: {stale.splitlines()[-1]}.")


if __name__ == "__main__":
    main()
