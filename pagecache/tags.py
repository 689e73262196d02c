"""What a page shows: the tags of the rows it loaded and of the lists it shows."""

import contextvars
import functools

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType

EVERYTHING = "*"  # a tag on every page: bumped by bulk loads and restores

# The tags of the page being rendered, set by the middleware around the view.
collecting = contextvars.ContextVar("page_cache_tags", default=None)


def label_of(model):
    """A proxy's rows are its concrete model's (a subject is a taggit tag)."""
    return model._meta.concrete_model._meta.label_lower


def tag_for(instance):
    return f"{label_of(type(instance))}:{instance.pk}"


def list_tag(model):
    label = model.lower() if isinstance(model, str) else label_of(model)
    return f"list:{label}"


def note(*tags):
    """Add tags to the page being rendered, if one is."""
    collected = collecting.get()
    if collected is not None:
        collected.update(tags)


def shows_lists(*models):
    """A view showing rows of ``models`` it did not reach through a loaded object (the newest
    documents, every topic) is dropped when one is added, deleted, published or hidden."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            note(*(list_tag(model) for model in models))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def uncached(view):
    """A view whose page must never be stored (it depends on the hour, say)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request.page_cache_skip = True
        return view(request, *args, **kwargs)

    return wrapped


# Which rows a change touches -------------------------------------------------------------


@functools.cache
def tracked_models():
    """The models whose rows pages show, from ``PAGE_CACHE_CONTENT`` (app labels, or
    ``app.model`` for one model of an app)."""
    found = []
    for name in settings.PAGE_CACHE_CONTENT:
        if "." in name:
            found.append(apps.get_model(name))
        else:
            found.extend(apps.get_app_config(name).get_models())
    # Proxies of those models, wherever they are defined, load the same rows.
    found += [
        model
        for model in apps.get_models()
        if model._meta.proxy and model._meta.concrete_model in found and model not in found
    ]
    return tuple(found)


@functools.cache
def _pointers(model):
    """(foreign key attnames with the target's label), (generic keys) of ``model``."""
    keys = [
        (field.attname, label_of(field.related_model))
        for field in model._meta.concrete_fields
        if field.many_to_one or field.one_to_one
        if field.target_field.primary_key
    ]
    generic = [
        (field.ct_field + "_id", field.fk_field)
        for field in model._meta.private_fields
        if isinstance(field, GenericForeignKey)
    ]
    return keys, generic


def pointed_at(instance):
    # Read from __dict__: a deferred field must not cost a query per loaded row.
    values = instance.__dict__
    keys, generic = _pointers(type(instance))
    found = {f"{label}:{value}" for attname, label in keys if (value := values.get(attname))}
    for ct_attname, fk_attname in generic:
        ct_id, object_id = values.get(ct_attname), values.get(fk_attname)
        if ct_id and object_id is not None:
            model = ContentType.objects.get_for_id(ct_id).model_class()
            if model is not None:
                found.add(f"{label_of(model)}:{object_id}")
    return found
