"""What the matrices add below: cell and chart references, chart placements, places, and
the refresher of what cells and charts store about documents, and the news of a change in a
cell's certainty."""

from editorial.refreshers import Refresher, refreshers

from . import markup, places
from .refreshers import certainty_before, certainty_news, refresh_cells_and_charts

markup.register()
places.register()
refreshers.register(Refresher("cells and charts", refresh_cells_and_charts))
refreshers.register(Refresher("certainty news", certainty_news, certainty_before))
