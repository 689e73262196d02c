"""What subjects add below: the refresher keeping renamed subjects' old addresses."""

from editorial.refreshers import Refresher, refreshers

from .refreshers import NAME, keep_old_addresses, remember

refreshers.register(Refresher(NAME, keep_old_addresses, remember=remember))
