"""What happens when an editor saves, publishes, withdraws or deletes: the write path.

Every writer of content goes through here: the admin's change forms, its delete and restore,
scheduled publication, the demo loader and the rebuild commands. So "what happens when an
editor saves a cell?" is answered by :func:`save_content`, in this order:

1. **Render and validate the markup.** Each text is rendered into its stored HTML
   (``markup.models.MarkupOwner``); references are settled against the link registry, and
   anchors about to exist (bite sections submitted in the same form) are passed in as
   ``pending_anchors``. A text that would break a link, or name a missing target, stops the
   save with a ``ValidationError``. (The admin's forms have already done this, through the
   model's ``clean()``: the form shows the errors in place; here it is not done twice.)
2. **Write, in one transaction:** the object, its many-to-many fields (subjects), and the
   rows of its inlines (a cell's entries and bite sections, a document's authors...), new,
   changed and deleted.
3. **Update the link registry** (``markup.models.Anchor`` and ``Link``): the anchors each text
   defines and the links it makes, so a target still linked to cannot be removed. Rows that
   stop defining an anchor readers could see re-render the texts linking to it. (Each
   ``MarkupOwner`` does this as it is saved, in the same transaction.)
4. **Record the change** (``editorial.models.Change``), with the editor passed in: a
   publication, a withdrawal, or a revision marked for readers with its note. The bulletins,
   their archive and the feed of changes read this record.
5. **Refresh what is derived from it** (``editorial.refreshers``): the rows written, as a
   list of ``Write``, go to each app's refresher in turn: texts linking here are rendered
   again, the cells counting a document, the search index, the page cache, subjects'
   old addresses, the bulletin triggers. Whatever has to wait for the commit (dropping
   cached pages a second time, queueing an email) waits for it.

:func:`publish` and :func:`withdraw` are a save of the status; :func:`delete_content`
deletes instead of writing, and its refreshers forget the deleted rows' anchors and links.
The admin's preview comes nowhere near here: it writes nothing (``editorial.preview``).

A save from the shell (``obj.save()``) still refreshes the derived data, row by row as it is
written, through ``editorial.refreshers``' one set of receivers (a publication or withdrawal
is recorded without an editor). What is written without ``save()`` (``update()``, SQL, a
bulk load) is brought up to date by the rebuild commands: ``manage.py render_markup``
(stored HTML, anchors and links) and ``manage.py rebuild_search_index`` (the search index).
"""

from django.db import transaction

from markup.models import MarkupOwner

from . import changes
from .models import Change
from .refreshers import collect, refresh, release
from .visibility import Workflow


def save_content(
    obj,
    inlines=(),
    *,
    editor,
    note="",
    revised=False,
    bite=False,
    save_m2m=None,
    pending_anchors=frozenset(),
    validated=False,
    record=True,
):
    """Save ``obj`` and the rows of its ``inlines`` (bound, valid formsets); return the
    list of ``Write``.

    ``revised``: the editor marked the change as one readers should know about; ``note`` is
    the note for readers (``obj.revision_note``), ``bite`` whether it changed the Matrix Bite.
    ``save_m2m``: the form's, to save many-to-many fields once ``obj`` has its key.
    ``validated``: the markup was rendered and checked by the form already.
    ``record=False``: not news (loading the demo content).
    """
    # 1. Render and validate the markup.
    if isinstance(obj, MarkupOwner) and not validated:
        obj.validate_markup(pending=pending_anchors)  # raises ValidationError
    writes = []
    touched = [collect(obj, writes)]
    try:
        with transaction.atomic():
            # 2. Write. 3. The link registry is updated as each text is saved.
            obj.save()
            if save_m2m is not None:
                save_m2m()
            for formset in inlines:
                touched += _save_rows(formset, writes)
            # 4. Record the change.
            if record:
                _record(writes, editor=editor)
                if revised:
                    changes.record(obj, Change.Kind.REVISED, note=note, editor=editor, bite=bite)
            else:
                for write in writes:
                    write.recorded = True
            # 5. Refresh what is derived from it.
            refresh(writes)
    finally:
        for instance in touched:
            release(instance)
    return writes


def publish(obj, *, editor):
    """Make ``obj`` (a ``Workflow``) public now; recorded as a publication by ``editor``
    (``None``: by the site, at its scheduled time). Its texts are as they were checked."""
    obj.status = Workflow.Status.PUBLISHED
    return save_content(obj, editor=editor, validated=True)


def withdraw(obj, *, editor):
    """Make ``obj`` a draft again: readers no longer see it; recorded as a withdrawal."""
    obj.status = Workflow.Status.DRAFT
    return save_content(obj, editor=editor, validated=True)


def delete_content(obj, *, editor):
    """Delete ``obj`` (and what cascades from it), and refresh what showed it: the link
    registry forgets its anchors and links, the index and the cached pages drop it. A
    deletion is not news for readers, so nothing is recorded (``editor`` is for the
    signature's sake: the admin's history keeps who deleted what)."""
    writes = []
    collect(obj, writes)
    try:
        with transaction.atomic():
            obj.delete()
            refresh(writes)
    finally:
        release(obj)
    return writes


def render_again(owner):
    """Render ``owner``'s texts again and store only their HTML (what they show has
    changed, or the markup has; the texts have not), with the link registry; the page cache
    hears of it as a ``Write(owner, rendered_again=True)``
    (``markup.models.rendered_again``). For ``manage.py render_markup``."""
    return owner.refresh_markup()


def _save_rows(formset, writes):
    """Save a bound, valid inline formset's rows as ``formset.save()`` would, each row's
    writes collected into ``writes``."""
    rows = formset.save(commit=False)
    touched = []
    for row in formset.deleted_objects:
        touched.append(collect(row, writes))
        row.delete()
    for row in rows:
        touched.append(collect(row, writes))
        row.save()
    formset.save_m2m()
    return touched


def _record(writes, *, editor):
    for write in writes:
        write.editor = editor
    changes.record_visibility(writes)
