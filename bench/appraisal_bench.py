"""Before and after appraisal: the cell page, the grid and search, each timed with the
appraisal data absent (before) and present (after), in the same run.

The two states take turns, a block of requests each, so a machine busy with something else
slows both alike. "Before" is the same database with every verdict card, document appraisal
and entry certainty removed inside a transaction that is rolled back afterwards. Each timed
page is checked for what it claims to show: the after cell page has its verdict card and the
before one none; the after grid is shaded by certainty and the before one is not; the search
with facets has the design and country chosen. Where the demo has no verdict card or
appraisal for a cell, a synthetic one is written first, marked as such (the benchmark's own
throwaway database: nothing here is a fact about a document).
"""

import statistics
import time

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.test import RequestFactory

ROUNDS = 8  # turns each state takes
PER_ROUND = 5  # requests timed in each turn

CELL = "/matrices/alcohol/E4/"
PAIRS = [
    # (screen, before address, after address, what the after page shows, and the before not)
    ("cell E4", CELL, CELL, 'class="verdict"'),
    ("alcohol grid", "/matrices/alcohol/", "/matrices/alcohol/?view=certainty",
     "grid-view-certainty-moderate"),
    ("search", "/search/?q=mutual+aid", "/search/?q=mutual+aid&design=randomised-trial&country=GB",
     'aria-current="true">Randomised controlled trial'),
]  # fmt: skip


class Server:
    """Requests through Django's WSGI handler, as gunicorn makes them, keeping the body. The
    connection stays open between requests, as the test client keeps it: "before" lives in a
    transaction that closing it would end."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.factory = RequestFactory()

    def get(self, url):
        status = []
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            environ = self.factory.get(url).environ
            body = self.handler(environ, lambda s, h, e=None: status.append(s))
            content = b"".join(body).decode()
            body.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        assert status[0].startswith("200"), (url, status[0])
        return content


def appraise_where_missing():
    """Every alcohol cell with a written verdict card and E4's documents with a design, a
    size, a country and a certainty: the demo's where it has them, synthetic where not."""
    from matrix.models import Cell, CellEntry, CellVerdict
    from studies.models import Document

    levels = ["high", "moderate", "low", "very_low", "not_rated"]
    cells = Cell.objects.with_labels().filter(matrix__slug="alcohol").select_related("verdict")
    for number, cell in enumerate(cells.order_by("column__code", "row__number")):
        verdict = getattr(cell, "verdict", None)
        if verdict is None or not verdict.is_written:
            CellVerdict.objects.filter(cell=cell).delete()
            level = "moderate" if cell.code == "E4" else levels[number % len(levels)]
            CellVerdict(
                cell=cell,
                certainty=level,
                certainty_reasons=["imprecision"],
                bottom_line="Synthetic verdict card, written by the benchmark for timing only.",
                cost_band=2,
            ).save()
    e4 = Cell.objects.with_labels().by_key("alcohol", "E4")
    documents = Document.objects.filter(cell_entries__cell=e4).distinct()
    documents.filter(design="").update(design="randomised-trial", participants=100)
    for document in documents:
        if not document.countries.exists():
            document.countries.add("GB-ENG")
    CellEntry.objects.filter(cell=e4, certainty="not_rated").update(
        certainty="low", certainty_reasons=["risk-of-bias"]
    )


def remove_appraisal():
    """Every verdict card, document appraisal and entry certainty gone (in a transaction
    the caller rolls back)."""
    from matrix.models import CellEntry, CellVerdict
    from studies.models import Document

    CellVerdict.objects.all().delete()
    blank = {}
    for name in (
        "design", "participants", "studies_included", "substances", "comparison", "follow_up",
        "outcomes", "effect_direction", "risk_of_bias", "risk_of_bias_note", "funding",
        "conflicts",
    ):  # fmt: skip
        field = Document._meta.get_field(name)
        blank[name] = None if field.null else ""
    Document.objects.update(**blank)
    for name in ("countries", "care_settings", "populations"):
        getattr(Document, name).through.objects.all().delete()
    CellEntry.objects.update(certainty="not_rated", certainty_reasons=[])


def timed(server, url, times):
    for _ in range(PER_ROUND):
        start = time.perf_counter()
        server.get(url)
        times.append((time.perf_counter() - start) * 1000)


def queries(server, url):
    count = []

    def record(execute, sql, params, many, context):
        count.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        server.get(url)
    return len(count)


def check(name, before, after, shown):
    assert shown in after, f"{name}: the after page lacks {shown!r}"
    assert shown not in before, f"{name}: the before page already has {shown!r}"


def run():
    from django.conf import settings

    settings.PAGE_CACHE_ENABLED = False  # the cost of building each page, not of a stored one
    settings.SEARCH_RATE = "100000/m"  # one address asks for every timed search
    appraise_where_missing()
    server = Server()
    times = {(name, state): [] for name, *_ in PAIRS for state in ("before", "after")}
    counts = {}
    for name, before_url, after_url, shown in PAIRS:
        with transaction.atomic():
            remove_appraisal()
            before = server.get(before_url)
            counts[name, "before"] = queries(server, before_url)
            transaction.set_rollback(True)
        after = server.get(after_url)
        counts[name, "after"] = queries(server, after_url)
        check(name, before, after, shown)
    pairs = PAIRS
    ratios = {name: [] for name, *_ in PAIRS}  # each turn: after's median / before's
    for _ in range(ROUNDS):
        turn = {key: [] for key in times}
        with transaction.atomic():
            remove_appraisal()
            for name, before_url, _after, _shown in pairs:
                timed(server, before_url, turn[name, "before"])
            transaction.set_rollback(True)
        for name, _before, after_url, _shown in pairs:
            timed(server, after_url, turn[name, "after"])
        for key, values in turn.items():
            times[key] += values
        for name in ratios:
            after = statistics.median(turn[name, "after"])
            ratios[name].append(after / statistics.median(turn[name, "before"]))

    print(f"\nBefore and after appraisal ({ROUNDS} turns of {PER_ROUND} requests each, alternated)")
    print(f"{'screen':14} {'state':7} {'median ms':>10} {'max ms':>8} {'queries':>8}  address")
    for name, before_url, after_url, _shown in pairs:
        for state, url in (("before", before_url), ("after", after_url)):
            values = times[name, state]
            print(
                f"{name:14} {state:7} {statistics.median(values):10.1f} {max(values):8.1f} "
                f"{counts[name, state]:8d}  {url}"
            )
    print(f"after / before, the median of the {ROUNDS} turns' ratios (min–max):")
    for name, values in ratios.items():
        print(f"  {name:14} {statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})")
