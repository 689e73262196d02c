"""The markup's answer to "where is this shown?": the texts that link to it."""

from editorial.places import Place

from .models import MarkupOwner, links_into_page


def texts_linking_here(obj, user=None):
    if not (isinstance(obj, MarkupOwner) and obj.is_page()):
        return []
    page = obj.markup_page()
    links = links_into_page(page).exclude(page=page).order_by("label")
    return [Place(kind="linked from", title=f"{link.label} → {link.target}") for link in links]
