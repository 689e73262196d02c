"""Which writes drop which pages: a content object's tag, the tags of what it points at
(before and after), its list tag when it is created, deleted, published or hidden. The
page cache's refresher (``editorial.refreshers``); ``post_init`` is the read side's
receiver, which notes the rows a page shows and where each pointed when loaded."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_init

from .tags import label_of, list_tag, note, pointed_at, tag_for, tracked_models
from .versions import invalidate


def _seen(sender, instance, **kwargs):
    # Remember where the row pointed when loaded, so a change of parent drops both parents.
    instance._page_cache_pointed = pointed_at(instance) if instance.pk is not None else set()
    if instance.pk is not None:
        note(tag_for(instance))


def drop_pages(writes):
    """The refresher: drop every page showing what ``writes`` wrote."""
    tags = set()
    tracked = tracked_models()
    for write in writes:
        instance = write.instance
        if write.related:
            tags |= _related_changed(instance, *write.related)
        elif not isinstance(instance, tracked):
            continue
        elif write.rendered_again or write.listed:
            # Stored HTML or state written without ``save()`` (texts rendered again, a
            # bulletin marked sent).
            tags |= {tag_for(instance)} | ({list_tag(write.model)} if write.listed else set())
        elif write.deleted:
            tags |= _deleted(instance)
        else:
            tags |= _saved(instance, write.created)
            if write.visibility_changed:
                tags |= _visibility_changed(instance)
    invalidate(tags)


def _saved(instance, created):
    tags = {tag_for(instance)} | pointed_at(instance)
    tags |= getattr(instance, "_page_cache_pointed", set())
    if created:
        tags.add(list_tag(type(instance)))
    instance._page_cache_pointed = pointed_at(instance)
    return tags


def _deleted(instance):
    tags = {tag_for(instance), list_tag(type(instance))} | pointed_at(instance)
    return tags | getattr(instance, "_page_cache_pointed", set())


def _related_changed(instance, model, pk_set):
    tracked = tracked_models()
    tags = {tag_for(instance)} if isinstance(instance, tracked) else set()
    if model in tracked:
        tags |= {f"{label_of(model)}:{pk}" for pk in pk_set}
    return tags


def _visibility_changed(instance):
    """Published or hidden: lists change, and so does every page that reaches it through a
    row pointing at it, which did not load it while it was hidden (an entry's cell)."""
    sender = type(instance)
    tracked = tracked_models()
    tags = {tag_for(instance), list_tag(sender)}
    for relation in sender._meta.related_objects:
        if not issubclass(relation.related_model, tracked):
            continue
        rows = relation.related_model._default_manager.filter(**{relation.field.name: instance})
        for row in rows.iterator():
            tags |= {tag_for(row)} | pointed_at(row)
    content_type = ContentType.objects.get_for_model(sender)
    for model in tracked:
        for field in model._meta.private_fields:
            if isinstance(field, GenericForeignKey):
                rows = model._default_manager.filter(
                    **{field.ct_field: content_type, field.fk_field: instance.pk}
                )
                for row in rows.iterator():
                    tags |= {tag_for(row)} | pointed_at(row)
    return tags


def connect():
    """Called from PageCacheConfig.ready(): the read side."""
    for model in tracked_models():
        post_init.connect(_seen, sender=model, dispatch_uid=f"page_cache:{model._meta.label_lower}")
