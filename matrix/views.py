from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from .models import THIN_UP_TO, Cell, Matrix, Role, Row

COLUMN_CODES = "ABCDE"


def jurisdiction_asked(request):
    return request.GET.get("jurisdiction", "").strip()[:40]


def unknown_jurisdictions_uncached(request, choices):
    """A made-up ``?jurisdiction=`` gets a message, and its page is not stored, so made-up
    values cannot fill the page cache."""
    if choices.unknown:
        request.page_cache_skip = True


def matrix_detail(request, matrix):
    try:
        grid = Matrix.objects.grid_page(request.user, matrix, jurisdiction_asked(request))
    except Matrix.DoesNotExist:
        raise Http404("No such matrix.") from None
    unknown_jurisdictions_uncached(request, grid.filter)
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
        },
    )


def cell_detail(request, matrix, code):
    if code != code.upper():
        url = reverse("matrix:cell", args=[matrix, code.upper()])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url, permanent=True)
    try:
        page = Cell.objects.cell_page(request.user, matrix, code, jurisdiction_asked(request))
    except (Cell.DoesNotExist, ValueError, IndexError):
        raise Http404(f"There is no cell {code} in that matrix.") from None
    unknown_jurisdictions_uncached(request, page.filter)
    return render(
        request,
        "matrix/cell.html",
        {
            "page": page,
            "cell": page.cell,
            "matrix": page.cell.matrix,
            "filter": page.filter,
            "bite_open": request.GET.get("bite") == "open",
            "roles": Role,
        },
    )


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
