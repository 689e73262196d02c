"""Never a bare "no results": what the search page offers when a search finds little or
nothing, and where studies on it would sit in the matrices."""

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from matrix.models import Column, Row, covered_terms
from studies.models import Document

from .matching import DOCUMENTS, visible_entries
from .query import STOP_WORDS, parse, stem, words_of

# Subjects are scored on their names first; only this many best are checked for a document
# the reader may see.
SUBJECT_CANDIDATES = 20


def _any(user, query, engine):
    return visible_entries(user, DOCUMENTS).filter(engine.match(query)).exists()


def suggest(page, user, query, engine, groups, cells, spelling_only=False):
    """Never a bare "no results": a corrected spelling that finds something, the words
    joined by "or", and the nearest subjects and cells. ``spelling_only``: the search found
    documents with some of its words; a misspelt word may be why none has them all."""
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
        if not retry.error and _any(user, retry, engine):
            page.did_you_mean = corrected
    if spelling_only:
        return
    plain = [w for w in words_of(page.params.q) if w not in STOP_WORDS]
    if len(plain) > 1:
        any_words = " or ".join(dict.fromkeys(plain))
        retry = parse(any_words, groups)
        if not retry.error and not retry.is_empty and _any(user, retry, engine):
            page.any_words = any_words
    stems = {stem(w) for w in plain}
    page.near_subjects = _near_subjects(user, page.params.q, stems)
    page.near_cells = _near_cells(stems, cells)


def _near_subjects(user, text, stems, limit=6):
    """Subjects whose names share a word with the search, or look like it, that the reader
    may see a document under: names scored first (the subject list is short), then an
    EXISTS per candidate, which stops at its first visible document."""
    scored = []
    for pk, name in Tag.objects.values_list("pk", "name"):
        overlap = len(stems & {stem(w) for w in words_of(name)})
        ratio = difflib.SequenceMatcher(None, text.lower(), name.lower()).ratio()
        if overlap or ratio >= 0.6:
            scored.append((-overlap, -ratio, name.lower(), pk))
    best = [pk for *_, pk in sorted(scored)[:SUBJECT_CANDIDATES]]
    if not best:
        return []
    documents = ContentType.objects.get_for_model(Document)
    tags = Tag.objects.in_bulk(best)
    found = []
    for pk in best:
        # One small query per candidate, best first, until there are enough: each reads
        # the subject's taggings in order and stops at its first visible document (as one
        # statement, the planner joins every tagging of every candidate instead).
        visible = Document.objects.visible_to(user).filter(pk=OuterRef("object_id"))
        tagged = TaggedItem.objects.filter(tag_id=pk, content_type=documents)
        if tagged.filter(Exists(visible)).exists():
            found.append(tags[pk])
            if len(found) == limit:
                break
    return found


def _near_cells(stems, cells, limit=6):
    scored = []
    for cell in cells.values():
        overlap = len(stems & {stem(w) for w in words_of(cell.words)})
        if overlap:
            scored.append((-overlap, not cell.has_content, cell.matrix_position, cell.code, cell))
    return [cell for *_, cell in sorted(scored, key=lambda s: s[:4])[:limit]]


@dataclass
class Placement:
    """Where studies on a search would sit in one matrix: rows and columns whose ``covers``
    words it uses, and the cells where they cross (or the whole row)."""

    matrix_name: str
    matrix_slug: str
    rows: list = field(default_factory=list)  # [(number, name, url)]
    columns: list = field(default_factory=list)  # [(code, name)]
    cells: list = field(default_factory=list)  # [CellLabel] readers may see
    words: list = field(default_factory=list)  # the words of the search that placed it

    @property
    def follow_key(self):
        if len(self.cells) == 1:
            return f"cell:{self.cells[0].key}"
        if len(self.rows) == 1:
            return f"row:{self.matrix_slug}/{self.rows[0][0]}"
        return f"matrix:{self.matrix_slug}"


@lru_cache(maxsize=256)
def _stemmed(covers):
    """A row's or column's ``covers`` as (term, its stemmed words), worked out once."""
    return tuple((term, tuple(stem(w) for w in words_of(term))) for term in covered_terms(covers))


def _uses(stems, covers):
    """The terms of ``covers`` (each a run of words) that ``stems``, the search's stemmed
    words, spell."""
    found = []
    for term, run in _stemmed(covers):
        n = len(run)
        if n and any(tuple(stems[i : i + n]) == run for i in range(len(stems) - n + 1)):
            found.append(term)
    return found


def where_it_sits(query, cells):
    """[Placement] for each matrix whose rows or columns cover words of the search."""
    stems = [stem(w) for w in words_of(query.text) if w not in STOP_WORDS]
    if not stems:
        return []
    placements = {}
    # Rows and columns in one statement: (row number or column code, name, covers, matrix).
    fields = ("name", "covers", "matrix__slug", "matrix__name")
    number = Cast("number", CharField())
    rows = Row.objects.exclude(covers="").order_by().values_list(number, *fields)
    columns = Column.objects.exclude(covers="").order_by().values_list("code", *fields)
    for key, name, covers, slug, matrix_name in rows.union(columns, all=True).order_by():
        used = _uses(stems, covers)
        if not used:
            continue
        found = placements.setdefault(slug, Placement(matrix_name, slug))
        if key.isdigit():
            number = int(key)
            found.rows.append((number, name, reverse("matrix:row", args=[slug, number])))
        else:
            found.columns.append((key, name))
        found.words += used
    for found in placements.values():
        numbers = {n for n, _, _ in found.rows}
        codes = {c for c, _ in found.columns}
        found.cells = sorted(
            (
                cell
                for cell in cells.values()
                if cell.matrix_slug == found.matrix_slug
                and (not numbers or cell.row_number in numbers)
                and (not codes or cell.column_code in codes)
                and (numbers or codes)
            ),
            key=lambda c: (c.row_number, c.column_code),
        )
        found.rows.sort()
        found.columns.sort()
        found.words = list(dict.fromkeys(found.words))
    ordered = sorted(placements.values(), key=lambda p: p.matrix_slug)
    # A column alone (every row of it) says little: only rows, or rows and columns.
    return [p for p in ordered if p.rows]
