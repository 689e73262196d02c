"""The matrices' refresher: what cells and charts store about documents, kept true.

- A document published or hidden: its entries' anchors (and the passages in their
  annotations) are public only with it, so the entries are rendered again, with the texts
  linking to them; a chart names its source only while readers may see it, so charts drawn
  from it are drawn again, with the texts placing them.
- A document changed: the grid counts and dates a cell's documents without loading them
  (their year, kind and countries), so the cells holding it are told to the page cache.
- A chart saved: texts store the drawn chart where they place it; they are rendered again.

And the news the verdicts make (:func:`certainty_news`): the certainty of a cell's evidence
changing, on a cell readers see, is recorded for bulletins and feeds.
"""

import html
import re

from django.utils.html import strip_tags

from editorial import changes
from editorial.refreshers import Write, refresh
from studies.models import Document

from .models import Cell, CellEntry, CellTally, CellVerdict, Chart

NOTE_MAX = 300  # editorial.models.Change.note


def refresh_cells_and_charts(writes):
    tally = set()  # cells whose counts for readers may have changed
    for write in writes:
        instance = write.instance
        if isinstance(instance, CellEntry) and not write.rendered_again and not write.related:
            tally.add(instance.cell_id)  # added, removed, or its roles or document changed
            continue
        if isinstance(instance, Cell) and write.created:
            tally.add(instance.pk)  # a new cell starts with its tally
            continue
        if write.related and isinstance(instance, Document):
            # Its countries changed: the grid filters by them without loading the document,
            # and counts them in its tallies.
            tally.update(cells_changed(instance))
            continue
        if write.deleted or write.rendered_again or write.related:
            continue
        if isinstance(instance, Chart):
            instance.refresh_texts_placing_it()
        elif isinstance(instance, Document):
            if not write.created:
                # Published, withdrawn, or its year or kind changed: what the grid counts.
                tally.update(cells_changed(instance))
            if write.visibility_changed:
                document_visibility_changed(instance)
    if tally:
        CellTally.objects.recount(tally)


def cells_changed(document):
    """Tell the page cache about the cells holding ``document``; answer their keys."""
    cells = list(
        Cell.objects.filter(pk__in=CellEntry.objects.filter(document=document).values("cell"))
    )
    refresh([Write(cell, rendered_again=True) for cell in cells])
    return [cell.pk for cell in cells]


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


def certainty_before(instance):
    """What the certainty news needs noted before a verdict is saved: its level as stored."""
    if isinstance(instance, CellVerdict) and instance.pk:
        stored = CellVerdict.objects.filter(pk=instance.pk).values_list("certainty", flat=True)
        return stored.first()
    return None


def certainty_news(writes):
    """A verdict's certainty changed on a cell readers saw before and see now: record it, with
    the levels and why. Not news: a verdict written with its cell's first publication (or
    withdrawal) in the same save, a new verdict, a draft cell, loading the demo (``recorded``
    already). A restore is told by :func:`restored_certainty_news`."""
    for write in writes:
        verdict = write.instance
        if not isinstance(verdict, CellVerdict) or write.recorded:
            continue
        write.recorded = True
        if getattr(verdict, "certainty_news_told", False):
            continue  # a restore: told from what readers saw before it (below)
        if write.created or write.deleted or write.rendered_again or write.related:
            continue
        was = write.remembered.get("certainty news")
        if was is None or was == verdict.certainty:
            continue
        cell = _cell_written_with(verdict, writes) or verdict.cell
        cell_write = next((w for w in writes if w.instance is cell), None)
        if not cell.is_public or (cell_write is not None and cell_write.visibility_changed):
            continue
        changes.record_certainty(
            cell,
            was=CellVerdict(certainty=was).certainty_level.label,
            now=verdict.certainty_level.label,
            why=certainty_reasons_for_readers(verdict),
            editor=write.editor,
        )


def restored_certainty_news(cell, was, *, editor, public_before):
    """A revision of ``cell`` restored: reversion wrote its rows before the form was saved,
    so the certainty readers saw before (``was``, noted by the admin before the restore) is
    compared with the one restored, by the same rule as any save."""
    verdict = CellVerdict.objects.filter(cell=cell).first()
    if verdict is None or was is None:
        return
    certainty_news(
        [
            Write(cell, public_before=public_before, public_after=cell.is_public),
            Write(verdict, remembered={"certainty news": was}, editor=editor),
        ]
    )


def _cell_written_with(verdict, writes):
    for write in writes:
        if isinstance(write.instance, Cell) and write.instance.pk == verdict.cell_id:
            return write.instance
    return None


def certainty_reasons_for_readers(verdict):
    """Why, in words readers read: the reasons ticked, then the editors' note, as plain text
    cut at a word to fit the record."""
    reasons = verdict.certainty_why
    note = " ".join(html.unescape(strip_tags(verdict.certainty_note_html)).split())
    why = ". ".join(part for part in (reasons[:1].upper() + reasons[1:], note) if part)
    if len(why) > NOTE_MAX:
        why = re.sub(r"\s+\S*$", "", why[: NOTE_MAX - 1]) + "…"
    return why
