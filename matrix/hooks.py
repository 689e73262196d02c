"""What the matrices add below: cell and chart references, chart placements, places."""

from . import markup, places

markup.register()
places.register()
