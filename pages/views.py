from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseNotFound
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse

from matrix.models import Cell, Matrix
from matrix.views import grid_rows
from studies.models import Document
from topics.models import HotTopic

from .legacy import legacy_target, parse_legacy_cell, search_words

SEARCH_PAGE_SIZE = 20


def home(request):
    matrices = list(Matrix.objects.prefetch_related("columns"))
    cells = Cell.objects.for_grid(*matrices).order_by(
        "matrix__position", "row__number", "column__code"
    )
    by_matrix = {}
    for cell in cells:
        by_matrix.setdefault(cell.matrix_id, []).append(cell)
    return render(
        request,
        "pages/home.html",
        {
            "matrices": [
                (matrix, list(matrix.columns.all()), grid_rows(by_matrix.get(matrix.pk, [])))
                for matrix in matrices
            ],
            "latest": Document.objects.latest_additions(),
            "topics": HotTopic.objects.published().order_by("title"),
        },
    )


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    documents = Document.objects.search(query) if query else Document.objects.none()
    page = Paginator(documents, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    topics = cells = []
    if query and page.number == 1:
        topics = HotTopic.objects.search(query)
        cells = Cell.objects.search(query)
    return render(
        request,
        "pages/search.html",
        {
            "query": query,
            "page": page,
            "topics": list(topics),
            "cells": list(cells),
        },
    )


def legacy(request):
    """Old cell addresses answer 301 to the new cell page; anything else a helpful 404."""
    target = legacy_target(request.GET)
    wanted = parse_legacy_cell(target)
    if wanted:
        matrix = (
            Matrix.objects.filter(
                Q(legacy_folder__iexact=wanted.folder) | Q(slug__iexact=wanted.folder)
            )
            .only("slug")
            .first()
        )
        if matrix:
            url = reverse("matrix:cell", args=[matrix.slug, wanted.code])
            if request.GET.get("format") == "open":
                url += "?bite=open#bite"
            return redirect(url, permanent=True)
    content = loader.render_to_string(
        "pages/legacy_not_found.html",
        {"target": target, "suggestion": search_words(target) if not wanted else ""},
        request,
    )
    return HttpResponseNotFound(content)
