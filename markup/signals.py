from django.db.models.signals import post_delete
from django.dispatch import receiver

from editorial.signals import visibility_changed

from .models import Anchor, Link, MarkupOwner, links_into_page, refresh_texts


@receiver(post_delete)
def forget_anchors(sender, instance, **kwargs):
    if isinstance(instance, MarkupOwner):
        Anchor.objects.filter(source=instance.anchor_source()).delete()
        Link.objects.filter(source=instance.anchor_source()).delete()


@receiver(visibility_changed)
def relink_texts(sender, instance, **kwargs):
    """A page was hidden or published: texts linking to it become plain text, or links."""
    if isinstance(instance, MarkupOwner) and instance.is_page():
        page = instance.markup_page()
        sources = links_into_page(page).exclude(page=page).values_list("source", flat=True)
        refresh_texts(sources)
