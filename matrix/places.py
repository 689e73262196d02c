"""Where the matrices show a document or a cell, for its page and for editors' warnings."""

from editorial import places
from editorial.places import Place

from .models import Cell, CellEntry, Chart


def cells_citing(document, user=None):
    entries = (
        CellEntry.objects.filter(document=document, cell__in=Cell.objects.visible_to(user))
        .select_related("cell__matrix", "cell__column", "cell__row", "document")
        .order_by("cell__matrix__position", "cell__row__number", "cell__column__code")
    )
    return [
        Place(
            kind="cell",
            title=f"{e.cell.matrix.title} cell {e.cell.code}: {e.cell.short_title}",
            url=e.get_absolute_url(),
            roles=tuple(e.role_list),
            headline=e.headline,
        )
        for e in entries
    ]


def charts_citing(document, user=None):
    return [
        Place(kind="chart source", title=f"the chart “{chart.title}”")
        for chart in Chart.objects.filter(source=document).order_by("title")
    ]


def pages_showing_cell(cell, user=None):
    return [
        Place(
            kind="grid",
            title=(
                f"the {cell.matrix.title} grid and the home page (its link and counts), "
                f"the row {cell.row.number} page, and the neighbouring cells' links to it"
            ),
        )
    ]


def register():
    places.register("studies.document", cells_citing, on_readers_pages=True)
    places.register("studies.document", charts_citing)
    places.register("matrix.cell", pages_showing_cell)
