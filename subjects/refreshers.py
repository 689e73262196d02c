"""Subjects' refresher: a renamed subject's old address redirects to its new one (links in
emails and feeds keep working)."""

from django.contrib.contenttypes.models import ContentType
from taggit.models import Tag, TaggedItem

from studies.models import Document

from .models import SubjectRedirect, SubjectTally

NAME = "subject addresses"


def remember(instance):
    """A subject's address before it is saved."""
    if isinstance(instance, Tag) and instance.pk:
        return Tag.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    return None


def keep_old_addresses(writes):
    for write in writes:
        instance = write.instance
        if not isinstance(instance, Tag) or write.created or write.deleted or write.related:
            continue
        old = write.remembered.get(NAME)
        if not old or old == instance.slug:
            continue
        SubjectRedirect.objects.filter(old_slug=instance.slug).delete()  # it is live again
        SubjectRedirect.objects.update_or_create(old_slug=old, defaults={"subject": instance})


TALLY = "subject tallies"


def tally_subjects(writes):
    """Keep each subject's count of documents readers see (``SubjectTally``) current: a
    subject's links added or removed, a document published, withdrawn or deleted, subjects
    merged. Only the subjects touched are counted again."""
    tags = set()
    for write in writes:
        touched = _subjects_touched(write)
        if touched is None:  # all of a document's subjects cleared at once: which is not said
            SubjectTally.objects.recount()
            return
        tags.update(touched)
    if tags:
        SubjectTally.objects.recount(tags)


def _subjects_touched(write):
    """The subjects whose count ``write`` may change (None: any of them)."""
    instance = write.instance
    if isinstance(instance, TaggedItem):
        document_type = ContentType.objects.get_for_model(Document).pk
        return [instance.tag_id] if instance.content_type_id == document_type else []
    if isinstance(instance, Tag):
        return [] if write.deleted else [instance.pk]
    if not isinstance(instance, Document):
        return []
    if write.related:
        model, keys = write.related
        if model is not Tag:
            return []
        return list(keys) if keys else None
    if write.visibility_changed and not write.deleted:
        return list(instance.tags.values_list("pk", flat=True))
    return []
