"""What the page cache adds below: its refresher, which drops the pages a write changes
(registered last of the refreshers, so it runs after every other has redrawn what pages
show)."""

from editorial.refreshers import Refresher, refreshers

from .receivers import drop_pages

refreshers.register(Refresher("page cache", drop_pages))
