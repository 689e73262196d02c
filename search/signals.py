"""Receivers that keep the index current whenever something it reads is saved or deleted."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from editorial.signals import visibility_changed
from matrix.models import BiteSection, Cell, CellEntry
from studies.models import Document, DocumentAuthor, DocumentSection
from topics.models import HotTopic

from . import indexing


def _document_exists(pk):
    return Document.objects.filter(pk=pk).exists()


@receiver(post_save, sender=Document)
def document_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        indexing.reindex_documents([instance.pk])


@receiver(post_save, sender=DocumentAuthor)
@receiver(post_delete, sender=DocumentAuthor)
@receiver(post_save, sender=DocumentSection)
@receiver(post_delete, sender=DocumentSection)
@receiver(post_save, sender=CellEntry)
@receiver(post_delete, sender=CellEntry)
def document_part_changed(sender, instance, raw=False, **kwargs):
    if not raw and _document_exists(instance.document_id):
        indexing.reindex_documents([instance.document_id])


@receiver(m2m_changed, sender=Document.tags.through)
def document_tags_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Document):
        indexing.reindex_documents([instance.pk])


@receiver(post_save, sender=TaggedItem)
@receiver(post_delete, sender=TaggedItem)
def tagged_item_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.content_type.model_class() is Document:
        if _document_exists(instance.object_id):
            indexing.reindex_documents([instance.object_id])


# Tags are saved as taggit's Tag or as the subjects app's proxy of it: listen for both.
@receiver(pre_save)
def remember_tag_name(sender, instance, **kwargs):
    if not isinstance(instance, Tag):
        return
    instance._name_before = (
        Tag.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save)
def tag_renamed(sender, instance, created, raw=False, **kwargs):
    if not isinstance(instance, Tag) or raw or created:
        return
    if getattr(instance, "_name_before", instance.name) != instance.name:
        indexing.reindex_documents(
            Document.objects.filter(tags=instance).values_list("pk", flat=True)
        )


@receiver(post_save, sender=Cell)
def cell_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        indexing.reindex_cells([instance.pk])


@receiver(visibility_changed, sender=Cell)
def cell_visibility_changed(sender, instance, **kwargs):
    # The headlines and annotations of its entries are indexed only while readers see it.
    indexing.reindex_documents(instance.entries.values_list("document_id", flat=True))


@receiver(post_save, sender=BiteSection)
def section_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        indexing.reindex_sections([instance.pk])


@receiver(post_save, sender=HotTopic)
def topic_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        indexing.reindex_topics([instance.pk])
