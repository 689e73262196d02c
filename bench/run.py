"""make bench: every benchmark, each measured against a baseline timed alternately with it.
Measures; asserts only that each page holds what its label says.

Runs against a throwaway SQLite database (or DATABASE_URL's server, in a test database) and
loads the demo content. Nothing here calls ``setup_test_environment()``: it would instrument
every template render (the test client's context copies) and run background tasks in this
process, so pages are timed as gunicorn serves them and mail is sent by real workers.
"""

import os
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The test settings: a throwaway database, no secrets needed, production's code paths.
os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test.runner import DiscoverRunner  # noqa: E402

from bench import (  # noqa: E402
    admin_bench,
    appraisal_bench,
    growth_bench,
    mail_bench,
    markup_bench,
    notices_bench,
    relevance_bench,
    search_bench,
    serve_bench,
    watch_bench,
)

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def big_cell():
    """Fill Drug D3 with 150 entries on published documents readers see, each with an
    annotation full of links and notes."""
    from matrix.models import Cell, CellEntry
    from studies.models import Document

    cell = Cell.objects.with_labels().by_key("drug", "D3")
    cell.scope = "A synthetic cell for the benchmark."
    cell.status = Cell.Status.PUBLISHED
    cell.save()
    for i in range(150):
        document = Document.objects.create(
            slug=f"bench-{i}",
            title=f"Benchmark study {i}",
            year=2000 + i % 25,
            status=Document.Status.PUBLISHED,
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


def holds_big_cell(content):
    """The 150-entry page shows every entry to readers (its documents are published)."""
    missing = [i for i in range(150) if f"Benchmark headline {i}<".encode() not in content]
    assert not missing, f"the big cell's page lacks entries {missing[:5]}"


def main(sections):
    if "serve" in sections:
        serve_bench.run()
        if sections == ["serve"]:
            return
    if "admin" in sections:
        admin_bench.run()  # its own databases: it adds 100,000 documents
        if sections == ["admin"]:
            return
    if "growth" in sections:
        growth_bench.run()  # its own databases: it fills the bank from 1,000 to 100,000
        if sections == ["growth"]:
            return
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        call_command("load_demo", verbosity=0)
        # In this order: relevance on the demo as it is, before anything is added.
        on_the_demo = {
            "relevance": relevance_bench.run,
            "pages": pages_and_markup,
            "appraisal": appraisal_bench.run,
            "search": search_bench.run,
            "mail": mail_bench.run,
            "watch": watch_bench.run,
            "notices": notices_bench.run,  # last: it adds 100,000 documents
        }
        for name, part in on_the_demo.items():
            if name in sections:
                part()
    finally:
        runner.teardown_databases(old)


def pages_and_markup():
    from django.conf import settings

    from bench.wsgi import Paired, Server, paired, replay, statements_of, timed

    settings.PAGE_CACHE_ENABLED = False  # here: the cost of building each page

    big_cell()
    server = Server()
    pages = [
        ("home", "/", b"grid"),
        ("alcohol grid", "/matrices/alcohol/", b"grid"),
        ("cell E4 (16 entries)", "/matrices/alcohol/E4/?bite=open", b'id="bite"'),
        ("cell D3 (150 entries)", "/matrices/drug/D3/", holds_big_cell),
        ("row page", "/matrices/alcohol/rows/4/", b"Psychosocial"),
        ("document page", "/documents/timko-debenedetti-2007-intensive-referral/", b"Timko"),
        ("search", "/search/?q=mutual+aid", b"mutual aid"),
    ]
    print(
        "\nPages through the WSGI handler (page cache off), each request paired with a replay "
        f"of its own SQL on a cursor ({REPEAT} pairs):"
    )
    print(
        f"{'screen':24} {'p50 ms':>7} {'p95':>6} {'SQL p50':>8} {'page/SQL':>8} "
        f"{'(min–max)':>15} {'queries':>7} {'KiB':>5} {'peak KiB':>8}"
    )
    for name, url, holds in pages:
        content = server.get(url)
        if callable(holds):
            holds(content)
        else:
            assert holds in content, (name, holds)
        statements = statements_of(server, url)

        def page(url=url):
            return timed(lambda: server.get(url))

        def sql(statements=statements):
            return replay(statements)

        result = Paired.of(paired(page, sql, REPEAT))
        tracemalloc.start()
        server.get(url)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        low, high = result.ratio_range()
        print(
            f"{name:24} {result.p50:7.1f} {result.p95:6.1f} {result.baseline_p50:8.2f} "
            f"{result.ratio:8.1f} {f'({low:.1f}–{high:.1f})':>15} {len(statements):7d} "
            f"{len(content) / 1024:5.0f} {peak / 1024:8.0f}",
            flush=True,
        )

    markup_bench.run()


if __name__ == "__main__":
    # make bench runs every section; name some to run only those: serve, admin, relevance, pages,
    # appraisal, search, mail, growth, watch, notices.
    # BENCH_ONLY=search (or any section) does the same from make.
    chosen = sys.argv[1:] or os.environ.get("BENCH_ONLY", "").split() or None
    main(
        chosen
        or [
            "serve",
            "admin",
            "relevance",
            "pages",
            "appraisal",
            "search",
            "mail",
            "growth",
            "watch",
            "notices",
        ]
    )
