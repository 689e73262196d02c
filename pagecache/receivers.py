"""Which saves drop which pages: a content object's tag, the tags of what it points at (before
and after), its list tag when it is created, deleted, published or hidden."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from .tags import label_of, list_tag, note, pointed_at, tag_for, tracked_models
from .versions import invalidate


def _seen(sender, instance, **kwargs):
    # Remember where the row pointed when loaded, so a change of parent drops both parents.
    instance._page_cache_pointed = pointed_at(instance) if instance.pk is not None else set()
    if instance.pk is not None:
        note(tag_for(instance))


def _saved(sender, instance, created=False, **kwargs):
    tags = {tag_for(instance)} | pointed_at(instance)
    tags |= getattr(instance, "_page_cache_pointed", set())
    if created:
        tags.add(list_tag(sender))
    instance._page_cache_pointed = pointed_at(instance)
    invalidate(tags)


def _deleted(sender, instance, **kwargs):
    tags = {tag_for(instance), list_tag(sender)} | pointed_at(instance)
    invalidate(tags | getattr(instance, "_page_cache_pointed", set()))


def _related_changed(sender, instance, action, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    tracked = tracked_models()
    tags = {tag_for(instance)} if isinstance(instance, tracked) else set()
    if model in tracked:
        tags |= {f"{label_of(model)}:{pk}" for pk in pk_set or ()}
    invalidate(tags)


def _visibility_changed(sender, instance, **kwargs):
    """Published or hidden: lists change, and so does every page that reaches it through a
    row pointing at it, which did not load it while it was hidden (an entry's cell)."""
    if not isinstance(instance, tracked_models()):
        return
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
    invalidate(tags)


def _content_changed(sender, instance, listed=False, **kwargs):
    """Stored HTML or state written without ``save()`` (texts rendered again, a bulletin
    marked sent)."""
    if isinstance(instance, tracked_models()):
        invalidate({tag_for(instance)} | ({list_tag(sender)} if listed else set()))


def connect():
    """Called from PageCacheConfig.ready()."""
    from editorial.signals import content_changed, visibility_changed

    for model in tracked_models():
        uid = f"page_cache:{model._meta.label_lower}"
        post_init.connect(_seen, sender=model, dispatch_uid=uid)
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    m2m_changed.connect(_related_changed, dispatch_uid="page_cache")
    visibility_changed.connect(_visibility_changed, dispatch_uid="page_cache")
    content_changed.connect(_content_changed, dispatch_uid="page_cache")
