"""What a page of results holds: documents found (with a snippet and the cells they sit in,
as the index row read them) and the cells, Matrix Bite sections and hot topics a search finds."""

import html
import math
import re
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Prefetch

from matrix.models import BiteSection, CellEntry, CellLabel, Role
from ops.addresses import address
from studies.models import Document, DocumentAuthor

from . import backends
from .matching import PAGES, visible_entries
from .models import SearchEntry
from .query import ParsedQuery

HIGHLIGHT_RE = re.compile(f"{backends.START}(.*?){backends.STOP}", re.S)


@dataclass
class DocumentResult:
    document: Document
    snippet: str
    places: list  # [Place]: where readers find it in the matrices


@dataclass(slots=True)
class Place:
    """A cell a result sits in (as the page's CellLabel), with its roles and headline there."""

    cell: CellLabel
    roles: str
    headline: str
    document_slug: str

    @property
    def role_list(self):
        return [Role(code) for code in self.roles]

    def get_absolute_url(self):
        return f"{self.cell.get_absolute_url()}#{CellEntry.anchor_for(self.document_slug)}"


@dataclass(slots=True)
class SectionHit:
    """A Matrix Bite section a search finds."""

    display_heading: str
    anchor: str
    cell: CellLabel

    def get_absolute_url(self):
        return BiteSection.address(self.cell.get_absolute_url(), self.anchor)


@dataclass(slots=True)
class TopicHit:
    """A hot topic a search finds."""

    title: str
    slug: str
    is_public: bool

    def get_absolute_url(self):
        return address("topics:topic", (self.slug,), ("zq0slug",))


class Hit(NamedTuple):
    """A row of ``Backend.page``: an index row found, with what a result shows of it."""

    entry_id: int
    document_id: int
    snippet: str
    kind: str
    status: str
    year: int | None
    placements: list
    listing: dict


class DocumentListing:
    """What a list of results (and the API's summary) shows of a document, read with the
    index row that found it (``SearchText.listing``, kept current when it is saved)."""

    __slots__ = ("pk", "kind", "status", "year", "slug", "title", "short_citation", "source",
                 "standfirst_html")  # fmt: skip

    def __init__(self, hit):
        self.pk, self.kind, self.status, self.year = hit.document_id, hit.kind, hit.status, hit.year
        listing = hit.listing
        self.slug, self.title, self.short_citation = (
            listing["slug"], listing["title"], listing["citation"]
        )  # fmt: skip
        self.source, self.standfirst_html = listing["source"], listing["standfirst_html"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return Document.address(self.slug)

    def get_kind_display(self):
        return Document.Kind(self.kind).label

    @property
    def is_public(self):
        return Document.status_is_public(self.status)

    @property
    def is_consultation_draft(self):
        return self.status == Document.Status.CONSULTATION


def highlight(snippet):
    """Escape a snippet, then turn only our own markers into <mark>."""
    escaped = html.escape(snippet.replace("\n", " "), quote=False)
    return (
        HIGHLIGHT_RE.sub(r"<mark>\1</mark>", escaped)
        .replace(backends.START, "")
        .replace(backends.STOP, "")
    )


def results_of(hits, cells, listing):
    """The page's results. With ``listing``, each document is read from its index row (a
    DocumentListing); otherwise whole, with its authors (feeds and exports cite it in full).
    Its places are its index row's placements in cells the user may see."""
    documents = {}
    if listing:
        documents = {h.document_id: DocumentListing(h) for h in hits if h.listing}
    missing = [h.document_id for h in hits if h.document_id not in documents]
    if missing:  # rows indexed before listings were kept: read those documents whole
        documents.update(
            (d.pk, d)
            for d in Document.objects.filter(pk__in=missing).prefetch_related(
                Prefetch("authorships", queryset=DocumentAuthor.objects.order_by("position", "pk"))
            )
        )
    results = []
    for hit in hits:
        document = documents.get(hit.document_id)
        if document is None:
            continue
        places = sorted(
            (
                Place(cells[cell_id], roles, headline[0] if headline else "", document.slug)
                for cell_id, _, roles, *headline in hit.placements
                if cell_id in cells
            ),
            key=lambda place: place.cell.order,
        )
        results.append(DocumentResult(document, highlight(hit.snippet), places))
    return results


def groups_of(user, query, engine, cells, limit=8, most_of=None):
    """Matching cells (as the page's CellLabels), Matrix Bite sections and hot topics (those
    the user may see), in one query over the few hundred index rows that are not documents.
    ``most_of``: clauses of which a page need only have most (at least half), those with
    most first, when none has them all."""
    # The match is a selected column, not a condition: as a condition the planner may read
    # the word's whole posting list (every document with it) to find a few dozen pages.
    clauses = most_of or [None]
    hits = {
        f"hit_{i}": engine.match(query if clause is None else ParsedQuery(query.text, [clause]))
        for i, clause in enumerate(clauses)
    }
    rows = (
        visible_entries(user, PAGES)
        .annotate(**hits)
        .order_by("kind", "id")
        .values_list(
            "kind", "cell_id", "section__cell_id", "section__heading", "section__kind",
            "section__anchor", "topic__title", "topic__slug", "topic__published", *hits,
        )
    )  # fmt: skip
    need = max(1, math.ceil(len(clauses) / 2))
    found_rows = []
    for kind, cell_id, section_cell, heading, section_kind, anchor, *rest in rows:
        topic, flags = rest[:3], rest[3:]
        covered = sum(bool(flag) for flag in flags)
        if covered < need:
            continue
        if kind == SearchEntry.Kind.CELL and cell_id in cells:
            found, name = cells[cell_id], "cells"
        elif kind == SearchEntry.Kind.SECTION and section_cell in cells:
            heading = BiteSection.heading_for(heading, section_kind)
            found, name = SectionHit(heading, anchor, cells[section_cell]), "sections"
        elif kind == SearchEntry.Kind.TOPIC:
            found, name = TopicHit(*topic), "topics"
        else:
            continue
        found_rows.append((-covered, name, found))
    groups = {"cells": [], "sections": [], "topics": []}
    for _, name, found in sorted(found_rows, key=lambda row: row[0]):
        if len(groups[name]) < limit:
            groups[name].append(found)
    return groups
