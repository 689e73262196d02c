"""What the matrices add below: cell and chart references, chart placements, places, and
the refresher of what cells and charts store about documents."""

from editorial.refreshers import Refresher, refreshers

from . import markup, places
from .refreshers import refresh_cells_and_charts

markup.register()
places.register()
refreshers.register(Refresher("cells and charts", refresh_cells_and_charts))
