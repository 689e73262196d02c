"""The matrices and their cells."""

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Router
from ninja.decorators import decorate_view

from api.common import (
    READER,
    absolute,
    appraisal,
    cacheable,
    cell_summary,
    document_summary,
    iso_date,
    verdict,
)
from api.errors import responses
from api.schemas import CellCode, CellDetail, MatrixDetail, MatrixSummary, Slug
from matrix.models import Cell, Matrix

router = Router()


@router.get(
    "/matrices", response=responses(list[MatrixSummary]), url_name="matrices", tags=["matrices"]
)
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


@router.get(
    "/matrices/{slug}", response=responses(MatrixDetail), url_name="matrix", tags=["matrices"]
)
@decorate_view(*cacheable)
def matrix(request: HttpRequest, slug: Slug):
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


@router.get(
    "/matrices/{slug}/cells/{code}",
    response=responses(CellDetail),
    url_name="cell",
    tags=["matrices"],
)
@decorate_view(*cacheable)
def cell(request: HttpRequest, slug: Slug, code: CellCode):
    """A cell with its verdict card and its entries in order, each with its roles,
    headline, annotation and certainty, and its document's appraisal."""
    try:
        page = Cell.objects.cell_page(READER, slug, code.upper(), appraised=True)
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
        "verdict": verdict(c),
        "entries": [
            {
                "roles": list(e.roles),
                "headline": e.headline,
                "annotation_html": e.annotation_html,
                "certainty": e.certainty,
                "certainty_reasons": list(e.certainty_reasons or []),
                "document": {
                    **document_summary(request, e.document),
                    "appraisal": appraisal(e.document),
                },
            }
            for _, entries in page.groups
            for e in entries
        ],
        "bite_sections": [
            {"title": s.display_heading, "url": absolute(request, s.get_absolute_url())}
            for s in page.sections + page.issues
        ],
        "first_uploaded": iso_date(c.first_uploaded),
        "last_revised": iso_date(c.last_revised),
    }
