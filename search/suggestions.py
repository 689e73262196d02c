"""Never a bare "no results": what the search page offers when a search finds nothing."""

import difflib
import re

from taggit.models import Tag

from studies.models import Document

from .matching import DOCUMENTS, visible_entries
from .query import parse, stem, words_of


def _count(user, query, engine):
    return visible_entries(user, DOCUMENTS).filter(engine.match(query)).count()


def suggest(page, user, query, engine, groups, cells):
    """Never a bare "no results": a corrected spelling that finds something, the words
    joined by "or", and the nearest subjects and cells."""
    words = [w for w in query.words() if w.isalpha() and len(w) > 2]
    known = engine.known_words(words)
    corrected = page.params.q
    changed = False
    for word in words:
        if word in known:
            continue
        better = engine.suggest_word(word)
        if better and better != word:
            corrected = re.sub(rf"(?i)\b{re.escape(word)}\b", better, corrected)
            changed = True
    if changed:
        retry = parse(corrected, groups)
        if not retry.error and _count(user, retry, engine):
            page.did_you_mean = corrected
    plain = words_of(page.params.q)
    if len(plain) > 1:
        any_words = " or ".join(plain)
        retry = parse(any_words, groups)
        if not retry.error and not retry.is_empty and _count(user, retry, engine):
            page.any_words = any_words
    stems = {stem(w) for w in words_of(page.params.q)}
    page.near_subjects = _near_subjects(user, page.params.q, stems)
    page.near_cells = _near_cells(stems, cells)


def _near_subjects(user, text, stems, limit=6):
    visible = Document.objects.visible_to(user)
    tags = Tag.objects.filter(
        taggit_taggeditem_items__object_id__in=visible.values("pk"),
        taggit_taggeditem_items__content_type__model="document",
    ).distinct()
    scored = []
    for tag in tags:
        tag_stems = {stem(w) for w in words_of(tag.name)}
        overlap = len(stems & tag_stems)
        ratio = difflib.SequenceMatcher(None, text.lower(), tag.name.lower()).ratio()
        if overlap or ratio >= 0.6:
            scored.append((-overlap, -ratio, tag.name.lower(), tag))
    return [tag for *_, tag in sorted(scored)[:limit]]


def _near_cells(stems, cells, limit=6):
    scored = []
    for cell in cells.values():
        overlap = len(stems & {stem(w) for w in words_of(cell.words)})
        if overlap:
            scored.append((-overlap, not cell.has_content, cell.matrix_position, cell.code, cell))
    return [cell for *_, cell in sorted(scored, key=lambda s: s[:4])[:limit]]
