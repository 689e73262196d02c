"""Lines apps above the matrices add to a cell page's footer (the literature watch's "Last
searched …"), registered in their ``hooks.py``: matrix knows none of them. Each gives its
line for a cell, or None, in at most one query."""

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
