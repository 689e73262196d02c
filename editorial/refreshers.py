"""What is derived from content, and bringing it up to date after a write.

Each kind of derived data has one refresher, registered by the app that owns that data in
its own ``hooks.py``: the "what changed" record (here), texts that link here (here, on the
markup's registry of links), the gap map's cells and charts (matrix), the search index
(search), the page cache (pagecache), subject addresses (subjects) and the bulletin
triggers (readers). They run in that order (the order the apps are installed), so the page
cache drops pages after everything it shows has been redrawn.

A refresher is told what was written, as a list of :class:`Write`: the row, whether it was
created or deleted, whether readers saw it before and see it now. It runs at the end of the
write's transaction; what must wait for the commit (dropping cached pages a second time,
queueing an email) it defers itself with ``transaction.on_commit``.

Writes reach the refreshers two ways, both ending in :func:`refresh`:

- ``editorial.services`` (the admin, scheduled publication, the demo loader, the rebuild
  commands) collects the rows it writes and refreshes them as its last step;
- a write made anywhere else (the shell, a test, a library saving its own rows: taggit's
  tagged items, rows deleted by a cascade) is refreshed as it happens, by the one set of
  receivers below (:func:`connect`). No other receiver of ours listens to content models;
  ``tests/test_write_path.py`` fails if one does.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import reversion
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

import hooks
from markup.texts import normalise_text_fields


@dataclass(eq=False)
class Write:
    """One row written, as the refreshers need to know it."""

    instance: Any
    created: bool = False
    deleted: bool = False
    public_before: bool | None = None  # None: not a Publishable, or new
    public_after: bool | None = None
    rendered_again: bool = False  # only its stored HTML changed (texts rendered again)
    listed: bool = False  # it joined or left lists without being created (a bulletin sent)
    related: tuple = ()  # a many-to-many change: (model, primary keys) of the other side
    remembered: dict = field(default_factory=dict)  # refresher name: what it noted before
    editor: Any = None  # who made the change, for the "what changed" record
    recorded: bool = False  # already in the record (or not news: loading the demo)

    @property
    def model(self):
        return type(self.instance)

    @property
    def visibility_changed(self):
        """Published or hidden by this write (created public counts as published)."""
        if self.public_after is None:
            return False
        if self.public_before is None:
            return self.created and self.public_after
        return self.public_before != self.public_after


@dataclass(frozen=True)
class Refresher:
    """``refresh(writes)`` brings one kind of derived data up to date. ``remember(instance)``,
    if given, notes what the refresher needs from a row before it is written (a subject's
    old address); the write carries it as ``remembered[name]``."""

    name: str
    refresh: Callable
    remember: Callable | None = None


refreshers = hooks.Registry("refresher")


def refresh(writes):
    """Run every refresher, in order, over ``writes``."""
    if not writes:
        return
    for refresher in refreshers:
        refresher.refresh(writes)


def remember(instance):
    """What each refresher notes from ``instance`` before it is written."""
    noted = {}
    for refresher in refreshers:
        if refresher.remember is not None:
            value = refresher.remember(instance)
            if value is not None:
                noted[refresher.name] = value
    return noted


def publicity(instance):
    """(public before, public now) of a row just written; (None, None) if not Publishable."""
    if not hasattr(instance, "visibility_fields"):
        return None, None
    return getattr(instance, "_public_when_loaded", None), instance.is_public


# The one set of receivers: writes made outside the services. ------------------------------

# A row the services are writing carries their list here; its signals add to that list, and
# the service refreshes it as its last step.
COLLECTING = "_writes_collected"


def collect(instance, writes):
    """Have ``instance``'s own saves, deletes and many-to-many changes added to ``writes``
    (until :func:`release`)."""
    setattr(instance, COLLECTING, writes)
    return instance


def release(instance):
    instance.__dict__.pop(COLLECTING, None)


def _deliver(write):
    collected = getattr(write.instance, COLLECTING, None)
    if collected is not None:
        collected.append(write)
    else:
        refresh([write])


def _before_save(sender, instance, raw=False, **kwargs):
    # Content with a history (registered with django-reversion) stores its texts by the one
    # rule (markup.texts), whatever saves it: restores (raw) included.
    if reversion.is_registered(sender):
        normalise_text_fields(instance)
    if not raw:
        instance._remembered = remember(instance)


def _saved(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    before, after = publicity(instance)
    _deliver(
        Write(
            instance,
            created=created,
            public_before=before,
            public_after=after,
            remembered=instance.__dict__.pop("_remembered", {}),
        )
    )


def _deleted(sender, instance, **kwargs):
    before, _ = publicity(instance)
    # As it was: Django clears the key of a deleted row once every receiver has run. (Not
    # copy.copy: it pickles through the app registry, which some models are not in, as the
    # migration recorder's.)
    row = type(instance).__new__(type(instance))
    row.__dict__.update(instance.__dict__)
    row._state = copy.copy(instance._state)
    row.__dict__.pop(COLLECTING, None)
    write = Write(row, deleted=True, public_before=before, public_after=before)
    collected = getattr(instance, COLLECTING, None)
    if collected is not None:
        collected.append(write)
    else:
        refresh([write])


def _related_changed(sender, instance, action, model, pk_set, **kwargs):
    if action.startswith("post_"):
        _deliver(Write(instance, related=(model, frozenset(pk_set or ()))))


def rendered_again(owner):
    """The markup's listener (``markup.models.rendered_again``): texts rendered again and
    stored with an update, which sends no signal."""
    _deliver(Write(owner, rendered_again=True))


def connect():
    """Called once, from ``editorial/hooks.py``."""
    pre_save.connect(_before_save, dispatch_uid="editorial.refreshers")
    post_save.connect(_saved, dispatch_uid="editorial.refreshers")
    post_delete.connect(_deleted, dispatch_uid="editorial.refreshers")
    m2m_changed.connect(_related_changed, dispatch_uid="editorial.refreshers")


RECEIVERS = (_before_save, _saved, _deleted, _related_changed)
