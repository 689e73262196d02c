"""The open, read-only API at /api/v1/ (django-ninja: the schemas below are the OpenAPI
description, rendered at /api/v1/docs with the Swagger UI files ninja ships).

It always answers as an anonymous reader would see the site, whoever asks: drafts,
unpublished cells and topics are never in it; every answer may be kept by any cache and is
revalidated with its ETag (Cache-Control: public, no-cache); it may be read from any origin
(CORS, see settings).
"""

from typing import Annotated
from urllib.parse import urlencode

from django.http import Http404, HttpRequest
from django.middleware.http import ConditionalGetMiddleware
from django.urls import reverse
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.cache import cache_control
from ninja import NinjaAPI, Query, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from pydantic import BeforeValidator, Field

from citations.csl import csl_item
from citations.styles import formatted
from matrix.models import Cell, Matrix
from ops.inputs import whole_number
from search.limits import guarded
from search.models import SearchEntry
from search.params import MAX_PAGE, YEARS, SearchParams
from studies.models import Document
from subjects.models import MAX_PAGE as SUBJECT_MAX_PAGE
from subjects.models import Subject
from topics.models import HotTopic

READER = None  # the API shows what an anonymous reader sees

api = NinjaAPI(
    title="Evidence Bank API",
    version="1",
    description=(
        "Read-only JSON for the Evidence Bank: the two treatment matrices, their cells and "
        "entries, the documents in the bank with full citations, hot topics, subjects and "
        "search. Everything readers of the site may see, and nothing else."
    ),
    urls_namespace="api",
    docs_url="/docs",
)
cacheable = (
    decorator_from_middleware(ConditionalGetMiddleware),
    # Any cache may keep an answer but must ask again each time (a 304 when nothing changed):
    # a document just hidden is never served from a copy.
    cache_control(public=True, no_cache=True),
)


def absolute(request, path):
    return request.build_absolute_uri(path)


# Schemas -------------------------------------------------------------------------------------


class Link(Schema):
    title: str
    url: str
    api_url: str = ""


class RoleCount(Schema):
    role: str
    label: str
    count: int


class CellSummary(Schema):
    code: str
    # None while readers cannot see the cell (in preparation): only its code and place show.
    title: str | None
    url: str | None
    api_url: str | None
    has_content: bool
    counts: list[RoleCount]


class MatrixSummary(Schema):
    slug: str
    title: str
    url: str
    api_url: str


class MatrixDetail(MatrixSummary):
    rows: list[list[CellSummary]]


class DocumentSummary(Schema):
    slug: str
    kind: str
    title: str
    year: int | None
    citation: str
    status: str
    url: str
    api_url: str


class Place(Schema):
    cell: str
    title: str
    url: str
    roles: list[str]
    headline: str


class Citation(Schema):
    csl: dict
    apa: str
    vancouver: str
    ris: str
    bibtex: str
    csl_json: str


class DocumentDetail(DocumentSummary):
    authors: list[str]
    authors_et_al: bool
    source: str
    jurisdiction: str
    volume: str
    issue: str
    pages: str
    doi: str
    pmid: str
    publisher_url: str
    free_url: str
    standfirst_html: str
    key_points_html: str
    abstract_html: str
    commentary_html: str
    subjects: list[Link]
    appears_in: list[Place]
    first_published: str | None
    last_revised: str | None
    cite: Citation


class Entry(Schema):
    roles: list[str]
    headline: str
    annotation_html: str
    document: DocumentSummary


class CellDetail(Schema):
    matrix: str
    code: str
    title: str
    url: str
    scope_html: str
    more_search: str
    entries: list[Entry]
    bite_sections: list[Link]
    first_uploaded: str | None
    last_revised: str | None


class TopicSummary(Schema):
    slug: str
    title: str
    url: str
    api_url: str


class TopicDetail(TopicSummary):
    standfirst_html: str
    essay_html: str
    search: str
    documents: list[DocumentSummary]


class SubjectSummary(Schema):
    slug: str
    name: str
    documents: int
    url: str
    api_url: str


class FacetValueOut(Schema):
    label: str
    count: int
    selected: bool


class Page(Schema):
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None


class DocumentPage(Page):
    results: list[DocumentSummary]
    facets: dict[str, list[FacetValueOut]]


class SearchResult(DocumentSummary):
    snippet_html: str
    appears_in: list[Place]


class SearchAnswer(Page):
    query: str
    understood_as: str
    results: list[SearchResult]
    facets: dict[str, list[FacetValueOut]]
    cells: list[Link]
    bite_sections: list[Link]
    topics: list[Link]
    did_you_mean: str | None


class SubjectPage(Page):
    subject: SubjectSummary
    results: list[DocumentSummary]


def whole_number_between(low, high):
    """An int parameter read by the pages' own rule (``ops.inputs.whole_number``): ASCII
    digits from ``low`` to ``high``; anything else is refused with 422 and says so."""

    def read(value):
        number = whole_number(str(value), low, high)
        if number is None:
            raise ValueError(f"Expected a whole number from {low} to {high}, in digits 0-9.")
        return number

    # Field's bounds only describe the parameter in the OpenAPI document; read() checks them.
    return Annotated[int, BeforeValidator(read), Field(ge=low, le=high)]


Year = whole_number_between(*YEARS)
SearchPageNumber = whole_number_between(1, MAX_PAGE)
SubjectPageNumber = whole_number_between(1, SUBJECT_MAX_PAGE)


class SearchFilters(Schema):
    q: str = ""
    kind: str = ""
    year_from: Year | None = None
    year_to: Year | None = None
    subject: str = ""
    matrix: str = ""
    cell: str = ""
    role: str = ""
    consultation: bool = False
    sort: str = ""
    page: SearchPageNumber = 1


# Shaping -------------------------------------------------------------------------------------


def document_summary(request, document):
    return {
        "slug": document.slug,
        "kind": document.kind,
        "title": document.title,
        "year": document.year,
        "citation": document.short_citation,
        "status": document.status,
        "url": absolute(request, document.get_absolute_url()),
        "api_url": absolute(request, reverse("api:document", args=[document.slug])),
    }


def place(request, entry):
    return {
        "cell": entry.cell.key,
        "title": entry.cell.title,
        "url": absolute(request, entry.get_absolute_url()),
        "roles": list(entry.roles),
        "headline": entry.headline,
    }


def cell_summary(request, cell):
    if not cell.shown:
        return {"code": cell.code, "title": None, "url": None, "api_url": None,
                "has_content": False, "counts": _counts(cell)}  # fmt: skip
    return {
        "code": cell.code,
        "title": cell.title,
        "url": absolute(request, cell.get_absolute_url()),
        "api_url": absolute(request, reverse("api:cell", args=[cell.matrix.slug, cell.code])),
        "has_content": bool(cell.entry_count or cell.scope_html),
        "counts": _counts(cell),
    }


def _counts(cell):
    return [
        {"role": role.value, "label": role.label, "count": count}
        for role, count in cell.role_counts
    ]


def _date(value):
    return value.isoformat() if value else None


API_NAMES = {"from": "year_from", "to": "year_to"}


def _page_links(request, params, pager):
    def at(number):
        query = {API_NAMES.get(k, k): v for k, v in params.as_dict(page=number).items()}
        return absolute(request, f"{request.path}?{urlencode(query)}")

    return {
        "count": pager.count,
        "page": pager.number,
        "pages": pager.num_pages,
        "next": at(pager.number + 1) if pager.number < pager.num_pages else None,
        "previous": at(pager.number - 1) if pager.number > 1 else None,
    }


def _params(filters):
    data = filters.dict()
    data["from"] = str(data.pop("year_from") or "")
    data["to"] = str(data.pop("year_to") or "")
    data["consultation"] = "1" if data["consultation"] else ""
    data["page"] = str(data["page"])
    return SearchParams.from_query_dict({k: v for k, v in data.items() if v not in (None,)})


def _facets(page):
    return {
        name: [{"label": v.label, "count": v.count, "selected": v.selected} for v in values]
        for name, values in page.facets.items()
    }


# Endpoints -----------------------------------------------------------------------------------


@api.get("/matrices", response=list[MatrixSummary], url_name="matrices", tags=["matrices"])
@decorate_view(*cacheable)
def matrices(request: HttpRequest):
    return [
        {
            "slug": m.slug,
            "title": m.title,
            "url": absolute(request, m.get_absolute_url()),
            "api_url": absolute(request, reverse("api:matrix", args=[m.slug])),
        }
        for m in Matrix.objects.order_by("position")
    ]


@api.get("/matrices/{slug}", response=MatrixDetail, url_name="matrix", tags=["matrices"])
@decorate_view(*cacheable)
def matrix(request: HttpRequest, slug: str):
    """A matrix's grid: rows of cells with the S/K/R/G counts readers see."""
    try:
        grid = Matrix.objects.grid_page(READER, slug)
    except Matrix.DoesNotExist:
        raise Http404("No such matrix.") from None
    return {
        "slug": grid.matrix.slug,
        "title": grid.matrix.title,
        "url": absolute(request, grid.matrix.get_absolute_url()),
        "api_url": absolute(request, reverse("api:matrix", args=[slug])),
        "rows": [[cell_summary(request, c) for c in cells] for _, cells in grid.rows],
    }


@api.get("/matrices/{slug}/cells/{code}", response=CellDetail, url_name="cell", tags=["matrices"])
@decorate_view(*cacheable)
def cell(request: HttpRequest, slug: str, code: str):
    """A cell with its entries in order, each with its roles, headline and annotation."""
    try:
        page = Cell.objects.cell_page(READER, slug, code.upper())
    except (Cell.DoesNotExist, ValueError, IndexError):
        raise Http404("No such cell.") from None
    c = page.cell
    return {
        "matrix": c.matrix.slug,
        "code": c.code,
        "title": c.title,
        "url": absolute(request, c.get_absolute_url()),
        "scope_html": c.scope_html,
        "more_search": absolute(request, reverse("search") + "?q=" + c.more_query)
        if c.more_query
        else "",
        "entries": [
            {
                "roles": list(e.roles),
                "headline": e.headline,
                "annotation_html": e.annotation_html,
                "document": document_summary(request, e.document),
            }
            for _, entries in page.groups
            for e in entries
        ],
        "bite_sections": [
            {"title": s.display_heading, "url": absolute(request, s.get_absolute_url())}
            for s in page.sections + page.issues
        ],
        "first_uploaded": _date(c.first_uploaded),
        "last_revised": _date(c.last_revised),
    }


@api.get("/documents", response=DocumentPage, url_name="documents", tags=["documents"])
@decorate_view(*cacheable, guarded("json"))  # it runs the search engine
def documents(request: HttpRequest, filters: Query[SearchFilters]):
    """Documents, 20 a page, filtered by the same facets as the search page (and words)."""
    params = _params(filters)
    page = SearchEntry.objects.search_page(READER, params, browse=True, listing=True)
    if page.error:
        raise HttpError(400, page.error)
    return {
        **_page_links(request, params, page.pager),
        "results": [document_summary(request, r.document) for r in page.results],
        "facets": _facets(page),
    }


@api.get("/documents/{slug}", response=DocumentDetail, url_name="document", tags=["documents"])
@decorate_view(*cacheable)
def document(request: HttpRequest, slug: str):
    """A document with its full citation: CSL-JSON, APA, Vancouver, RIS and BibTeX."""
    from citations.formats import WRITERS

    try:
        page = Document.objects.document_page(READER, slug)
    except Document.DoesNotExist:
        raise Http404("No such document.") from None
    d = page.document
    page_url = absolute(request, d.get_absolute_url())
    item = csl_item(d, page_url)
    styles = formatted(item)
    extra = {d.slug: {"page_url": page_url, "et_al": d.authors_et_al}}
    return {
        **document_summary(request, d),
        "authors": [a.name for a in d.authorships.all()],
        "authors_et_al": d.authors_et_al,
        "source": d.source,
        "jurisdiction": d.jurisdiction,
        "volume": d.volume,
        "issue": d.issue,
        "pages": d.pages,
        "doi": d.doi,
        "pmid": d.pmid,
        "publisher_url": d.url,
        "free_url": d.free_url,
        "standfirst_html": d.standfirst_html,
        "key_points_html": d.key_points_html,
        "abstract_html": d.abstract_html,
        "commentary_html": d.commentary_html,
        "subjects": [
            {
                "title": t.name,
                "url": absolute(request, reverse("subjects:subject", args=[t.slug])),
                "api_url": absolute(request, reverse("api:subject", args=[t.slug])),
            }
            for t in d.tags.all()
        ],
        "appears_in": [
            {
                "cell": "",
                "title": p.title,
                "url": absolute(request, p.url),
                "roles": [r.value for r in p.roles],
                "headline": p.headline,
            }
            for p in page.appearances
            if p.kind == "cell"
        ],  # fmt: skip
        "first_published": _date(d.first_published),
        "last_revised": _date(d.last_revised),
        "cite": {
            "csl": item,
            "apa": styles["apa"][1],
            "vancouver": styles["vancouver"][1],
            "ris": WRITERS["ris"]([item], extra),
            "bibtex": WRITERS["bib"]([item], extra),
            "csl_json": WRITERS["json"]([item], extra),
        },
    }


@api.get("/topics", response=list[TopicSummary], url_name="topics", tags=["topics"])
@decorate_view(*cacheable)
def topics(request: HttpRequest):
    return [
        {
            "slug": t.slug,
            "title": t.title,
            "url": absolute(request, t.get_absolute_url()),
            "api_url": absolute(request, reverse("api:topic", args=[t.slug])),
        }
        for t in HotTopic.objects.topic_list(READER)
    ]


@api.get("/topics/{slug}", response=TopicDetail, url_name="topic", tags=["topics"])
@decorate_view(*cacheable)
def topic(request: HttpRequest, slug: str):
    try:
        page = HotTopic.objects.topic_page(READER, slug)
    except HotTopic.DoesNotExist:
        raise Http404("No such hot topic.") from None
    t = page.topic
    return {
        "slug": t.slug,
        "title": t.title,
        "url": absolute(request, t.get_absolute_url()),
        "api_url": absolute(request, reverse("api:topic", args=[t.slug])),
        "standfirst_html": t.standfirst_html,
        "essay_html": t.essay_html,
        "search": absolute(request, reverse("search") + "?q=" + t.search_query),
        "documents": [document_summary(request, d) for d in page.documents],
    }


def subject_summary(request, s):
    return {
        "slug": s.slug,
        "name": s.name,
        "documents": s.documents,
        "url": absolute(request, s.get_absolute_url()),
        "api_url": absolute(request, reverse("api:subject", args=[s.slug])),
    }


@api.get("/subjects", response=list[SubjectSummary], url_name="subjects", tags=["subjects"])
@decorate_view(*cacheable)
def subjects(request: HttpRequest):
    """Every subject readers see, A–Z, with how many documents carry it."""
    return [
        subject_summary(request, s)
        for _, letter in Subject.objects.subject_list(READER)
        for s in letter
    ]


@api.get("/subjects/{slug}", response=SubjectPage, url_name="subject", tags=["subjects"])
@decorate_view(*cacheable)
def subject(request: HttpRequest, slug: str, page: SubjectPageNumber = 1):
    """Exactly the documents carrying a subject, newest first, 50 a page."""
    try:
        found = Subject.objects.subject_page(READER, slug, page)
    except Subject.DoesNotExist:
        raise Http404("No documents carry that subject.") from None
    p = found.page

    def at(number):
        return absolute(request, f"{request.path}?page={number}")

    return {
        "count": p.paginator.count,
        "page": p.number,
        "pages": p.paginator.num_pages,
        "next": at(p.next_page_number()) if p.has_next() else None,
        "previous": at(p.previous_page_number()) if p.has_previous() else None,
        "subject": subject_summary(request, found.subject),
        "results": [document_summary(request, d) for d in p.object_list],
    }


@api.get("/search", response=SearchAnswer, url_name="search", tags=["search"])
@decorate_view(*cacheable, guarded("json"))
def search(request: HttpRequest, filters: Query[SearchFilters]):
    """The search page as JSON: same words, syntax, synonyms, facets, sort and pages."""
    params = _params(filters)
    page = SearchEntry.objects.search_page(READER, params, listing=True)
    if page.error:
        raise HttpError(400, page.error)

    def link(obj, title):
        return {"title": title, "url": absolute(request, obj.get_absolute_url())}

    pager = page.pager or _EmptyPager()
    return {
        **_page_links(request, params, pager),
        "query": params.q,
        "understood_as": page.query.describe() if page.query else "",
        "results": [
            {
                **document_summary(request, r.document),
                "snippet_html": r.snippet,
                "appears_in": [place(request, e) for e in r.places],
            }
            for r in page.results
        ],
        "facets": _facets(page),
        "cells": [link(c, c.title) for c in page.groups.get("cells", [])],
        "bite_sections": [
            link(s, f"{s.display_heading} ({s.cell.title})")
            for s in page.groups.get("sections", [])
        ],
        "topics": [link(t, t.title) for t in page.groups.get("topics", [])],
        "did_you_mean": page.did_you_mean or None,
    }


class _EmptyPager:
    count = 0
    number = 1
    num_pages = 1
