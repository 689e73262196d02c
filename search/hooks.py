"""What search adds: its refresher, which keeps the index current, and the search page's
facets, in the order the page shows them (and its address lists their parameters). A facet
is all here: see ``search.facets.Facet``."""

from taggit.models import Tag

from editorial.refreshers import Refresher, refreshers
from matrix.models import Role
from ops.inputs import whole_number
from studies.models import Document

from .appraisal_facets import FACETS
from .facets import Facet, FacetValue, Param, Shown, flag, registry
from .refreshers import NAME, refresh_index, remember

refreshers.register(Refresher(NAME, refresh_index, remember=remember))

YEARS = (1000, 2999)  # what a year filter may be


def _kind(value, problems):
    if value and value not in Document.Kind.values:
        problems.append(f"“{value[:40]}” is not a kind of document; showing all kinds.")
        return ""
    return value


class Kind(Facet):
    name = "kind"
    params = (Param("kind", "kind", _kind),)
    columns = {"doc_kind": lambda document: document.kind}

    def filter(self, qs, params, engine, cells):
        chosen = (Document.Kind(params.kind).label, params.url(kind=""))
        return qs.filter(doc_kind=params.kind), [chosen]

    def count_sql(self, engine):
        return ["SELECT 'kind', doc_kind, COUNT(*), '' FROM m GROUP BY doc_kind"]

    def show(self, page, counts, labels, params, cells):
        kinds = dict(counts.get("kind", []))
        page.facets["kind"] = [
            FacetValue(label, kinds[value], params.url(kind=value), params.kind == value)
            for value, label in Document.Kind.choices
            if kinds.get(value)
        ]
        return [Shown("Kind of document", page.facets["kind"])]


def _year(value, problems):
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    year = whole_number(text, *YEARS)
    if not year:
        problems.append(f"“{text[:20]}” is not a year; that limit is left out.")
    return year or None


class Years(Facet):
    name = "decade"
    params = (
        Param("from", "year_from", _year, "number", *YEARS),
        Param("to", "year_to", _year, "number", *YEARS),
    )
    columns = {"year": lambda document: document.year}
    exact = ("years",)  # the earliest and latest year, not counts

    def settle(self, params):
        if params.year_from and params.year_to and params.year_from > params.year_to:
            params.year_from, params.year_to = params.year_to, params.year_from

    def filter(self, qs, params, engine, cells):
        active = []
        if params.year_from:
            qs = qs.filter(year__gte=params.year_from)
            active.append((f"From {params.year_from}", params.url(**{"from": ""})))
        if params.year_to:
            qs = qs.filter(year__lte=params.year_to)
            active.append((f"To {params.year_to}", params.url(to="")))
        return qs, active

    def count_sql(self, engine):
        return [
            "SELECT 'decade', CAST(year / 10 * 10 AS TEXT), COUNT(*), '' FROM m "
            "WHERE year IS NOT NULL GROUP BY year / 10",
            "SELECT 'years', CAST(MIN(year) AS TEXT), MAX(year), '' FROM m",
        ]

    def show(self, page, counts, labels, params, cells):
        decades = sorted(((int(v), n) for v, n in counts.get("decade", [])), reverse=True)
        page.facets["decade"] = [
            FacetValue(
                f"{d}s", n, params.url(**{"from": d, "to": d + 9}),
                params.year_from == d and params.year_to == d + 9,
            )
            for d, n in decades
        ]  # fmt: skip
        low, high = (counts.get("years") or [(None, None)])[0]
        page.years = (int(low) if low else None, int(high) if high else None)
        return [Shown("Year", page.facets["decade"], "search/includes/year_facet.html")]


class Subject(Facet):
    name = "subject"
    params = (Param("subject", "subject", lambda value, problems: value[:100]),)
    columns = {"subjects": lambda document: sorted(t.pk for t in document.tags.all())}

    def filter(self, qs, params, engine, cells):
        tag = Tag.objects.filter(slug=params.subject).first()
        name = tag.name if tag else params.subject
        qs = qs.filter(engine.subject_filter(tag.pk if tag else -1))
        return qs, [(f"Subject: {name}", params.url(subject=""))]

    def count_sql(self, engine):
        return [
            "SELECT * FROM ("
            f"SELECT 'subject', t.slug, COUNT(*), t.name FROM ({engine.subject_source}) AS x "
            "JOIN taggit_tag AS t ON t.id = CAST(x.s AS BIGINT) "
            "GROUP BY t.id, t.slug, t.name ORDER BY 3 DESC, 2 LIMIT 40) AS top_subjects"
        ]

    def show(self, page, counts, labels, params, cells):
        names = labels.get("subject", {})
        page.facets["subject"] = sorted(
            (
                FacetValue(names[slug], n, params.url(subject=slug), params.subject == slug)
                for slug, n in counts.get("subject", [])
            ),
            key=lambda f: (-f.count, f.label.lower()),
        )[:15]
        return [Shown("Subject", page.facets["subject"])]


def _role(value, problems):
    role = value.upper()
    return role if role in Role.values else ""


class Placement(Facet):
    """Where documents sit in the matrices: the matrix, the cell and the role there. Counted
    over the placements in cells the reader may see (``p`` in the facet statement)."""

    name = "placement"
    params = (
        Param("matrix", "matrix", lambda value, problems: value[:50]),
        Param("cell", "cell", lambda value, problems: value[:60]),  # "alcohol/E4"
        Param("role", "role", _role),
    )

    def filter(self, qs, params, engine, cells):
        chosen = [
            c
            for c in cells.values()
            if (not params.matrix or c.matrix_slug == params.matrix)
            and (not params.cell or c.key.lower() == params.cell.lower())
        ]
        qs = qs.filter(engine.placement_filter([c.pk for c in chosen], params.role))
        active = []
        if params.matrix:
            name = chosen[0].matrix_title if chosen else params.matrix
            active.append((name, params.url(matrix="")))
        if params.cell:
            name = f"Cell {chosen[0].matrix_name} {chosen[0].code}" if chosen else params.cell
            active.append((name, params.url(cell="")))
        if params.role:
            active.append((f"Role: {Role(params.role).label}", params.url(role="")))
        return qs, active

    def count_sql(self, engine):
        roles = "SELECT 'S' AS code UNION ALL SELECT 'K' UNION ALL SELECT 'R' UNION ALL SELECT 'G'"
        return [
            "SELECT 'cell', CAST(cell AS TEXT), COUNT(*), '' FROM p GROUP BY cell",
            "SELECT 'matrix', CAST(matrix AS TEXT), COUNT(DISTINCT id), '' FROM p GROUP BY matrix",
            f"SELECT 'role', r.code, COUNT(DISTINCT p.id), '' FROM p, ({roles}) AS r "
            "WHERE p.roles LIKE '%%' || r.code || '%%' GROUP BY r.code",
        ]

    def show(self, page, counts, labels, params, cells):
        matrices = {c.matrix_id: c for c in cells.values()}  # a cell of each, for its names
        matrix_counts = dict(counts.get("matrix", []))
        page.facets["matrix"] = [
            FacetValue(m.matrix_title, matrix_counts[str(pk)],
                       params.url(matrix=m.matrix_slug, cell=""), params.matrix == m.matrix_slug)
            for pk, m in sorted(matrices.items(), key=lambda i: i[1].matrix_position)
            if matrix_counts.get(str(pk))
        ]  # fmt: skip
        cell_counts = dict(counts.get("cell", []))
        page.facets["cell"] = sorted(
            (
                FacetValue(f"{c.matrix_name} {c.code}: {c.short_title}", cell_counts[str(pk)],
                           params.url(cell=c.key, matrix=""),
                           params.cell.lower() == c.key.lower())
                for pk, c in cells.items() if cell_counts.get(str(pk))
            ),
            key=lambda f: (-f.count, f.label),
        )[:15]  # fmt: skip
        role_counts = dict(counts.get("role", []))
        page.facets["role"] = [
            FacetValue(role.label, role_counts[role.value], params.url(role=role.value),
                       params.role == role.value)
            for role in Role if role_counts.get(role.value)
        ]  # fmt: skip
        return [
            Shown("Matrix", page.facets["matrix"]),
            Shown("Matrix cell", page.facets["cell"]),
            Shown("Role in a cell", page.facets["role"]),
        ]


class Consultation(Facet):
    """Consultation drafts (only those who may see drafts are shown any)."""

    name = "consultation"
    params = (Param("consultation", "consultation", flag, "flag"),)
    reads = ("doc_status",)

    def filter(self, qs, params, engine, cells):
        qs = qs.filter(doc_status=Document.Status.CONSULTATION)
        return qs, [("Consultation drafts", params.url(consultation=""))]

    def count_sql(self, engine):
        return ["SELECT 'status', doc_status, COUNT(*), '' FROM m GROUP BY doc_status"]

    def show(self, page, counts, labels, params, cells):
        statuses = dict(counts.get("status", []))
        drafts = statuses.get(Document.Status.CONSULTATION, 0)
        page.facets["consultation"] = (
            [FacetValue("Consultation drafts only", drafts, params.url(consultation="1"),
                        params.consultation)]
            if drafts else []
        )  # fmt: skip
        return [Shown("Consultation", page.facets["consultation"])]


class FreeCopy(Facet):
    """Documents with a free copy to read (``Document.free_url``)."""

    name = "free"
    params = (Param("free", "free", flag, "flag"),)
    columns = {"free_copy": lambda document: bool(document.free_url)}

    def filter(self, qs, params, engine, cells):
        return qs.filter(free_copy=True), [("With a free copy", params.url(free=""))]

    def count_sql(self, engine):
        return ["SELECT 'free', '1', COUNT(*), '' FROM m WHERE free_copy"]

    def show(self, page, counts, labels, params, cells):
        free = dict(counts.get("free", [])).get("1", 0)
        page.facets["free"] = (
            [FacetValue("With a free copy", free, params.url(free="1"), params.free)]
            if free else []
        )  # fmt: skip
        return [Shown("Free copy", page.facets["free"])]


for facet in (Kind(), Years(), Subject(), Placement(), *FACETS, Consultation(), FreeCopy()):
    registry.register(facet)
