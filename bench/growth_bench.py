"""Readers' lists as the bank grows (part of make bench; BENCH_ONLY=growth).

The demo, then the search benchmark's bulk builder filling the bank to 1,000, 10,000 and
100,000 documents (BENCH_GROWTH_SIZES changes them), each with authors, 2–6 of 150 subjects
and, for one in twenty, a cell entry. At each size, every page is requested through Django's
WSGI handler, page cache off, paired run by run with the methods page (which reads nothing
of the bank) as its baseline, so that a machine busier at one size than another does not
pass for growth. Printed per page and size: p50, the baseline's p50 and the median of the
paired ratios (min–max); then the growth from the smallest size to the largest, as the
ratio of those medians. Target: at most 1.5×.

Each page is checked for what it claims before it is timed: the home page and the grid
show the kept counts of the fullest cell, the A–Z lists every subject, the feed holds 50
entries, the sitemap index names one documents sitemap per 10,000 keys.

Also ``load_demo`` run again at each size (everything in place; it only reads), with its
peak Python memory: it must not grow with the bank.

The builder writes rows in bulk, outside the write path, so the kept counts are brought up
to date after each step, as the write path would have kept them.
"""

import io
import math
import os
import re
import time
import tracemalloc

from django.db import connection

from bench.search_bench import SUBJECTS, generate
from bench.wsgi import Paired, Server, paired, timed

RUNS = max(21, int(os.environ.get("BENCH_GROWTH_RUNS", "31")))
SIZES = [int(n) for n in os.environ.get("BENCH_GROWTH_SIZES", "1000 10000 100000").split()]
TARGET = 1.5
BASELINE = "/methods/"


def fullest_cell(matrix=None):
    from matrix.models import CellTally, Role

    tallies = CellTally.objects.filter(cell__status="published")
    if matrix:
        tallies = tallies.filter(cell__matrix__slug=matrix)
    tally = tallies.order_by("-k", "pk").first()
    return Role("K").count_label(tally.k)


def check_home(content):
    assert fullest_cell().encode() in content, "the home page lacks the fullest cell's count"


def check_grid(content):
    label = fullest_cell("alcohol")
    assert label.encode() in content, f"the grid lacks {label!r}"


def check_subjects(content):
    from django.utils.html import escape

    from subjects.models import Subject

    carried = Subject.objects.with_visible_counts(None)  # counted afresh, once
    missing = [s.name for s in carried if escape(s.name).encode() not in content]
    assert not missing, f"the A–Z lacks {missing[:3]}"
    assert len(carried) >= min(len(SUBJECTS), 50), "the bank carries too few subjects"


def check_feed(content):
    assert content.count(b"<entry>") == 50, "the feed does not hold 50 entries"


def check_sitemap(content):
    from studies.models import Document

    highest = Document.objects.order_by("-pk").values_list("pk", flat=True).first()
    wanted = math.ceil(highest / 10_000)
    found = len(re.findall(rb"sitemap-documents\.xml", content))
    assert found == wanted, f"the index names {found} documents sitemaps, not {wanted}"


PAGES = [
    ("home", "/", check_home),
    ("alcohol grid", "/matrices/alcohol/", check_grid),
    ("subjects A–Z", "/subjects/", check_subjects),
    ("documents feed", "/feeds/documents/", check_feed),
    ("sitemap index", "/sitemap.xml", check_sitemap),
]


def fill_to(total):
    """Generate documents until the bank holds ``total``; bring the kept counts up to date."""
    from matrix.models import CellTally
    from studies.models import Document
    from subjects.models import SubjectTally

    missing = total - Document.objects.count()
    if missing > 0:
        generate(missing, seed=total)
    CellTally.objects.recount()
    SubjectTally.objects.recount()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return Document.objects.count()


def load_demo_again():
    """(seconds, peak MiB) of ``load_demo`` over a bank that already holds the demo."""
    from django.core.management import call_command

    tracemalloc.start()
    start = time.perf_counter()
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20


def run():
    from django.core.management import call_command
    from django.test.runner import DiscoverRunner

    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        measure()
    finally:
        runner.teardown_databases(old)


def measure():
    from django.conf import settings

    settings.PAGE_CACHE_ENABLED = False  # the cost of building each page
    server = Server()
    results = {}  # (page, size) -> Paired
    demo = {}
    print(
        f"\nReaders' lists as the bank grows ({connection.vendor}), through the WSGI handler, "
        f"each request paired with {BASELINE} ({RUNS} pairs):",
        flush=True,
    )
    for size in SIZES:
        start = time.perf_counter()
        total = fill_to(size)
        print(f"  {total:,} documents (filled in {time.perf_counter() - start:.1f} s)")
        print(
            f"    {'page':16} {'p50 ms':>8} {'p95':>7} {'baseline':>9} "
            f"{'page/baseline':>13} {'(min–max)':>13}"
        )
        server.get(BASELINE)
        for name, url, check in PAGES:
            check(server.get(url))
            result = Paired.of(
                paired(
                    lambda u=url: timed(lambda: server.get(u)),
                    lambda: timed(lambda: server.get(BASELINE)),
                    RUNS,
                )
            )
            results[name, size] = result
            low, high = result.ratio_range()
            print(
                f"    {name:16} {result.p50:8.1f} {result.p95:7.1f} {result.baseline_p50:9.1f} "
                f"{result.ratio:13.2f} {f'({low:.2f}–{high:.2f})':>13}",
                flush=True,
            )
        demo[size] = load_demo_again()
        seconds, peak = demo[size]
        print(f"    load_demo again: {seconds:.2f} s, peak Python memory {peak:.1f} MiB")
    first, last = SIZES[0], SIZES[-1]
    print(f"  growth from {first:,} to {last:,} documents (target ≤ {TARGET}×):")
    for name, _, _ in PAGES:
        growth = results[name, last].ratio / results[name, first].ratio
        plain = results[name, last].p50 / results[name, first].p50
        verdict = "meets" if growth <= TARGET else "MISSES"
        print(
            f"    {name:16} {growth:5.2f}× of its paired ratio "
            f"({plain:.2f}× in plain p50): {verdict}"
        )
    growth = demo[last][1] / demo[first][1]
    verdict = "meets" if growth <= TARGET else "MISSES"
    low, high = demo[first][1], demo[last][1]
    print(f"    {'load_demo memory':16} {growth:5.2f}× ({low:.1f} → {high:.1f} MiB): {verdict}")
