"""Merging subjects: one multi-step write, kept in one transaction."""

from django.db import transaction
from taggit.models import Tag, TaggedItem

from editorial.refreshers import Write, refresh
from studies.models import Document

from .models import SubjectRedirect


@transaction.atomic
def merge_subjects(target, sources):
    """Move every document of ``sources`` to ``target``, point their old addresses (and any
    that pointed at them) to ``target``, delete them, and refresh what shows the documents
    affected."""
    sources = [s for s in sources if s.pk != target.pk]
    source_ids = [s.pk for s in sources]
    items = list(TaggedItem.objects.filter(tag_id__in=source_ids).order_by("pk"))
    affected = {item.object_id for item in items}
    carried = set(TaggedItem.objects.filter(tag=target).values_list("content_type_id", "object_id"))
    duplicates, moving = [], []
    for item in items:
        key = (item.content_type_id, item.object_id)
        (duplicates if key in carried else moving).append(item.pk)
        carried.add(key)
    TaggedItem.objects.filter(pk__in=duplicates).delete()
    TaggedItem.objects.filter(pk__in=moving).update(tag=target)
    SubjectRedirect.objects.filter(subject_id__in=source_ids).update(subject=target)
    for source in sources:
        SubjectRedirect.objects.update_or_create(old_slug=source.slug, defaults={"subject": target})
    Tag.objects.filter(pk__in=source_ids).delete()
    # Tagged items were moved with an update, which no refresher hears of: say so (the search
    # index, and the pages showing the documents and the subject).
    refresh([Write(target, related=(Document, frozenset(affected)))])
    return len(affected)
