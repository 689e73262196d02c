"""What a reader can follow, named and checked, and which changes concern each.

Targets are strings: ``matrix:alcohol``, ``row:alcohol/4``, ``column:alcohol/E``,
``cell:alcohol/E4``, ``topic:slug``, ``subject:slug``, ``search:words``. Only what readers
may see can be followed.
"""

import re
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from taggit.models import TaggedItem

from editorial.models import Change
from matrix.models import Cell, CellEntry, Column, Matrix, Row
from search.models import SearchEntry
from studies.models import Document
from subjects.models import Subject
from topics.models import HotTopic, TopicDocument

READER = AnonymousUser()
SEARCH_MAX = 200


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    url: str = ""


def cell_keys(matrix_slug, column_code, row_number):
    """A cell concerns its own followers and those of its row, column and matrix."""
    return {
        f"cell:{matrix_slug}/{column_code}{row_number}",
        f"row:{matrix_slug}/{row_number}",
        f"column:{matrix_slug}/{column_code}",
        f"matrix:{matrix_slug}",
    }


def describe(key):
    """The Target a key names, if readers may see it; None otherwise."""
    kind, _, rest = key.partition(":")
    rest = rest.strip()
    if kind == "search":
        words = " ".join(rest.split())[:SEARCH_MAX]
        return Target(f"search:{words}", f"searches for “{words}”") if words else None
    if kind == "matrix":
        matrix = Matrix.objects.filter(slug=rest).first()
        return matrix and Target(key, matrix.title, matrix.get_absolute_url())
    if kind in ("row", "column", "cell"):
        m = re.fullmatch(r"([a-z0-9-]+)/([A-E]?)([1-5]?)", rest)
        if not m:
            return None
        slug, column, number = m.groups()
        if kind == "row" and number and not column:
            row = Row.objects.select_related("matrix").filter(matrix__slug=slug, number=number)
            row = row.first()
            return row and Target(
                key, f"{row.matrix.name} row {row.number}: {row.name}", row.get_absolute_url()
            )
        if kind == "column" and column and not number:
            col = Column.objects.select_related("matrix").filter(matrix__slug=slug, code=column)
            col = col.first()
            return col and Target(
                key,
                f"{col.matrix.name} column {col.code}: {col.name}",
                f"{col.matrix.get_absolute_url()}?col={col.code}",
            )
        if kind == "cell" and column and number:
            cell = (
                Cell.objects.visible_to(READER)
                .with_labels()
                .filter(matrix__slug=slug, column__code=column, row__number=number)
                .first()
            )
            return cell and Target(key, cell.title, cell.get_absolute_url())
        return None
    if kind == "topic":
        topic = HotTopic.objects.visible_to(READER).filter(slug=rest).first()
        return topic and Target(key, f"the hot topic “{topic.title}”", topic.get_absolute_url())
    if kind == "subject":
        subject = Subject.objects.with_visible_counts(READER).filter(slug=rest).first()
        return subject and Target(key, f"the subject “{subject.name}”", subject.get_absolute_url())
    return None


def choices():
    """Everything a reader may tick on their preferences page, grouped."""
    matrices = list(Matrix.objects.all())
    rows = Row.objects.select_related("matrix").order_by("matrix__position", "number")
    columns = Column.objects.select_related("matrix").order_by("matrix__position", "code")
    cells = (
        Cell.objects.visible_to(READER)
        .with_labels()
        .order_by("matrix__position", "row__number", "column__code")
    )
    topics = HotTopic.objects.visible_to(READER).order_by("title")
    subjects = Subject.objects.with_visible_counts(READER).order_by("name")
    return {
        "Matrices": [(f"matrix:{m.slug}", m.title) for m in matrices],
        "Rows": [
            (f"row:{r.matrix.slug}/{r.number}", f"{r.matrix.name} row {r.number}: {r.name}")
            for r in rows
        ],
        "Columns": [
            (f"column:{c.matrix.slug}/{c.code}", f"{c.matrix.name} column {c.code}: {c.name}")
            for c in columns
        ],
        "Cells": [(f"cell:{c.key}", f"{c.matrix.name} {c.code}: {c.short_title}") for c in cells],
        "Hot topics": [(f"topic:{t.slug}", t.title) for t in topics],
        "Subjects": [(f"subject:{t.slug}", t.name) for t in subjects],
    }


def keys_of_changes(changes):
    """{change id: the follow keys it concerns}, in a few queries however many changes.

    A document's change concerns the cells it sits in (and their rows, columns and
    matrices), the hot topics listing it and its subjects; a cell's change, the cell and its
    row, column and matrix. Saved searches are matched separately (``search_matches``).
    """
    changes = list(changes)
    by_model = {}
    for change in changes:
        by_model.setdefault(change.content_type.model_class(), []).append(change)
    keys = {change.pk: set() for change in changes}

    documents = {c.object_id: c for c in by_model.get(Document, [])}
    if documents:
        entries = CellEntry.objects.filter(
            document_id__in=documents, cell__in=Cell.objects.visible_to(READER)
        ).values_list(
            "document_id", "cell__matrix__slug", "cell__column__code", "cell__row__number"
        )
        for doc_id, slug, column, number in entries:
            keys[documents[doc_id].pk] |= cell_keys(slug, column, number)
        listed = TopicDocument.objects.filter(
            document_id__in=documents, topic__in=HotTopic.objects.visible_to(READER)
        ).values_list("document_id", "topic__slug")
        for doc_id, slug in listed:
            keys[documents[doc_id].pk].add(f"topic:{slug}")
        tagged = TaggedItem.objects.filter(document__in=list(documents)).values_list(
            "object_id", "tag__slug"
        )
        for doc_id, slug in tagged:
            keys[documents[doc_id].pk].add(f"subject:{slug}")

    cells = {c.object_id: c for c in by_model.get(Cell, [])}
    for cell in Cell.objects.filter(pk__in=cells).values_list(
        "pk", "matrix__slug", "column__code", "row__number"
    ):
        pk, slug, column, number = cell
        keys[cells[pk].pk] |= cell_keys(slug, column, number)
    return keys


def search_matches(queries, changes):
    """{"search:words": {change ids}} for the saved searches among ``queries``."""
    documents = {c.object_id: c.pk for c in changes if c.content_type.model_class() is Document}
    found = {}
    if not documents:
        return found
    for query in queries:
        words = query.partition(":")[2]
        matched = SearchEntry.objects.documents_matching(READER, words).filter(
            document_id__in=documents
        )
        found[query] = {documents[pk] for pk in matched}
    return found


def visible_changes():
    return Change.objects.visible_to(READER).select_related("content_type")


def in_scope(subscriber_keys, everything, change_keys):
    """Whether a reader following ``subscriber_keys`` should hear of a change."""
    return everything or bool(subscriber_keys & change_keys)
