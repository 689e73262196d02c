"""Recording what changed, as the admin and the publishing task make changes."""

import contextvars
from contextlib import contextmanager

from django.utils import timezone

from .models import Change

_quiet = contextvars.ContextVar("quiet_changes", default=False)
# Who is making the current change (set by the admin around a save). Their note for the
# history is not here: it stays in the admin, and readers never see it.
_acting = contextvars.ContextVar("acting_editor", default=None)


@contextmanager
def quietly():
    """Make changes without recording them (loading the demo content is not news)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


@contextmanager
def acting(editor):
    token = _acting.set(editor)
    try:
        yield
    finally:
        _acting.reset(token)


def record(obj, kind, *, note="", editor=None, bite=False):
    """Add ``obj``'s change to the record; nothing while ``quietly()``. ``note`` is for
    readers (a marked revision's note): bulletins, their archive and feed show it."""
    if _quiet.get():
        return None
    editor = editor or _acting.get()
    return Change.objects.create(
        kind=kind,
        subject=obj,
        title=str(getattr(obj, "title", obj))[:400],
        url=obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
        note=note[:300],
        bite=bite,
        at=timezone.now(),
        editor=editor if editor is not None and editor.is_authenticated else None,
        public=getattr(obj, "is_public", True),
    )


def record_visibility(sender, instance, public, created=False, **kwargs):
    """Receiver of ``visibility_changed``: a publication or a withdrawal is news."""
    bite = bool(getattr(instance, "has_bite", False))
    if public:
        record(instance, Change.Kind.PUBLISHED, bite=bite)
    elif not created:
        record(instance, Change.Kind.WITHDRAWN)
