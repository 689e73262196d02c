"""Benchmark the main screens and the markup renderer (make bench). Measures; asserts nothing.

Runs against a throwaway SQLite database (or DATABASE_URL's server, in a test database), loads
the demo content, adds a cell with 150 entries, then times each page over repeated requests
and reports queries per request and peak Python memory.
"""

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The test settings: a throwaway database, no secrets needed, production's code paths.
os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.runner import DiscoverRunner  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench import (  # noqa: E402
    admin_bench,
    appraisal_bench,
    mail_bench,
    markup_bench,
    relevance_bench,
    search_bench,
    serve_bench,
)

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def big_cell():
    """Fill Drug D3 with 150 entries, each with an annotation full of links and notes."""
    from matrix.models import Cell, CellEntry
    from studies.models import Document

    cell = Cell.objects.with_labels().by_key("drug", "D3")
    cell.scope = "A synthetic cell for the benchmark."
    cell.save()
    for i in range(150):
        document = Document.objects.create(
            slug=f"bench-{i}", title=f"Benchmark study {i}", year=2000 + i % 25
        )
        CellEntry.objects.create(
            cell=cell,
            document=document,
            roles="SKRG"[i % 4],
            headline=f"Benchmark headline {i}",
            annotation=(
                f'See [the trial](doc:bench-{i} "note {i}") and [cell A4](cell:alcohol/A4), '
                f"with [a phrase]^[a note] and *emphasis* {{#p{i}}}"
            ),
            order=i,
        )
    return cell


def measure(client, url):
    client.get(url)  # warm caches and templates
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    tracemalloc.start()
    client.get(url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), max(times), len(queries), peak / 1024


def main(sections):
    if "serve" in sections:
        serve_bench.run()
        if sections == ["serve"]:
            return
    if "admin" in sections:
        admin_bench.run()  # its own databases, timed before setup_test_environment()
        if sections == ["admin"]:
            return
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        call_command("load_demo", verbosity=0)
        if "relevance" in sections:
            relevance_bench.run()  # on the demo as it is, before anything is added
        if "pages" in sections:
            pages_and_markup()
        if "appraisal" in sections:
            appraisal_bench.run()
        if "search" in sections:
            search_bench.run()
        if "mail" in sections:
            mail_bench.run()
    finally:
        runner.teardown_databases(old)


def pages_and_markup():
    from django.conf import settings
    from django.test import Client

    settings.PAGE_CACHE_ENABLED = False  # here: the cost of building each page

    from markup.render import _render, render

    big_cell()
    client = Client()
    pages = [
        ("home", "/"),
        ("alcohol grid", "/matrices/alcohol/"),
        ("cell E4 (16 entries)", "/matrices/alcohol/E4/?bite=open"),
        ("cell D3 (150 entries)", "/matrices/drug/D3/"),
        ("row page", "/matrices/alcohol/rows/4/"),
        ("document page", "/documents/timko-debenedetti-2007-intensive-referral/"),
        ("search", "/search/?q=mutual+aid"),
    ]
    print(f"{'screen':28} {'median ms':>10} {'max ms':>8} {'queries':>8} {'peak KiB':>9}")
    for name, url in pages:
        median, worst, queries, peak = measure(client, url)
        print(f"{name:28} {median:10.1f} {worst:8.1f} {queries:8d} {peak:9.0f}")

    from matrix.models import BiteSection

    longest = max(BiteSection.objects.all(), key=lambda s: len(s.body))
    start = time.perf_counter()
    for _ in range(REPEAT):
        _render.cache_clear()  # one admin save renders a text once; time each render
        render(longest.body, "cell:alcohol/E4")
    per = (time.perf_counter() - start) * 1000 / REPEAT
    size = len(longest.body)
    print(f"\nmarkup render of the longest bite section ({size} chars): {per:.1f} ms")
    start = time.perf_counter()
    call_command("load_demo", verbosity=0)
    print(f"load_demo (second run, everything in place): {time.perf_counter() - start:.2f} s")
    markup_bench.run()


if __name__ == "__main__":
    # make bench runs every section; name some to run only those: serve, admin, relevance, pages,
    # appraisal, search, mail.
    # BENCH_ONLY=search (or any section) does the same from make.
    chosen = sys.argv[1:] or os.environ.get("BENCH_ONLY", "").split() or None
    main(chosen or ["serve", "admin", "relevance", "pages", "appraisal", "search", "mail"])
