"""Recording what changed: step 4 of the write path (``editorial.services``)."""

from django.utils import timezone

from .models import Change
from .visibility import Publishable


def record(obj, kind, *, note="", editor=None, bite=False, was="", now=""):
    """Add ``obj``'s change to the record. ``note`` is for readers (a marked revision's
    note, or why a certainty changed): bulletins, their archive and feeds show it. ``editor``
    made the change; ``was`` and ``now`` are a certainty change's levels, in words."""
    return Change.objects.create(
        kind=kind,
        was=was[:40],
        now=now[:40],
        subject=obj,
        title=str(getattr(obj, "title", obj))[:400],
        url=obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
        note=note[:300],
        bite=bite,
        at=timezone.now(),
        editor=editor if editor is not None and editor.is_authenticated else None,
        public=getattr(obj, "is_public", True),
    )


def record_visibility(writes):
    """A publication or a withdrawal is news: record each one in ``writes`` not yet
    recorded. The services call it with the editor on each write; it is also the "what
    changed" refresher, for saves made outside the services (by no one in particular)."""
    for write in writes:
        if write.recorded or not isinstance(write.instance, Publishable):
            continue
        write.recorded = True
        if write.deleted or not write.visibility_changed:
            continue
        instance = write.instance
        if write.public_after:
            bite = bool(getattr(instance, "has_bite", False))
            record(instance, Change.Kind.PUBLISHED, bite=bite, editor=write.editor)
        elif not write.created:
            record(instance, Change.Kind.WITHDRAWN, editor=write.editor)


def record_certainty(obj, *, was, now, why="", editor=None):
    """The certainty of the evidence in ``obj`` (a cell readers see) went from ``was`` to
    ``now`` (levels in words), for the reasons ``why``: news for its followers. The app
    owning the judgement decides when it is news (``matrix.refreshers``)."""
    return record(obj, Change.Kind.CERTAINTY, note=why, editor=editor, was=was, now=now)
