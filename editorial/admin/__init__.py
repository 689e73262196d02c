"""The admin's protection of editors' work, shared by every content model's admin.

- **Every change is a revision** (django-reversion): who, when, and the editor's note. Any two
  revisions can be compared field by field, any revision restored (through the same
  validation as a save), and a deleted object recovered (``history``, ``restoring``).
- **Stale saves are caught.** The change form carries a fingerprint of what it showed (each
  field, each inline row). If the object changed since, the save is refused, saying who
  changed what and when, and everything typed stays in the form; the next save goes through.
  A save locks the row before loading it, so this holds for two saves at the same instant;
  a restore is checked against the live version the same way (``stale``).
- **Hiding is confirmed.** Making a document or cell that readers see somewhere a draft lists
  every place that will stop showing it, and needs a tick to go ahead; restoring a draft
  revision of it too (``hiding``).
- **Preview.** The unsaved form, drawn as readers will see it, from objects held in memory:
  nothing is written (``preview``).
- **Revisions readers see.** Ticking "Readers should know about this change" moves "Last
  revised" and shows the note for readers (``revision_note``, which it needs) on the page;
  it goes into the "what changed" record. The note for the history never leaves the admin
  (``forms``, ``base``).

``EditorialAdmin`` (``base``) composes the mixins; ``EditorialForm`` (``forms``) the form's.
"""

from .base import EditorialAdmin
from .forms import EditorialForm

__all__ = ["EditorialAdmin", "EditorialForm"]
