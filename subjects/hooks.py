"""What subjects add below: the refreshers keeping renamed subjects' old addresses and
each subject's count of documents readers see."""

from editorial.refreshers import Refresher, refreshers

from .refreshers import NAME, TALLY, keep_old_addresses, remember, tally_subjects

refreshers.register(Refresher(NAME, keep_old_addresses, remember=remember))
refreshers.register(Refresher(TALLY, tally_subjects))
