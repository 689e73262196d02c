"""Search facets: each a ``Facet`` registered in ``registry`` (the search's own in
``search/hooks.py``), which brings everything a facet is, in one place: the parameters it
reads from a search's address (and the API), the filter they apply to the index, its count
rows in the one facet statement (``backends.Backend.facets_sql``), the values and labels the
page shows, and the index columns it reads (``SearchEntry``, filled by ``indexing``).

Counts are exact, or estimated from a sample of the index when there are many matches.
"""

from dataclasses import dataclass

import hooks

# Above this many matches, the total and the facet counts are estimated from a sample of the
# index (shown as "about"), as large search engines do: counting 60,000 matches exactly costs
# a second, and nobody needs to know it is 59,008 rather than about 59,000.
ESTIMATE_ABOVE = 2000


@dataclass
class FacetValue:
    label: str
    count: int
    url: str
    selected: bool = False
    value: str = ""


@dataclass(frozen=True)
class Param:
    """A parameter of a search a facet reads: ``name`` in the address, ``attr`` on
    ``SearchParams`` and in the API. ``clean(value, problems)`` reads an address's text or
    the API's already typed value alike; what it cannot use it drops (saying why in
    ``problems`` when a reader should know). ``kind`` is its type in the API: "text",
    "flag" or "number" (from ``low`` to ``high``); a text with ``choices`` is one of them
    (an enum in the API's description). ``pattern`` describes the form a text takes."""

    name: str
    attr: str
    clean: object
    kind: str = "text"
    low: int = 0
    high: int = 0
    choices: tuple = ()
    pattern: str = ""
    description: str = ""

    @property
    def default(self):
        return {"flag": False, "number": None}.get(self.kind, "")

    def address_value(self, value):
        if self.kind == "flag":
            return "1" if value else ""
        return "" if value is None else value


def flag(value, problems):
    """A tick box: "1", "on" or "yes" in an address, true in the API."""
    return value is True or value in ("1", "on", "yes")


@dataclass
class Shown:
    """A facet's part of the page: its heading, values and the template showing them."""

    heading: str
    values: list
    template: str = "search/includes/facet.html"


class Facet:
    """One facet. ``name`` keys its values in ``SearchPage.facets`` (and the API's facets);
    ``columns`` are the ``SearchEntry`` columns it reads, each with how a document's index
    row fills it; ``reads`` any other columns of the index row its counts need."""

    name = ""
    params = ()
    columns = {}
    reads = ()
    exact = ()  # count rows that are not counts (kept as they are when counts are estimated)

    def settle(self, params):
        """Make its parameters agree with one another, once all are read."""

    def is_set(self, params):
        return any(getattr(params, p.attr) for p in self.params)

    def filter(self, qs, params, engine, cells):
        """The index rows ``qs`` narrowed to the chosen value, and the (label, address
        removing it) of each choice in force."""
        return qs, []

    def count_sql(self, engine):
        """SQL selecting (facet, value, count, label) rows over the matches ``m`` (and their
        placements in visible cells, ``p``): parts of one UNION ALL, without parameters."""
        return []

    def show(self, page, counts, labels, params, cells):
        """Sets its values in ``page.facets``; returns its parts of the page ([Shown])."""
        return []


registry = hooks.Registry("search facet")


def index_columns(document):
    """The values a document's index row holds for the facets."""
    return {column: read(document) for facet in registry for column, read in facet.columns.items()}


def columns():
    return [column for facet in registry for column in facet.columns]


def facet_rows(page, engine, matched, cells):
    """(facet, value, count, label) rows with the total: exact, or estimated from a sample of
    the index when there are more than ESTIMATE_ABOVE matches (``page.estimated``)."""
    reads = dict.fromkeys(["id", "doc_status", "placements", *columns()])
    for facet in registry:
        reads.update(dict.fromkeys(facet.reads))
    facts = matched.values(*reads)
    parts = [sql for facet in registry for sql in facet.count_sql(engine)]
    exact = {name for facet in registry for name in facet.exact}
    sql, params = facts.query.sql_with_params()
    if engine.more_than(sql, params, ESTIMATE_ABOVE):
        sample_sql, sample_params, sizes_sql, sizes_params = engine.sample(facts)
        facets_sql, cell_params = engine.facets_sql(sample_sql, cells, parts, sizes_sql)
        rows = engine.run(facets_sql, [*sample_params, *cell_params, *sizes_params])
        sizes = {f: n for f, _, n, _ in rows if f in ("population", "sample")}
        scale = engine.scale(sizes)
        rows = [
            (f, v, n if f in exact else _about(n * scale, n), label)
            for f, v, n, label in rows
            if f not in sizes
        ]
        # Trust the sample only when it agrees there are many; when the decision was the
        # planner's estimate and that was too high, count exactly after all.
        if next(n for f, _, n, _ in rows if f == "total") >= ESTIMATE_ABOVE:
            page.estimated = True
            return rows
    facets_sql, cell_params = engine.facets_sql(sql, cells, parts)
    return engine.run(facets_sql, [*params, *cell_params])


def _about(number, sampled):
    """A count estimated from ``sampled`` rows of a sample, to the figures they support: two
    from 400 rows (within about 5%), one below (58,712 is 59,000 or 60,000)."""
    if number < 100:
        return max(1, round(number))
    figures = 2 if sampled >= 400 else 1
    digits = 10 ** (len(str(int(number))) - figures)
    return int(round(number / digits) * digits)


def apply_filters(qs, params, engine, cells):
    active = []
    for facet in registry:
        if facet.is_set(params):
            qs, chosen = facet.filter(qs, params, engine, cells)
            active.extend(chosen)
    return qs, active


def build_facets(page, rows, params, cells):
    counts, labels = {}, {}
    for facet, value, count, label in rows:
        counts.setdefault(facet, []).append((value, count))
        if label:
            labels.setdefault(facet, {})[value] = label
    page.shown_facets = [
        shown for facet in registry for shown in facet.show(page, counts, labels, params, cells)
    ]
