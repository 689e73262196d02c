"""Keep stored HTML true when a document is hidden or published."""

from django.dispatch import receiver

from editorial.signals import content_changed, visibility_changed
from studies.models import Document

from .models import CellEntry, Chart


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
