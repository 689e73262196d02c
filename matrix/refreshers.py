"""The matrices' refresher: what cells and charts store about documents, kept true.

- A document published or hidden: its entries' anchors (and the passages in their
  annotations) are public only with it, so the entries are rendered again, with the texts
  linking to them; a chart names its source only while readers may see it, so charts drawn
  from it are drawn again, with the texts placing them.
- A document changed: the grid counts and dates a cell's documents without loading them
  (their year, kind and countries), so the cells holding it are told to the page cache.
- A chart saved: texts store the drawn chart where they place it; they are rendered again.
"""

from editorial.refreshers import Write, refresh
from studies.models import Document

from .models import Cell, CellEntry, Chart


def refresh_cells_and_charts(writes):
    for write in writes:
        instance = write.instance
        if write.related and isinstance(instance, Document):
            # Its countries changed: the grid filters by them without loading the document.
            cells_changed(instance)
            continue
        if write.deleted or write.rendered_again or write.related:
            continue
        if isinstance(instance, Chart):
            instance.refresh_texts_placing_it()
        elif isinstance(instance, Document):
            if not write.created:
                cells_changed(instance)
            if write.visibility_changed:
                document_visibility_changed(instance)


def cells_changed(document):
    cells = Cell.objects.filter(pk__in=CellEntry.objects.filter(document=document).values("cell"))
    refresh([Write(cell, rendered_again=True) for cell in cells])


def document_visibility_changed(document):
    for entry in CellEntry.objects.filter(document=document).select_related(
        "cell__matrix", "cell__column", "cell__row", "document"
    ):
        entry.refresh_markup()
    for chart in Chart.objects.filter(source=document).select_related("source"):
        redraw(chart)


def redraw(chart, *, texts=True):
    """Draw ``chart`` again and store the drawing; the pages showing it are dropped and, with
    ``texts``, the texts placing it rendered again."""
    chart.redraw()
    Chart.objects.filter(pk=chart.pk).update(html=chart.html)
    refresh([Write(chart, rendered_again=True)])
    if texts:
        chart.refresh_texts_placing_it()
