from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header

from editorial.preview import previewed
from studies.appraisal import Certainty

from .evidence import headers, write_csv
from .filters import country_for_jurisdiction
from .models import AGE_BANDS, DEFAULT_GRID_VIEW, THIN_UP_TO, Cell, Matrix, Role, Row

COLUMN_CODES = "ABCDE"


def old_jurisdiction(request):
    """An address from before countries (``?jurisdiction=UK``), sent for good to the country
    it meant (``?country=GB``), its other parameters kept; else None."""
    if "jurisdiction" not in request.GET:
        return None
    query = request.GET.copy()
    word = query.pop("jurisdiction")[-1]
    if not query.get("country") and word.strip():
        query["country"] = country_for_jurisdiction(word)
    url = f"{request.path}?{query.urlencode()}" if query else request.path
    return redirect(url, permanent=True)


def unknown_choices_uncached(request, entry_filter):
    """A made-up ``?country=`` or ``?design=`` gets a message, and its page is not stored, so
    made-up values cannot fill the page cache."""
    if entry_filter.any_unknown:
        request.page_cache_skip = True


def grid_view_kept(grid):
    """The filter links keep the grid's view; coverage, the default, goes without saying."""
    return {} if grid.view == DEFAULT_GRID_VIEW else {"view": grid.view}


def matrix_detail(request, matrix):
    if moved := old_jurisdiction(request):
        return moved
    try:
        grid = Matrix.objects.grid_page(
            request.user, matrix, request.GET.get("country", ""), request.GET.get("view", "")
        )
    except Matrix.DoesNotExist:
        raise Http404("No such matrix.") from None
    grid.filter.link(grid.matrix.get_absolute_url(), keep=grid_view_kept(grid))
    unknown_choices_uncached(request, grid.filter)
    if grid.view_asked:  # a made-up view: coverage, said so, and not stored
        request.page_cache_skip = True
    row = request.GET.get("row", "")
    column = request.GET.get("col", "").upper()
    return render(
        request,
        "matrix/matrix.html",
        {
            "grid": grid,
            "matrix": grid.matrix,
            "filter": grid.filter,
            "thin_up_to": THIN_UP_TO,
            "highlight_row": int(row) if row in {"1", "2", "3", "4", "5"} else None,
            "highlight_col": column if len(column) == 1 and column in COLUMN_CODES else None,
            "roles": Role,
            "certainties": Certainty,
            "age_bands": AGE_BANDS,
        },
    )


def _upper_code(request, name, matrix, code):
    """A lowercase cell code is sent to the uppercase address, its query kept."""
    url = reverse(name, args=[matrix, code.upper()])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url, permanent=True)


def _filters(request):
    return {"country": request.GET.get("country", ""), "design": request.GET.get("design", "")}


def cell_detail(request, matrix, code):
    if code != code.upper():
        return _upper_code(request, "matrix:cell", matrix, code)
    if moved := old_jurisdiction(request):
        return moved
    try:
        page = Cell.objects.cell_page(
            request.user, matrix, code, **_filters(request), unsaved=previewed(request, Cell)
        )
    except (Cell.DoesNotExist, ValueError, IndexError):
        raise Http404(f"There is no cell {code} in that matrix.") from None
    page.filter.link(page.cell.get_absolute_url())
    unknown_choices_uncached(request, page.filter)
    return render(
        request,
        "matrix/cell.html",
        {
            "page": page,
            "cell": page.cell,
            "matrix": page.cell.matrix,
            "filter": page.filter,
            "verdict": page.written_verdict,
            "freshness": page.freshness,
            "bite_open": request.GET.get("bite") == "open",
            "roles": Role,
        },
    )


def _evidence_table(request, matrix, code):
    try:
        table = Cell.objects.evidence_table(
            request.user, matrix, code, sort=request.GET.get("sort", ""), **_filters(request)
        )
    except (Cell.DoesNotExist, ValueError, IndexError):
        raise Http404(f"There is no cell {code} in that matrix.") from None
    if table.bad_sort:
        request.page_cache_skip = True
    unknown_choices_uncached(request, table.filter)
    return table


def cell_evidence(request, matrix, code):
    """The cell's entries as a table, sorted by the column its header links ask for."""
    if code != code.upper():
        return _upper_code(request, "matrix:evidence", matrix, code)
    table = _evidence_table(request, matrix, code)
    base = reverse("matrix:evidence", args=[matrix, code])
    table.filter.link(base, keep={"sort": table.sort})
    sort_links = [
        (column, aria_sort, base + table.filter.query(sort=sort) if sort else "")
        for column, aria_sort, sort in headers(table.sort)
    ]
    return render(
        request,
        "matrix/evidence.html",
        {
            "table": table,
            "cell": table.cell,
            "matrix": table.cell.matrix,
            "filter": table.filter,
            "headers": sort_links,
            "csv_url": reverse("matrix:evidence_csv", args=[matrix, code])
            + table.filter.query(sort=table.sort),
            "base": base,
        },
    )


def cell_evidence_csv(request, matrix, code):
    """The table as CSV: its columns, then each document's year, DOI and address."""
    if code != code.upper():
        return _upper_code(request, "matrix:evidence_csv", matrix, code)
    table = _evidence_table(request, matrix, code)
    body = write_csv(table.rows, lambda d: request.build_absolute_uri(d.get_absolute_url()))
    chosen = [facet.chosen for facet in table.filter if facet.chosen]
    name = "-".join([matrix, code, "evidence", *chosen])
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.csv")
    return response


def row_detail(request, matrix, number):
    try:
        page = Cell.objects.row_page(request.user, matrix, number)
    except Row.DoesNotExist:
        raise Http404("No such row.") from None
    return render(
        request,
        "matrix/row.html",
        {"row": page.row, "matrix": page.row.matrix, "cells": page.cells},
    )
