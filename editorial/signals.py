"""Signals of the editorial layer.

``visibility_changed`` is sent after a save that makes something public or hidden, so the
apps that store HTML showing it (links in texts, entry anchors, chart sources) re-render it.
"""

from django.dispatch import Signal

visibility_changed = Signal()  # sender: the model; instance, public: the new state

# Sent after a change written without ``save()`` (texts rendered again and stored with an
# update, a bulletin marked sent), so caches holding pages that show it drop them.
# sender: the model; instance; listed: True if it joined or left lists (a bulletin sent).
content_changed = Signal()
