"""The editors' admin at 100,000 documents (part of make bench; BENCH_ONLY=admin).

A bank of 100,000 documents on PostgreSQL (20,000 on SQLite; BENCH_ADMIN_DOCS sets it), built
by the search benchmark's bulk builder, and a cell of 150 entries on published documents.
Each screen is requested through Django's WSGI handler with a signed-in editor's session
cookie, as gunicorn would hand it over: every middleware, the admin's view, its templates.
Not the test client, and not after setup_test_environment(), which instruments every
template. Each request is alternated with its baseline, the bare SELECT of the rows the
screen shows (run through the same connection), so both see the same machine; the figures
are p50/p95 of each and the median of the paired ratios with their min and max.
"""

import os
import statistics
import time

from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory

from bench.search_bench import generate, percentile

RUNS = max(30, int(os.environ.get("BENCH_ADMIN_RUNS", "41")))
TARGET_MS = {
    "list": 100,
    "list search": 200,
    "picker": 100,
    "cell form": 200,
    "dashboard": 100,
}
ENTRIES = 150


class EditorBrowser:
    """GET requests through the WSGI handler, signed in as an editor (a session cookie)."""

    def __init__(self, user):
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)  # writes the session; only its cookie is used below
        name = settings.SESSION_COOKIE_NAME
        self.cookie = f"{name}={client.cookies[name].value}"
        self.handler = WSGIHandler()
        self.factory = RequestFactory()

    def get(self, url):
        status = []
        environ = self.factory.get(url, HTTP_COOKIE=self.cookie).environ
        body = self.handler(environ, lambda s, h, e=None: status.append(s))
        content = b"".join(body)
        body.close()
        assert status[0].startswith("200"), (url, status[0])
        return content


def editor():
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("bench-editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def big_cell():
    """Drug D3 with exactly 150 entries (those the bulk builder placed there go), each on a
    published document of the generated bank."""
    from matrix.models import Cell, CellEntry
    from studies.models import Document

    cell = Cell.objects.with_labels().by_key("drug", "D3")
    CellEntry.objects.filter(cell=cell).delete()
    documents = Document.objects.filter(status="published", slug__startswith="bench-doc-")
    documents = documents.order_by("pk")[:ENTRIES]
    CellEntry.objects.bulk_create(
        CellEntry(
            cell=cell,
            document=document,
            roles="SKRG"[number % 4],
            headline=f"What entry {number} adds to the cell",
            order=number,
        )
        for number, document in enumerate(documents)
    )
    return cell


def bare(queryset):
    """A queryset's SQL and parameters, to run without the ORM."""
    return queryset.query.sql_with_params()


def screens(cell):
    """(name, url, baseline SQL, what the page must contain) for each screen timed."""
    from matrix.models import CellEntry
    from studies.models import Document

    order = ("-year", "title", "-pk")
    shown = ("pk", "title", "kind", "year", "status", "first_published")
    picker = "/admin/autocomplete/?app_label=matrix&model_name=cellentry&field_name=document"
    rows = [
        (
            "list",
            "list",
            "/admin/studies/document/",
            bare(Document.objects.order_by(*order).values_list(*shown)[:100]),
            b'id="result_list"',
        ),
    ]
    for term in ("Smith", "contingency"):
        rows.append((
            f"list ?q={term}",
            "list search",
            f"/admin/studies/document/?q={term}",
            bare(Document.objects.matching(term).order_by(*order).values_list(*shown)[:100]),
            b'id="result_list"',
        ))  # fmt: skip
    # One editor's keystrokes in the picker, then a word nothing matches.
    for term in ("co", "cont", "contingen", "smit", "qqxj"):
        rows.append((
            f"picker {term!r}",
            "picker",
            f"{picker}&term={term}",
            bare(
                Document.objects.matching(term)
                .order_by(*order)
                .values_list("pk", "title", "year", "doi")[:20]
            ),
            b'"results"',
        ))  # fmt: skip
    entries = CellEntry.objects.filter(cell=cell).count()
    rows.append((
        f"cell form ({entries} entries)",
        "cell form",
        f"/admin/matrix/cell/{cell.pk}/change/",
        bare(
            CellEntry.objects.filter(cell=cell)
            .order_by("order", "pk")
            .values_list("pk", "headline", "annotation", "roles", "document__title")[:40]
        ),
        f"This cell has {entries} entries".encode(),
    ))  # fmt: skip
    rows.append((
        "dashboard",
        "dashboard",
        "/admin/",
        bare(Document.objects.filter(status="draft").order_by("-pk").values_list("pk")[:15]),
        b'id="dashboard"',
    ))  # fmt: skip
    return rows


def time_pair(browser, url, sql, params):
    """Requests and runs of their baseline, in ms, alternated (each first in turn)."""

    def baseline():
        # The handler may close the connection between requests: connected before timing.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            start = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            return (time.perf_counter() - start) * 1000

    def page():
        start = time.perf_counter()
        browser.get(url)
        return (time.perf_counter() - start) * 1000

    pages, baselines = [], []
    for run in range(RUNS):
        if run % 2:
            baselines.append(baseline())
            pages.append(page())
        else:
            pages.append(page())
            baselines.append(baseline())
    return pages, baselines


def count_queries(browser, url):
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        browser.get(url)
    return statements


def run():
    from django.conf import settings
    from django.core.management import call_command
    from django.test.runner import DiscoverRunner

    from studies.models import Document

    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        settings.PAGE_CACHE_ENABLED = False
        call_command("load_demo", verbosity=0)
        vendor = connection.vendor
        count = int(
            os.environ.get("BENCH_ADMIN_DOCS", 100_000 if vendor == "postgresql" else 20_000)
        )
        print(f"\nThe admin at scale ({vendor}): generating {count:,} documents…", flush=True)
        start = time.perf_counter()
        generate(count)
        cell = big_cell()
        with connection.cursor() as cursor:
            # What autovacuum would have done by the time an editor opens the list.
            cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
        total = Document.objects.count()
        print(f"generated in {time.perf_counter() - start:.1f} s ({total:,} documents)")
        measure(EditorBrowser(editor()), cell)
    finally:
        runner.teardown_databases(old)


def measure(browser, cell):
    print(
        f"{'screen':26} {'page p50':>8} {'p95':>6} {'SQL p50':>8} {'p95':>6} "
        f"{'page/SQL median':>15} {'min':>6} {'max':>6} {'queries':>7}  target"
    )
    print(f"{'':26} {'(ms)':>8}{'':7}{'(ms)':>9}{'':7}  (paired, {RUNS} runs)")
    for name, kind, url, (sql, params), expected in screens(cell):
        content = browser.get(url)  # warm: templates compiled, rows cached
        assert expected in content, (name, expected)
        queries = len(count_queries(browser, url))
        pages, baselines = time_pair(browser, url, sql, params)
        ratios = [p / b for p, b in zip(pages, baselines, strict=True)]
        p50 = statistics.median(pages)
        target = TARGET_MS[kind]
        verdict = "meets" if p50 <= target else "MISSES"
        print(
            f"{name:26} {p50:8.1f} {percentile(pages, 95):6.1f} "
            f"{statistics.median(baselines):8.2f} {percentile(baselines, 95):6.2f} "
            f"{statistics.median(ratios):15.1f} {min(ratios):6.1f} {max(ratios):6.1f} "
            f"{queries:7d}  p50 <= {target} ms: {verdict}",
            flush=True,
        )
