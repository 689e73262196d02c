"""What the editorial layer adds: its refreshers (the record of changes, texts that link
here), "linked from" places for every model, and the listener of texts rendered again."""

from markup import models as markup

from . import places, refreshers
from .changes import record_visibility
from .linking import refresh_linking_texts, texts_linking_here

refreshers.refreshers.register(refreshers.Refresher("what changed", record_visibility))
refreshers.refreshers.register(refreshers.Refresher("texts linking here", refresh_linking_texts))
markup.rendered_again.register(refreshers.rendered_again)
places.register("*", texts_linking_here)
refreshers.connect()
