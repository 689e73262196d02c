from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from .models import ROLE_ORDER, Cell, Matrix, Role, Row

COLUMN_CODES = "ABCDE"


def matrix_detail(request, matrix):
    matrix = get_object_or_404(Matrix, slug=matrix)
    highlight_row = request.GET.get("row", "")
    highlight_col = request.GET.get("col", "").upper()
    highlight_row = int(highlight_row) if highlight_row in {"1", "2", "3", "4", "5"} else None
    highlight_col = (
        highlight_col if len(highlight_col) == 1 and highlight_col in COLUMN_CODES else None
    )
    cells = list(Cell.objects.for_grid(matrix))
    return render(
        request,
        "matrix/matrix.html",
        {
            "matrix": matrix,
            "grid": grid_rows(cells),
            "columns": list(matrix.columns.all()),
            "highlight_row": highlight_row,
            "highlight_col": highlight_col,
            "roles": Role,
        },
    )


def grid_rows(cells):
    """Cells (ordered by row, then column) as [(row, [cells])] for a table."""
    rows = {}
    for cell in cells:
        cell.role_counts = [(code, getattr(cell, f"count_{code}", 0)) for code in ROLE_ORDER]
        rows.setdefault(cell.row, []).append(cell)
    return list(rows.items())


def cell_detail(request, matrix, code):
    if code != code.upper():
        url = reverse("matrix:cell", args=[matrix, code.upper()])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url, permanent=True)
    cells = Cell.objects.for_cell_page()
    if not request.user.is_staff:
        cells = cells.published()
    try:
        cell = cells.by_key(matrix, code)
    except (Cell.DoesNotExist, ValueError, IndexError):
        raise Http404(f"There is no cell {code} in that matrix.") from None
    entries = list(cell.entries.all())
    groups = [(Role(code), [e for e in entries if e.primary_role == code]) for code in ROLE_ORDER]
    siblings = Cell.objects.filter(matrix=cell.matrix).with_labels()
    if not request.user.is_staff:
        siblings = siblings.published()
    siblings = {c.code: c for c in siblings}
    sections = list(cell.bite_sections.all())
    return render(
        request,
        "matrix/cell.html",
        {
            "cell": cell,
            "matrix": cell.matrix,
            "groups": [(role, items) for role, items in groups if items],
            "entry_count": len(entries),
            "sections": [s for s in sections if not s.is_issue],
            "issues": [s for s in sections if s.is_issue],
            "has_bite": bool(sections),
            "bite_open": request.GET.get("bite") == "open",
            "neighbours": cell.neighbours(siblings),
            "roles": Role,
        },
    )


def row_detail(request, matrix, number):
    row = get_object_or_404(
        Row.objects.select_related("matrix"), matrix__slug=matrix, number=number
    )
    cells = Cell.objects.for_grid(row.matrix).filter(row=row)
    if not request.user.is_staff:
        cells = cells.published()
    return render(
        request,
        "matrix/row.html",
        {
            "row": row,
            "matrix": row.matrix,
            "cells": list(cells),
        },
    )
