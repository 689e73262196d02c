"""What a search matches: the index rows a user may see, and the documents a search's words
find (with the synonyms, parse and stemming every search uses)."""

from editorial.visibility import sees_unpublished

from . import backends
from .models import SearchEntry, SynonymGroup
from .query import PREFIX_MIN, parse, words_of


def synonym_groups():
    terms = SynonymGroup.objects.order_by("pk").values_list("terms", flat=True)
    return [SynonymGroup.terms_in(text) for text in terms]


def visible_entries(user, kinds):
    qs = SearchEntry.objects.filter(kind__in=kinds)
    return qs if sees_unpublished(user) else qs.filter(SearchEntry.public_q(kinds=kinds))


DOCUMENTS = [SearchEntry.Kind.DOCUMENT]
PAGES = [SearchEntry.Kind.CELL, SearchEntry.Kind.SECTION, SearchEntry.Kind.TOPIC]


def understand(text, engine, groups):
    """``text`` parsed with the synonym list and the bank's own words: a word the bank does
    not hold may be cut short (``query.parse``)."""
    words = [w for w in words_of(text) if len(w) >= PREFIX_MIN]
    return parse(text, groups, known=engine.known_words(words) if words else set())


def documents_matching(user, text):
    query = understand(text, backends.backend(), synonym_groups())
    if query.error or query.is_empty:
        return SearchEntry.objects.none().values_list("document_id", flat=True)
    entries = visible_entries(user, DOCUMENTS).filter(backends.backend().match(query))
    return entries.values_list("document_id", flat=True)
