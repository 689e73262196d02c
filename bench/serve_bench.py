"""Pages as served in production, against the same bytes served as a static file.

gunicorn with gunicorn.conf.py and the production settings (DEBUG off, the page cache on,
Redis when it runs here), the demo content, and wrk on 127.0.0.1. Each page is fetched once,
its bytes (and their gzip and brotli forms) are written into the static folder, and the
server is started again so WhiteNoise serves them too; then each page and its static twin
are loaded in turn with 64 connections, uncompressed and then asking for compression
(``Accept-Encoding: gzip, br``; each answer checked to be compressed). wrk runs on one core
(taskset, one thread) so it takes less of the server's machine, in ``BENCH_SERVE_ROUNDS``
rounds (5) of ``BENCH_SERVE_SECONDS`` (4) each way. The figure is the median of the rounds'
page ÷ static ratios, printed with their min and max; absolute numbers depend on the machine.

Also: E4 with the page cache switched off (what every request cost before), the compressed
sizes, and a check that an editor's save is seen by the next request.
"""

import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.serving import Site, get  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SERVE_SECONDS", "4"))
ROUNDS = max(3, int(os.environ.get("BENCH_SERVE_ROUNDS", "5")))
COMPRESSED = {"Accept-Encoding": "gzip, br"}
CONNECTIONS = 64
PAGES = [
    ("E4", "/matrices/alcohol/E4/"),
    ("grid", "/matrices/alcohol/"),
    ("document page", "/documents/timko-debenedetti-2007-intensive-referral/"),
    ("home", "/"),
    ("search", "/search/?q=mutual+aid"),
]
TARGETS = {"search": 0.1}  # the others: 0.5


def pinned():
    """The command prefix running wrk on the last core alone, where taskset exists."""
    cores = os.cpu_count() or 1
    if cores > 1 and shutil.which("taskset"):
        return ["taskset", "-c", str(cores - 1)]
    return []


def wrk(port, path, seconds=SECONDS, connections=CONNECTIONS, headers=None):
    """requests per second, p50 ms, p99 ms, errors."""
    extra = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    command = [*pinned(), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
               "--timeout", "10s", *extra, f"http://127.0.0.1:{port}{path}"]  # fmt: skip
    for _attempt in range(3):
        # wrk gives up at once if a connection is refused (a gunicorn worker recycled at
        # the moment it connects): a moment later it is served again.
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode == 0:
            break
        time.sleep(1)
    else:
        raise RuntimeError(f"wrk failed three times on {path}: {result.stdout}{result.stderr}")
    out = result.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def percentile(label):
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(n) for n in match.groups())
    return rate, percentile("50%"), percentile("99%"), errors


def rounds(port, page, static, headers=None):
    """[(page's wrk figures, static file's)] for each round, the first of the two
    alternating round by round."""
    runs = []
    for round_ in range(ROUNDS):
        if round_ % 2:
            static_run = wrk(port, static, headers=headers)
            page_run = wrk(port, page, headers=headers)
        else:
            page_run = wrk(port, page, headers=headers)
            static_run = wrk(port, static, headers=headers)
        runs.append((page_run, static_run))
    return runs


def check_compressed(port, urls):
    for url in urls:
        _, answer, _ = get(port, url, COMPRESSED)
        assert answer.get("Content-Encoding") in ("gzip", "br"), (url, answer)


def ensure_wrk():
    if not shutil.which("wrk"):
        print("Installing wrk (the load generator) with apt-get…")
        install = ["apt-get", "install", "-y", "-q", "wrk"]
        if subprocess.run(install, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], capture_output=True)
            subprocess.run(install, capture_output=True)
    return bool(shutil.which("wrk"))


def run():
    if not ensure_wrk():
        print("Serving bench skipped: wrk is not installed and apt-get could not install it.")
        return
    # One address and 64 connections: the search's rate and caps (search/limits.py) would
    # time refusals; lifted here so the search's own cost is what is measured.
    site = Site(
        "bench",
        redis_db=13,
        SEARCH_RATE="1000000/m",
        SEARCH_CONCURRENCY="8",
        SEARCH_MACHINE_CONCURRENCY="64",
        SEARCH_MACHINE_SHARE="1",
        WEB_MAX_REQUESTS="0",  # no worker starts again in the middle of a measurement
    )
    print(
        f"\nServing: gunicorn, production settings, {site.database}, page cache in "
        f"{site.cache}, wrk ({' '.join(pinned()) or 'not pinned'}, one thread) with "
        f"{CONNECTIONS} connections, {ROUNDS} rounds of {SECONDS} s each way per figure."
    )
    try:
        site.prepare()
        port = site.serve()
        twins = {}
        static = Path(site.env["STATIC_ROOT"]) / "bench"
        static.mkdir(parents=True)
        for name, path in PAGES:
            status, headers, body = get(port, path)
            assert status == 200, (path, status)
            twin = static / f"{name.replace(' ', '-')}.html"
            twin.write_bytes(body)
            # WhiteNoise serves these to a client asking for compression, as a CDN would.
            Path(f"{twin}.gz").write_bytes(gzip.compress(body))
            Path(f"{twin}.br").write_bytes(brotli.compress(body, quality=8))
            twins[name] = f"/static/bench/{twin.name}"
            print(
                f"  {name}: {len(body) / 1024:.0f} KB, gzip {len(gzip.compress(body)) / 1024:.0f}"
                f" KB, brotli {len(brotli.compress(body, quality=8)) / 1024:.0f} KB"
            )
        site.stop()
        port = site.serve()  # WhiteNoise finds the twins when it starts
        for _, path in PAGES:
            get(port, path)  # the first reader fills the cache

        for label, headers in (("uncompressed", None), ("compressed", COMPRESSED)):
            if headers:
                check_compressed(port, [url for name, path in PAGES for url in (path, twins[name])])
            print(
                f"\n{label}: {'page':16} {'page req/s':>10} {'static req/s':>12} "
                f"{'ratio (min–max)':>20} {'target':>6} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}"
            )
            for name, path in PAGES:
                # Page and file alternate, round by round; each round's ratio is taken on
                # the same machine moments apart, and their median is the figure.
                runs = rounds(port, path, twins[name], headers)
                ratios = [page[0] / static[0] for page, static in runs]
                rate = statistics.median(page[0] for page, _ in runs)
                static_rate = statistics.median(static[0] for _, static in runs)
                p50 = statistics.median(page[1] for page, _ in runs)
                p99 = statistics.median(page[2] for page, _ in runs)
                errors = sum(page[3] + static[3] for page, static in runs)
                target = TARGETS.get(name, 0.5)
                ratio = statistics.median(ratios)
                spread = f"{ratio:.2f} ({min(ratios):.2f}–{max(ratios):.2f})"
                mark = "ok" if ratio >= target else "BELOW"
                print(
                    f"{'':{len(label) + 2}}{name:16} {rate:10.0f} {static_rate:12.0f} "
                    f"{spread:>20} {target:5.1f}× {p50:7.1f} {p99:7.1f} {errors:6d} {mark}",
                    flush=True,
                )

        # Fresh after a save: an editor's change (another process) is in the next response.
        site.orm(
            "from studies.models import Document as D; "
            "d = D.objects.get(slug='timko-debenedetti-2007-intensive-referral'); "
            "d.year = 1999; d.save()"
        )
        _, headers, body = get(port, "/matrices/alcohol/E4/")
        fresh = b"(1999)" in body
        print(
            f"\nE4 after an editor's save elsewhere: {headers.get('X-Page-Cache')}, "
            f"{'shows the change' if fresh else 'STALE'}."
        )
        site.stop()

        port = site.serve(PAGE_CACHE="0")
        runs = rounds(port, "/matrices/alcohol/E4/", twins["E4"])
        ratios = [page[0] / static[0] for page, static in runs]
        rate = statistics.median(page[0] for page, _ in runs)
        p50 = statistics.median(page[1] for page, _ in runs)
        p99 = statistics.median(page[2] for page, _ in runs)
        errors = sum(page[3] for page, _ in runs)
        print(
            f"E4 with the page cache off: {rate:.0f} req/s, {statistics.median(ratios):.3f}× "
            f"the static file ({min(ratios):.3f}–{max(ratios):.3f}), p50 {p50:.0f} ms, "
            f"p99 {p99:.0f} ms, {errors} errors."
        )
    finally:
        site.close()


if __name__ == "__main__":
    run()
