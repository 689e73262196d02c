"""Keep stored HTML true when a document is hidden or published, and the gap map true when
a document in a cell changes."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from editorial.signals import content_changed, visibility_changed
from studies.models import Document

from .models import Cell, CellEntry, Chart


@receiver(visibility_changed, sender=Document)
def document_visibility_changed(sender, instance, **kwargs):
    # An entry's anchors (and passages in its annotation) are public only with its document;
    # refreshing the entry updates them, and the texts linking to them.
    for entry in CellEntry.objects.filter(document=instance).select_related(
        "cell__matrix", "cell__column", "cell__row", "document"
    ):
        entry.refresh_markup()
    # A chart names its source only while readers may see it.
    for chart in Chart.objects.filter(source=instance).select_related("source"):
        chart.redraw()
        Chart.objects.filter(pk=chart.pk).update(html=chart.html)
        content_changed.send(sender=Chart, instance=chart)
        chart.refresh_texts_placing_it()


@receiver(post_save, sender=Document)
def document_saved(sender, instance, created=False, raw=False, **kwargs):
    # The grid counts and dates a cell's documents without loading them (their year, kind and
    # jurisdiction): tell the page cache the cells holding this one changed.
    if created or raw:
        return
    for cell in Cell.objects.filter(
        pk__in=CellEntry.objects.filter(document=instance).values("cell")
    ):
        content_changed.send(sender=Cell, instance=cell)
