"""The search page, put together: parameters in, everything the template shows out.

Every part asks through the visibility rule: documents through ``Document.public_q`` (on the
index's copy of its fields), cells, bite sections and topics through their own ``public_q``,
facet cells through ``Cell.objects.visible_to``, and "did you mean" only offers a correction
that finds something the user may see.
"""

import html
import math
import re
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.urls import reverse
from taggit.models import Tag

from editorial.visibility import sees_unpublished
from matrix.models import BiteSection, Cell, CellEntry, CellLabel, Role
from ops.inputs import whole_number
from studies.models import Document, DocumentAuthor

from . import backends
from .models import SearchEntry, SynonymGroup
from .query import parse, stem, words_of

PAGE_SIZE = 20
MAX_PAGE = 500  # deeper pages are refused: nobody reads them, and OFFSET grows with them
YEARS = (1000, 2999)  # what a year filter may be
SORTS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}
FACET_PARAMS = ("kind", "from", "to", "subject", "matrix", "cell", "role", "consultation")
# Above this many matches, the total and the facet counts are estimated from a sample of the
# index (shown as "about"), as large search engines do: counting 60,000 matches exactly costs
# a second, and nobody needs to know it is 59,008 rather than about 59,000.
ESTIMATE_ABOVE = 2000
HIGHLIGHT_RE = re.compile(f"{backends.START}(.*?){backends.STOP}", re.S)


@dataclass
class SearchParams:
    """The state of a search, exactly as its address holds it."""

    q: str = ""
    kind: str = ""
    year_from: int | None = None
    year_to: int | None = None
    subject: str = ""
    matrix: str = ""
    cell: str = ""  # "alcohol/E4"
    role: str = ""
    consultation: bool = False
    sort: str = ""
    page: int = 1
    problems: list = field(default_factory=list)

    @classmethod
    def from_query_dict(cls, data):
        """Read request.GET; anything unusable is dropped with a note saying so."""
        p = cls(q=" ".join(data.get("q", "").split())[:200])
        p.kind = data.get("kind", "") if data.get("kind", "") in Document.Kind.values else ""
        if data.get("kind") and not p.kind:
            p.problems.append(
                f"“{data['kind'][:40]}” is not a kind of document; showing all kinds."
            )
        for name, attr in (("from", "year_from"), ("to", "year_to")):
            value = data.get(name, "").strip()
            if value:
                year = whole_number(value, *YEARS)
                if year:
                    setattr(p, attr, year)
                else:
                    p.problems.append(f"“{value[:20]}” is not a year; that limit is left out.")
        if p.year_from and p.year_to and p.year_from > p.year_to:
            p.year_from, p.year_to = p.year_to, p.year_from
        p.subject = data.get("subject", "")[:100]
        p.matrix = data.get("matrix", "")[:50]
        p.cell = data.get("cell", "")[:60]
        role = data.get("role", "").upper()
        p.role = role if role in Role.values else ""
        p.consultation = data.get("consultation") in ("1", "on", "yes")
        sort = data.get("sort", "")
        p.sort = sort if sort in SORTS else ""
        page = data.get("page", "")
        number = whole_number(page, 1, MAX_PAGE)
        p.page = number or 1
        if number is None and page.strip():
            p.problems.append(f"There is no page “{page[:20]}”; showing the first page.")
        return p

    @property
    def effective_sort(self):
        return self.sort or ("relevance" if self.q else "newest")

    def as_dict(self, **changes):
        values = {
            "q": self.q,
            "kind": self.kind,
            "from": self.year_from or "",
            "to": self.year_to or "",
            "subject": self.subject,
            "matrix": self.matrix,
            "cell": self.cell,
            "role": self.role,
            "consultation": "1" if self.consultation else "",
            "sort": self.sort,
            "page": self.page if self.page > 1 else "",
        }
        values.update(changes)
        if "page" not in changes and any(k != "sort" for k in changes):
            values["page"] = ""  # a new filter starts again at page 1
        return {k: v for k, v in values.items() if v not in ("", None, False)}

    def hidden(self, *leave_out):
        """(name, value) of this search's parameters but ``leave_out``, for a form's hidden
        inputs (a form changing one thing keeps the rest of the search)."""
        values = self.as_dict(page="")
        return [(k, v) for k, v in values.items() if k not in leave_out]

    def url(self, **changes):
        """This search's address with ``changes`` (a value of "" removes a parameter)."""
        query = urlencode(self.as_dict(**changes))
        return f"?{query}" if query else "?"

    @property
    def has_filters(self):
        return any(
            (
                self.kind,
                self.year_from,
                self.year_to,
                self.subject,
                self.matrix,
                self.cell,
                self.role,
                self.consultation,
            )
        )

    @property
    def is_blank(self):
        return not self.q and not self.has_filters


@dataclass
class FacetValue:
    label: str
    count: int
    url: str
    selected: bool = False
    value: str = ""


@dataclass
class DocumentResult:
    document: Document
    snippet: str
    places: list  # [Place]: where readers find it in the matrices


@dataclass(slots=True)
class Place:
    """A cell a result sits in (as the page's CellLabel), with its roles and headline there."""

    cell: CellLabel
    roles: str
    headline: str
    document_slug: str

    @property
    def role_list(self):
        return [Role(code) for code in self.roles]

    def get_absolute_url(self):
        return f"{self.cell.get_absolute_url()}#{CellEntry.anchor_for(self.document_slug)}"


@dataclass(slots=True)
class SectionHit:
    """A Matrix Bite section a search finds."""

    display_heading: str
    anchor: str
    cell: CellLabel

    def get_absolute_url(self):
        return BiteSection.address(self.cell.get_absolute_url(), self.anchor)


@dataclass(slots=True)
class TopicHit:
    """A hot topic a search finds."""

    title: str
    slug: str
    is_public: bool

    def get_absolute_url(self):
        return reverse("topics:topic", args=[self.slug])


class Hit(NamedTuple):
    """A row of ``Backend.page``: an index row found, with what a result shows of it."""

    entry_id: int
    document_id: int
    snippet: str
    kind: str
    status: str
    year: int | None
    placements: list
    listing: dict


class DocumentListing:
    """What a list of results (and the API's summary) shows of a document, read with the
    index row that found it (``SearchText.listing``, kept current when it is saved)."""

    __slots__ = (
        "pk",
        "kind",
        "status",
        "year",
        "slug",
        "title",
        "short_citation",
        "source",
        "standfirst_html",
    )

    def __init__(self, hit):
        self.pk, self.kind, self.status, self.year = hit.document_id, hit.kind, hit.status, hit.year
        listing = hit.listing
        self.slug, self.title, self.short_citation = (
            listing["slug"],
            listing["title"],
            listing["citation"],
        )
        self.source, self.standfirst_html = listing["source"], listing["standfirst_html"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return Document.address(self.slug)

    def get_kind_display(self):
        return Document.Kind(self.kind).label

    @property
    def is_public(self):
        return Document.status_is_public(self.status)

    @property
    def is_consultation_draft(self):
        return self.status == Document.Status.CONSULTATION


@dataclass
class Pager:
    number: int
    count: int
    size: int = PAGE_SIZE

    @property
    def num_pages(self):
        return max(1, min(MAX_PAGE, math.ceil(self.count / self.size)))

    @property
    def start_index(self):
        return (self.number - 1) * self.size + 1

    @property
    def end_index(self):
        return min(self.count, self.number * self.size)

    def links(self, params):
        """(number or None for a gap, its address, whether it is this page)."""
        return [(n, params.url(page=n) if n else "", n == self.number) for n in self.numbers()]

    def previous_url(self, params):
        return params.url(page=self.number - 1) if self.number > 1 else ""

    def next_url(self, params):
        return params.url(page=self.number + 1) if self.number < self.num_pages else ""

    def numbers(self):
        """Page numbers to link, with None for a gap: 1 … 4 5 [6] 7 8 … 40."""
        last = self.num_pages
        shown = {1, last} | set(range(max(1, self.number - 2), min(last, self.number + 2) + 1))
        result, previous = [], 0
        for n in sorted(shown):
            if n - previous > 1:
                result.append(None)
            result.append(n)
            previous = n
        return result


@dataclass
class SearchPage:
    params: SearchParams
    query: object = None
    error: str = ""
    total: int = 0
    estimated: bool = False  # total and facet counts are estimates ("about")
    results: list = field(default_factory=list)
    pager: Pager = None
    groups: dict = field(default_factory=dict)  # "cells" / "sections" / "topics" -> list
    facets: dict = field(default_factory=dict)  # name -> [FacetValue]
    years: tuple = (None, None)
    active: list = field(default_factory=list)  # (label, url removing it)
    did_you_mean: str = ""
    any_words: str = ""
    near_subjects: list = field(default_factory=list)
    near_cells: list = field(default_factory=list)
    sorts: list = field(default_factory=list)
    page_links: list = field(default_factory=list)
    previous_url: str = ""
    next_url: str = ""

    @property
    def total_text(self):
        return f"{self.total:,}"

    @property
    def exact_up_to(self):
        return f"{ESTIMATE_ABOVE:,}"

    @property
    def nothing_found(self):
        return not self.total and not any(self.groups.values())


def highlight(snippet):
    """Escape a snippet, then turn only our own markers into <mark>."""
    escaped = html.escape(snippet.replace("\n", " "), quote=False)
    return (
        HIGHLIGHT_RE.sub(r"<mark>\1</mark>", escaped)
        .replace(backends.START, "")
        .replace(backends.STOP, "")
    )


def synonym_groups():
    terms = SynonymGroup.objects.order_by("pk").values_list("terms", flat=True)
    return [SynonymGroup.terms_in(text) for text in terms]


def visible_entries(user, kinds):
    qs = SearchEntry.objects.filter(kind__in=kinds)
    return qs if sees_unpublished(user) else qs.filter(SearchEntry.public_q(kinds=kinds))


DOCUMENTS = [SearchEntry.Kind.DOCUMENT]
PAGES = [SearchEntry.Kind.CELL, SearchEntry.Kind.SECTION, SearchEntry.Kind.TOPIC]


def search_page(user, params, browse=False, listing=False):
    """``browse``: with no words and no filters, list every document (newest first) rather
    than show the empty search form. ``listing``: results carry what a list shows of each
    document (DocumentListing), not the document itself (feeds and exports need all of it)."""
    page = SearchPage(params=params)
    page.sorts = [
        FacetValue(label, 0, params.url(sort=key), params.effective_sort == key, key)
        for key, label in SORTS.items()
        if params.q or key != "relevance"
    ]
    if params.is_blank and not browse:
        return page
    groups = synonym_groups()
    query = parse(params.q, groups)
    page.query = query
    if query.error:
        page.error = query.error
        return page
    if params.q and query.is_empty:
        page.error = (
            f"“{params.q}” has no words the search can use: very common words such as “the” "
            "and punctuation are left out. Try other words."
        )
        return page
    engine = backends.backend()
    cells = Cell.objects.visible_to(user).labels()
    documents = visible_entries(user, DOCUMENTS)
    documents, active = _apply_filters(documents, params, engine, cells)
    page.active = active
    matched = documents if query.is_empty else documents.filter(engine.match(query))
    rows = _facet_rows(page, engine, matched, cells)
    page.total = next(count for facet, _, count, _ in rows if facet == "total")
    page.pager = Pager(number=params.page, count=page.total)
    if params.page > page.pager.num_pages:
        page.pager.number = params.page = 1
    page.page_links = page.pager.links(params)
    page.previous_url = page.pager.previous_url(params)
    page.next_url = page.pager.next_url(params)
    _build_facets(page, rows, params, cells)
    if page.total:
        offset = (page.pager.number - 1) * PAGE_SIZE
        hits = engine.page(documents, query, params.effective_sort, page.total, offset, PAGE_SIZE)
        page.results = _results([Hit(*row) for row in hits], cells, listing)
    if not query.is_empty and page.pager.number == 1:
        page.groups = _groups(user, query, engine, cells)
    if not page.total and not query.is_empty:
        _suggest(page, user, query, engine, groups, cells)
    return page


def documents_matching(user, text):
    query = parse(text, synonym_groups())
    if query.error or query.is_empty:
        return SearchEntry.objects.none().values_list("document_id", flat=True)
    entries = visible_entries(user, DOCUMENTS).filter(backends.backend().match(query))
    return entries.values_list("document_id", flat=True)


def _facet_rows(page, engine, matched, cells):
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


def _apply_filters(qs, params, engine, cells):
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


def _build_facets(page, rows, params, cells):
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
            f"{d}s",
            n,
            params.url(**{"from": d, "to": d + 9}),
            params.year_from == d and params.year_to == d + 9,
        )
        for d, n in decades
    ]
    low, high = (counts.get("years") or [(None, None)])[0]
    page.years = (int(low) if low else None, int(high) if high else None)
    statuses = dict(counts.get("status", []))
    consultation = statuses.get(Document.Status.CONSULTATION, 0)
    page.facets["consultation"] = (
        [
            FacetValue(
                "Consultation drafts only",
                consultation,
                params.url(consultation="1"),
                params.consultation,
            )
        ]
        if consultation
        else []
    )
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
        FacetValue(
            role.label,
            role_counts[role.value],
            params.url(role=role.value),
            params.role == role.value,
        )
        for role in Role
        if role_counts.get(role.value)
    ]


def _results(hits, cells, listing):
    """The page's results. With ``listing``, each document is read from its index row (a
    DocumentListing); otherwise whole, with its authors (feeds and exports cite it in full).
    Its places are its index row's placements in cells the user may see."""
    documents = {}
    if listing:
        documents = {h.document_id: DocumentListing(h) for h in hits if h.listing}
    missing = [h.document_id for h in hits if h.document_id not in documents]
    if missing:  # rows indexed before listings were kept: read those documents whole
        documents.update(
            (d.pk, d)
            for d in Document.objects.filter(pk__in=missing).prefetch_related(
                Prefetch("authorships", queryset=DocumentAuthor.objects.order_by("position", "pk"))
            )
        )
    results = []
    for hit in hits:
        document = documents.get(hit.document_id)
        if document is None:
            continue
        places = sorted(
            (
                Place(cells[cell_id], roles, headline[0] if headline else "", document.slug)
                for cell_id, _, roles, *headline in hit.placements
                if cell_id in cells
            ),
            key=lambda place: place.cell.order,
        )
        results.append(DocumentResult(document, highlight(hit.snippet), places))
    return results


def _groups(user, query, engine, cells, limit=8):
    """Matching cells (as the page's CellLabels), Matrix Bite sections and hot topics (those
    the user may see), in one query over the few hundred index rows that are not documents."""
    # The match is a selected column, not a condition: as a condition the planner may read
    # the word's whole posting list (every document with it) to find a few dozen pages.
    rows = (
        visible_entries(user, PAGES)
        .annotate(hit=engine.match(query))
        .order_by("kind", "id")
        .values_list(
            "kind", "hit", "cell_id", "section__cell_id", "section__heading", "section__kind",
            "section__anchor", "topic__title", "topic__slug", "topic__published",
        )
    )  # fmt: skip
    groups = {"cells": [], "sections": [], "topics": []}
    for kind, hit, cell_id, section_cell, heading, section_kind, anchor, *topic in rows:
        if not hit:
            continue
        if kind == SearchEntry.Kind.CELL and cell_id in cells:
            found, name = cells[cell_id], "cells"
        elif kind == SearchEntry.Kind.SECTION and section_cell in cells:
            heading = BiteSection.heading_for(heading, section_kind)
            found, name = SectionHit(heading, anchor, cells[section_cell]), "sections"
        elif kind == SearchEntry.Kind.TOPIC:
            found, name = TopicHit(*topic), "topics"
        else:
            continue
        if len(groups[name]) < limit:
            groups[name].append(found)
    return groups


def _count(user, query, engine):
    return visible_entries(user, DOCUMENTS).filter(engine.match(query)).count()


def _suggest(page, user, query, engine, groups, cells):
    """Never a bare "no results": a corrected spelling that finds something, the words
    joined by "or", and the nearest subjects and cells."""
    words = [w for w in query.words() if w.isalpha() and len(w) > 2]
    known = engine.known_words(words)
    corrected = page.params.q
    changed = False
    for word in words:
        if word in known:
            continue
        better = engine.suggest_word(word)
        if better and better != word:
            corrected = re.sub(rf"(?i)\b{re.escape(word)}\b", better, corrected)
            changed = True
    if changed:
        retry = parse(corrected, groups)
        if not retry.error and _count(user, retry, engine):
            page.did_you_mean = corrected
    plain = words_of(page.params.q)
    if len(plain) > 1:
        any_words = " or ".join(plain)
        retry = parse(any_words, groups)
        if not retry.error and not retry.is_empty and _count(user, retry, engine):
            page.any_words = any_words
    stems = {stem(w) for w in words_of(page.params.q)}
    page.near_subjects = _near_subjects(user, page.params.q, stems)
    page.near_cells = _near_cells(stems, cells)


def _near_subjects(user, text, stems, limit=6):
    import difflib

    visible = Document.objects.visible_to(user)
    tags = Tag.objects.filter(
        taggit_taggeditem_items__object_id__in=visible.values("pk"),
        taggit_taggeditem_items__content_type__model="document",
    ).distinct()
    scored = []
    for tag in tags:
        tag_stems = {stem(w) for w in words_of(tag.name)}
        overlap = len(stems & tag_stems)
        ratio = difflib.SequenceMatcher(None, text.lower(), tag.name.lower()).ratio()
        if overlap or ratio >= 0.6:
            scored.append((-overlap, -ratio, tag.name.lower(), tag))
    return [tag for *_, tag in sorted(scored)[:limit]]


def _near_cells(stems, cells, limit=6):
    scored = []
    for cell in cells.values():
        overlap = len(stems & {stem(w) for w in words_of(cell.words)})
        if overlap:
            scored.append((-overlap, not cell.has_content, cell.matrix_position, cell.code, cell))
    return [cell for *_, cell in sorted(scored, key=lambda s: s[:4])[:limit]]


def documents_for_export(user, params, limit=PAGE_SIZE):
    """The documents of one page of results, in order, for RIS/BibTeX/CSL-JSON export."""
    page = search_page(user, params)
    return [result.document for result in page.results], page
