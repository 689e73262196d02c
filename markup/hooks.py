"""The markup's own constructs (emphasis boxes, notes, footnotes...), registered like any
other app's."""

from . import constructs  # noqa: F401  (each construct registers itself on import)
