from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from taggit.models import Tag

from .models import SubjectRedirect


@receiver(pre_save)
def remember_slug(sender, instance, **kwargs):
    if not isinstance(instance, Tag):
        return
    instance._slug_before = (
        Tag.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save)
def keep_old_address(sender, instance, created, raw=False, **kwargs):
    """A renamed subject's old address redirects to its new one (links in emails, feeds)."""
    if not isinstance(instance, Tag):
        return
    old = getattr(instance, "_slug_before", None)
    if raw or created or not old or old == instance.slug:
        return
    SubjectRedirect.objects.filter(old_slug=instance.slug).delete()  # it is live again
    SubjectRedirect.objects.update_or_create(old_slug=old, defaults={"subject": instance})
