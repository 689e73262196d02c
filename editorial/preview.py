"""Preview: an unsaved change drawn on the reader's page, from objects held in memory.

The admin's Preview button posts the change form to ``admin/preview.py``, which validates
the form and its inline formsets as a save would, then:

1. :func:`unsaved` builds the object in memory as the save would leave it, published: the
   form's fields with its texts rendered (``MarkupOwner.render_in_memory``), its
   many-to-many fields (a document's subjects and countries, a verdict's economic
   evaluations) from the form, and each inline's rows: the form's rows, changed, added or
   ticked for deletion, merged with the stored rows the form does not show (a big cell's
   entries come a page at a time). The rows sit in the caches a prefetch would fill, in
   their model's order; ``left_out_for_readers()`` names the rows readers would not see,
   from those rows; then the rows are narrowed to what the reader's page reads.
2. :func:`render_for_readers` draws the page through its real view and templates for an
   anonymous reader; the view hands the object (:func:`previewed`) to its screen's QuerySet
   method, which reads it in place of the stored one.

Nothing is written and no transaction is opened, so nothing derived from content (the page
cache, the search index, the record of changes) hears of a preview.
"""

import itertools
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import prefetch_related_objects
from django.forms.formsets import DELETION_FIELD_NAME
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone

from markup.models import MarkupOwner

from .visibility import Publishable, Workflow

# Django reads no relation of an object without a primary key, and a new object or row has
# none until it is saved. The preview lends each one a key no stored row has: within every
# database's integer range, above any key this site will reach, so new rows sort after the
# stored ones, as they will once saved. The keys are never written anywhere.
UNSAVED_KEYS_FROM = 2_000_000_000


@dataclass
class Unsaved:
    """An object built from its change form, and what its page leaves out for readers."""

    obj: object
    left_out: list  # [editorial.left_out.LeftOut]


def unsaved(form, formsets):
    """The object of a bound, validated change ``form`` with the rows of its inline
    ``formsets``, in memory, as readers would see it published; nothing is written."""
    keys = itertools.count(UNSAVED_KEYS_FROM)
    obj = form.instance
    if hasattr(obj, "slug") and not obj.slug:
        obj.slug = "preview"  # its address needs one; a save would refuse it empty
    _as_published(obj)
    _render(obj)
    if obj.pk is None:
        obj.pk = next(keys)
    held = _hold_many_to_many(obj, form)
    for formset in formsets:
        held += _hold_rows(obj, formset, keys)
    left_out = obj.left_out_for_readers() if hasattr(obj, "left_out_for_readers") else []
    for owner, name in held:
        _narrow(owner, name)
    return Unsaved(obj, left_out)


def _as_published(obj):
    """Make ``obj`` public, as its publication would (``Workflow.save`` dates the first)."""
    if isinstance(obj, Workflow):
        obj.status = Workflow.Status.PUBLISHED
        obj.publish_at = None
        first = obj.first_public_field
        if first and not getattr(obj, first):
            setattr(obj, first, timezone.localdate())
    elif isinstance(obj, Publishable):
        for name in obj.visibility_fields:  # a hot topic's "published"
            if isinstance(obj._meta.get_field(name), models.BooleanField):
                setattr(obj, name, True)


def _render(instance):
    if isinstance(instance, MarkupOwner):
        instance.render_in_memory()


def _ticked_for_deletion(formset, form):
    # Read from the posted box itself: ``formset.deleted_forms`` is empty while any row of
    # the formset has an error, and the preview draws invalid forms too.
    return bool(formset.can_delete and form[DELETION_FIELD_NAME].data)


def _hold_rows(obj, formset, keys):
    """Hold ``obj``'s rows of one inline: the form's valid rows as typed, new rows with
    a lent key, rows ticked for deletion left out, and the stored rows the form does not
    show (or shows with errors) as stored. Returns what it held, for narrowing."""
    fk = formset.fk
    rows, shown, held = [], set(), []
    for form in formset.forms:
        row = form.instance
        stored = not row._state.adding
        if _ticked_for_deletion(formset, form):
            if stored:
                shown.add(row.pk)
            continue
        if not form.is_valid() or (not stored and not form.has_changed()):
            continue  # an empty extra row; a row with errors stays as stored, or out
        _render(row)
        if stored:
            shown.add(row.pk)
        elif row.pk is None:
            row.pk = next(keys)
        rows.append(row)
        held += _hold_many_to_many(row, form)
    if not obj._state.adding:
        rows += fk.model._default_manager.filter(**{fk.attname: obj.pk}).exclude(pk__in=shown)
    for row in rows:
        setattr(row, fk.name, obj)
    targets = [
        f.name
        for f in fk.model._meta.concrete_fields
        if f.is_relation and f.many_to_one and f.editable and f != fk
    ]
    prefetch_related_objects(rows, *targets)
    rows = _in_model_order(rows, fk)
    if fk.one_to_one:  # a cell's verdict card: the form has one, or none
        fk.remote_field.set_cached_value(obj, rows[0] if rows else None)
        return [*held, (obj, fk.remote_field)]
    name = fk.remote_field.get_accessor_name()
    _hold(obj, name, rows)
    return [*held, (obj, name)]


def _hold_many_to_many(instance, form):
    """Hold the many-to-many fields ``form`` edits on ``instance``, from its cleaned data
    (a subject typed that does not exist yet is an unsaved tag); [(instance, name)]."""
    held = []
    for field in instance._meta.many_to_many:
        if field.name not in form.fields or field.name not in form.cleaned_data:
            continue
        chosen = list(form.cleaned_data[field.name] or [])
        if any(isinstance(value, str) for value in chosen):  # taggit's names
            chosen = _tags_named(field.remote_field.model, chosen)
        _hold(instance, field.name, chosen)
        held.append((instance, field.name))
    return held


def _tags_named(tag_model, names):
    found = {tag.name: tag for tag in tag_model._default_manager.filter(name__in=names)}
    tags = []
    for name in dict.fromkeys(names):
        tag = found.get(name) or tag_model(name=name)
        tag.slug = tag.slug or tag.slugify(name)
        tags.append(tag)
    return tags


def _hold(instance, name, rows):
    """Put ``rows`` in the cache a prefetch of ``instance.<name>`` fills, as Django does
    (``prefetch_related_objects``): ``instance.<name>.all()`` then reads them."""
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache.pop(name, None)
    queryset = getattr(instance, name).all()  # lazy: never evaluated
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    cache[name] = queryset


def _in_model_order(rows, fk):
    """``rows`` in their model's order (``Meta.ordering``, as the pages order them), the
    key to the object they belong to aside."""
    for term in reversed(fk.model._meta.ordering):
        name = term.lstrip("-")
        if name in (fk.name, fk.attname) or "__" in name:
            continue
        attname = "pk" if name == "pk" else fk.model._meta.get_field(name).attname
        rows = sorted(
            rows,
            key=lambda row, a=attname: (getattr(row, a) is not None, getattr(row, a)),
            reverse=term.startswith("-"),
        )
    return rows


def _hidden(row):
    """Whether readers' pages leave ``row`` out: it is, or points at, something readers may
    not see (an entry whose document is a draft), as the pages' queries ask
    ``visible_to``; the object previewed is public."""
    if isinstance(row, Publishable):
        return not row.is_public
    for field in row._meta.concrete_fields:
        if field.many_to_one and issubclass(field.related_model, Publishable):
            if getattr(row, field.attname) is not None and not getattr(row, field.name).is_public:
                return True
    return False


def _narrow(owner, name):
    """Leave out of a held relation what readers would not see."""
    if isinstance(name, models.ForeignObjectRel):  # a one-to-one row
        row = name.get_cached_value(owner)
        if row is not None and _hidden(row):
            name.set_cached_value(owner, None)
        return
    _hold(owner, name, [row for row in getattr(owner, name).all() if not _hidden(row)])


def previewed(request, model):
    """The unsaved object of ``model`` a preview asks ``request``'s view to draw, or None."""
    obj = getattr(request, "previewed", None)
    return obj if isinstance(obj, model) else None


def render_for_readers(obj):
    """The HTML of ``obj``'s page, through its real view and templates, for a reader; the
    view draws ``obj`` as held in memory (see :func:`previewed`)."""
    url = obj.get_absolute_url()
    request = RequestFactory().get(url, HTTP_HOST="localhost")
    request.user = AnonymousUser()
    request.previewed = obj
    match = resolve(request.path)
    response = match.func(request, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    return response.content.decode()
