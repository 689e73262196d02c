"""What the matrices add to the editors' markup: cell:, matrix: and chart: references, chart
placement, and the ids the cell and matrix pages keep for themselves."""

import re

from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast
from django.urls import reverse

from markup.registry import (
    Placement,
    ReferenceKind,
    register_placement,
    register_reference_kind,
    reserve_ids,
)

CELL_RE = re.compile(r"^(?P<matrix>[a-z0-9][a-z0-9-]*)/(?P<column>[A-Ea-e])(?P<row>[1-5])$")


def normalise_cell(key):
    m = CELL_RE.match(key)
    if not m:
        raise ValueError("it is not a cell reference; write it like cell:alcohol/E4")
    return f"{m['matrix']}/{m['column'].upper()}{m['row']}"


def cell_url(key):
    matrix, code = key.split("/")
    return reverse("matrix:cell", args=[matrix, code])


def find_cells(words):
    from .models import Cell

    condition = Q()
    for word in words.split():
        condition &= (
            Q(matrix__name__icontains=word)
            | Q(column__name__icontains=word)
            | Q(row__name__icontains=word)
            | Q(label_override__icontains=word)
            | (Q(column__code=word[:1].upper(), row__number=word[1:]) if _is_code(word) else Q())
        )
    cells = Cell.objects.with_labels().filter(condition)[:12]
    return [(cell.title, cell.key) for cell in cells]


def _is_code(word):
    return len(word) == 2 and word[0].upper() in "ABCDE" and word[1] in "12345"


def find_charts(words):
    from .models import Chart

    charts = Chart.objects.filter(Q(title__icontains=words) | Q(slug__icontains=words))[:12]
    return [(chart.title, chart.slug) for chart in charts]


def find_matrices(words):
    from .models import Matrix

    return [(m.title, m.slug) for m in Matrix.objects.filter(name__icontains=words)]


def register():
    from .charts import drawn_charts
    from .models import Cell

    register_reference_kind(
        ReferenceKind(
            name="cell",
            label="cell",
            model="matrix.Cell",
            url=cell_url,
            public_q=Cell.public_q,
            key_parts=(
                "matrix__slug",
                Value("/"),
                "column__code",
                Cast("row__number", CharField()),
            ),
            normalise=normalise_cell,
            describe=lambda key: "cell " + key.replace("/", " "),
            lookup=find_cells,
            # Anchors on a cell page are mostly inside the folded Matrix Bite.
            anchors_open_bite=True,
            example="cell:alcohol/E4#anchor",
        )
    )
    register_reference_kind(
        ReferenceKind(
            name="matrix",
            label="matrix",
            model="matrix.Matrix",
            url=lambda key: reverse("matrix:matrix", args=[key]),
            public_q=Q,
            anchors=False,
            lookup=find_matrices,
            example="matrix:drug",
        )
    )
    register_reference_kind(
        ReferenceKind(
            name="chart",
            label="chart",
            model="matrix.Chart",
            url=None,
            public_q=Q,
            linkable=False,
            anchors=False,
            lookup=find_charts,
        )
    )
    register_placement(
        Placement(
            name="chart",
            draw=drawn_charts,
            anchor_prefix="chart-",
            help="[[chart:slug]] on its own line",
        )
    )
    reserve_ids(
        "the cell page",
        names=["entries", "bite", "legend-note", "legend-passage", "key", "audience"],
        prefixes=["entry-", "group-", "chart-"],
    )
