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
    tags, everything = set(), False
    document_type = None
    for write in writes:
        instance = write.instance
        if isinstance(instance, TaggedItem):
            if document_type is None:
                document_type = ContentType.objects.get_for_model(Document).pk
            if instance.content_type_id == document_type:
                tags.add(instance.tag_id)
        elif isinstance(instance, Tag):
            if not write.deleted:
                tags.add(instance.pk)
        elif isinstance(instance, Document):
            if write.related:
                model, keys = write.related
                if model is Tag:
                    if keys:
                        tags.update(keys)
                    else:  # all cleared at once: which ones is not said
                        everything = True
            elif write.visibility_changed and not write.deleted:
                tags.update(instance.tags.values_list("pk", flat=True))
    if everything:
        SubjectTally.objects.recount()
    elif tags:
        SubjectTally.objects.recount(tags)
