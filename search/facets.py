"""Facets: the filters a search's parameters apply to the index, and the counts of each
facet's values over the matches (exact, or estimated from a sample when there are many)."""

from dataclasses import dataclass

from taggit.models import Tag

from matrix.models import Role
from studies.models import Document

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


def facet_rows(page, engine, matched, cells):
    """(facet, value, count, label) rows with the total: exact, or estimated from a sample of
    the index when there are more than ESTIMATE_ABOVE matches (``page.estimated``)."""
    facts = matched.values("id", "doc_kind", "year", "doc_status", "subjects", "placements")
    sql, params = facts.query.sql_with_params()
    if engine.more_than(sql, params, ESTIMATE_ABOVE):
        sample_sql, sample_params, sizes_sql, sizes_params = engine.sample(facts)
        facets_sql, cell_params = engine.facets_sql(sample_sql, cells, sizes_sql)
        rows = engine.run(facets_sql, [*sample_params, *cell_params, *sizes_params])
        sizes = {f: n for f, _, n, _ in rows if f in ("population", "sample")}
        scale = engine.scale(sizes)
        rows = [
            (f, v, n if f == "years" else _about(n * scale, n), label)
            for f, v, n, label in rows
            if f not in sizes
        ]
        # Trust the sample only when it agrees there are many; when the decision was the
        # planner's estimate and that was too high, count exactly after all.
        if next(n for f, _, n, _ in rows if f == "total") >= ESTIMATE_ABOVE:
            page.estimated = True
            return rows
    facets_sql, cell_params = engine.facets_sql(sql, cells)
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
    if params.kind:
        qs = qs.filter(doc_kind=params.kind)
        active.append((Document.Kind(params.kind).label, params.url(kind="")))
    if params.year_from:
        qs = qs.filter(year__gte=params.year_from)
        active.append((f"From {params.year_from}", params.url(**{"from": ""})))
    if params.year_to:
        qs = qs.filter(year__lte=params.year_to)
        active.append((f"To {params.year_to}", params.url(to="")))
    if params.consultation:
        qs = qs.filter(doc_status=Document.Status.CONSULTATION)
        active.append(("Consultation drafts", params.url(consultation="")))
    if params.subject:
        tag = Tag.objects.filter(slug=params.subject).first()
        qs = qs.filter(engine.subject_filter(tag.pk if tag else -1))
        active.append((f"Subject: {tag.name if tag else params.subject}", params.url(subject="")))
    if params.matrix or params.cell or params.role:
        chosen = [
            c
            for c in cells.values()
            if (not params.matrix or c.matrix_slug == params.matrix)
            and (not params.cell or c.key.lower() == params.cell.lower())
        ]
        qs = qs.filter(engine.placement_filter([c.pk for c in chosen], params.role))
        if params.matrix:
            name = chosen[0].matrix_title if chosen else params.matrix
            active.append((name, params.url(matrix="")))
        if params.cell:
            name = f"Cell {chosen[0].matrix_name} {chosen[0].code}" if chosen else params.cell
            active.append((name, params.url(cell="")))
        if params.role:
            active.append((f"Role: {Role(params.role).label}", params.url(role="")))
    return qs, active


def build_facets(page, rows, params, cells):
    counts, subject_names = {}, {}
    for facet, value, count, label in rows:
        counts.setdefault(facet, []).append((value, count))
        if facet == "subject":
            subject_names[value] = label
    kinds = dict(counts.get("kind", []))
    page.facets["kind"] = [
        FacetValue(label, kinds[value], params.url(kind=value), params.kind == value)
        for value, label in Document.Kind.choices
        if kinds.get(value)
    ]
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
    statuses = dict(counts.get("status", []))
    consultation = statuses.get(Document.Status.CONSULTATION, 0)
    page.facets["consultation"] = (
        [FacetValue("Consultation drafts only", consultation, params.url(consultation="1"),
                    params.consultation)]
        if consultation else []
    )  # fmt: skip
    page.facets["subject"] = sorted(
        (
            FacetValue(subject_names[slug], n, params.url(subject=slug), params.subject == slug)
            for slug, n in counts.get("subject", [])
        ),
        key=lambda f: (-f.count, f.label.lower()),
    )[:15]  # fmt: skip
    matrices = {c.matrix_id: c for c in cells.values()}  # a cell of each matrix, for its names
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
                       params.url(cell=c.key, matrix=""), params.cell.lower() == c.key.lower())
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
