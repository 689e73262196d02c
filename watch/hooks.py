"""What the literature watch adds below: the cell page's line saying when the cell's
literature was last searched, how many records were found and how many screened in."""

from matrix.notes import CELL_NOTES, CellNote

from .services import searched_line

CELL_NOTES.register(CellNote("literature searched", searched_line))
