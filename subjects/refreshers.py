"""Subjects' refresher: a renamed subject's old address redirects to its new one (links in
emails and feeds keep working)."""

from taggit.models import Tag

from .models import SubjectRedirect

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
