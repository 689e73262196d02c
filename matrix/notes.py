"""What apps above the matrices add to a cell's pages, registered in their ``hooks.py``:
matrix knows none of them. Lines for the cell page's footer (the literature watch's "Last
searched …"), each its line for a cell, or None, in at most one query; and panels for the
cell's admin form (the watch's flow count)."""

from collections.abc import Callable
from dataclasses import dataclass

from hooks import Registry


@dataclass(frozen=True)
class CellNote:
    name: str
    text: Callable  # (cell) -> str | None


CELL_NOTES = Registry("cell note")


def notes_for(cell):
    return [text for note in CELL_NOTES if (text := note.text(cell))]


@dataclass(frozen=True)
class CellEditorPanel:
    """A panel on the cell's admin form (the literature watch's flow count): ``html`` gives
    it for (cell, request) as safe HTML, or None, in at most two queries."""

    name: str
    html: Callable  # (cell, request) -> SafeString | None


CELL_EDITOR_PANELS = Registry("cell editor panel")


def editor_panels_for(cell, request):
    return [html for panel in CELL_EDITOR_PANELS if (html := panel.html(cell, request))]
