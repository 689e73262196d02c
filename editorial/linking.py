"""Texts that link here: where they show a thing, and rendering them again when it is
published, hidden or deleted (a link to a hidden page shows as plain text)."""

from markup.models import Anchor, Link, MarkupOwner, links_into_page, refresh_texts

from .places import Place


def texts_linking_here(obj, user=None):
    """A place provider (``editorial.places``) for every model."""
    if not (isinstance(obj, MarkupOwner) and obj.is_page()):
        return []
    page = obj.markup_key()
    links = links_into_page(page).exclude(page=page).order_by("label")
    return [Place(kind="linked from", title=f"{link.label} → {link.target}") for link in links]


def refresh_linking_texts(writes):
    """The refresher of texts that link here, and of the link registry's rows of deleted
    objects."""
    for write in writes:
        instance = write.instance
        if not isinstance(instance, MarkupOwner):
            continue
        if write.deleted:
            Anchor.objects.filter(source=instance.anchor_source()).delete()
            Link.objects.filter(source=instance.anchor_source()).delete()
        elif write.visibility_changed and instance.is_page():
            page = instance.markup_key()
            sources = links_into_page(page).exclude(page=page).values_list("source", flat=True)
            refresh_texts(sources)
