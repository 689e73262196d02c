"""What a search matches: the index rows a user may see, and the documents a search's words
find (with the synonyms, parse and stemming every search uses)."""

from editorial.visibility import sees_unpublished

from . import backends
from .models import SearchEntry, SynonymGroup
from .query import parse


def synonym_groups():
    terms = SynonymGroup.objects.order_by("pk").values_list("terms", flat=True)
    return [SynonymGroup.terms_in(text) for text in terms]


def visible_entries(user, kinds):
    qs = SearchEntry.objects.filter(kind__in=kinds)
    return qs if sees_unpublished(user) else qs.filter(SearchEntry.public_q(kinds=kinds))


DOCUMENTS = [SearchEntry.Kind.DOCUMENT]
PAGES = [SearchEntry.Kind.CELL, SearchEntry.Kind.SECTION, SearchEntry.Kind.TOPIC]


def documents_matching(user, text):
    query = parse(text, synonym_groups())
    if query.error or query.is_empty:
        return SearchEntry.objects.none().values_list("document_id", flat=True)
    entries = visible_entries(user, DOCUMENTS).filter(backends.backend().match(query))
    return entries.values_list("document_id", flat=True)
