"""Where the bank itself shows a document: in the analyses that feature it."""

from editorial.places import Place

from .models import Document


def analyses_featuring(document, user=None):
    analyses = Document.objects.visible_to(user).filter(featured_links__study=document)
    return [
        Place(kind="featured in", title=str(analysis), url=analysis.get_absolute_url())
        for analysis in analyses.order_by("title")
    ]
