"""What search adds below: its refresher, which keeps the index current."""

from editorial.refreshers import Refresher, refreshers

from .refreshers import NAME, refresh_index, remember

refreshers.register(Refresher(NAME, refresh_index, remember=remember))
