from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Anchor, Link, MarkupOwner


@receiver(post_delete)
def forget_anchors(sender, instance, **kwargs):
    if isinstance(instance, MarkupOwner):
        Anchor.objects.filter(source=instance.anchor_source()).delete()
        Link.objects.filter(source=instance.anchor_source()).delete()
