"""Keeping the search index current: the text of each document, cell, Matrix Bite section and
hot topic in four weights, the facts facets count, and the words "did you mean" knows.

A document's headlines and annotations are indexed only from cells readers may see, so that
a reader cannot find a document by the words of an unpublished cell; its placements are kept
for every cell and filtered by ``Cell.objects.visible_to`` when facets are counted.
"""

import html
import re
from collections import Counter

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from matrix.models import BiteSection, Cell, CellEntry
from studies.models import Country, Document, DocumentAuthor, DocumentSection
from topics.models import HotTopic

from . import facets
from .models import RankingBoosts, SearchEntry, SearchTerm, SearchText
from .query import STOP_WORDS

TAG_RE = re.compile(r"<[^>]+>")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TERM_RE = re.compile(r"[^\W\d_]{3,40}")
BATCH = 2000


def plain(markup_html):
    """Stored HTML as plain text (tags to spaces, entities decoded, control characters out)."""
    text = html.unescape(TAG_RE.sub(" ", markup_html or ""))
    return CONTROL_RE.sub(" ", " ".join(text.split()))


def _join(*parts):
    return " \n ".join(p for p in parts if p)


def document_row(document, cell_public, boosts=None, this_year=None):
    entries = list(document.cell_entries.all())
    public = [e for e in entries if cell_public(e.cell_id)]
    tags = [t.name for t in document.tags.all()]
    authors = [a.as_name().full for a in document.authorships.all()]  # given names too
    entry = SearchEntry(
        kind=SearchEntry.Kind.DOCUMENT,
        document_id=document.pk,
        doc_status=document.status,
        **facets.index_columns(document),
        placements=[
            [e.cell_id, cell_matrix(e.cell_id), e.roles, e.headline, e.certainty] for e in entries
        ],
    )
    boosts = boosts or RankingBoosts.current()
    # Only the cells readers may see count towards the prior, as only their headlines count
    # towards the text.
    shown = [p for p in entry.placements if cell_public(p[0])]
    entry.prior = boosts.prior(
        entry.doc_kind, entry.year, shown, this_year or timezone.localdate().year
    )
    text = SearchText(
        title=plain(document.title),
        labels=_join(*(e.headline for e in public), *tags),
        summary=_join(
            plain(document.standfirst_html),
            plain(document.key_points_html),
            plain(document.abstract_html),
            ", ".join(authors),
            document.source,
        ),
        listing=listing_of(document),
        body=_join(
            *(plain(e.annotation_html) for e in public),
            plain(document.commentary_html),
            *(_join(s.heading, plain(s.body_html)) for s in document.sections.all()),
        ),
    )
    return entry, text


def listing_of(document):
    """What a list of results shows of ``document`` (its authors prefetched)."""
    return {
        "slug": document.slug,
        "title": document.title,
        "citation": document.short_citation,
        "source": document.source,
        "standfirst_html": document.standfirst_html,
    }


_cells = {}


def cell_matrix(cell_id):
    if cell_id not in _cells:
        _cells.update(Cell.objects.values_list("pk", "matrix_id"))
    return _cells.get(cell_id)


def documents_with_everything(ids):
    return Document.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("authorships", queryset=DocumentAuthor.objects.order_by("position", "pk")),
        Prefetch("sections", queryset=DocumentSection.objects.order_by("order", "pk")),
        Prefetch("cell_entries", queryset=CellEntry.objects.order_by("cell_id")),
        "tags",
        Prefetch("countries", queryset=Country.objects.order_by("code")),
        "care_settings",
        "populations",
    )


@transaction.atomic
def reindex_documents(ids, counts=None):
    """Bring the index rows of these documents up to date (deleted ones are dropped).
    ``counts``: a rebuild's word frequencies, added to rather than written."""
    ids = list(ids)
    if not ids:
        return
    _cells.clear()
    public_cells = set(Cell.objects.public().values_list("pk", flat=True))
    boosts, this_year = RankingBoosts.current(), timezone.localdate().year
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = [
            document_row(d, public_cells.__contains__, boosts, this_year)
            for d in documents_with_everything(chunk)
        ]
        existing = dict(
            SearchEntry.objects.filter(document_id__in=chunk).values_list("document_id", "pk")
        )
        _store(rows, existing, key=lambda entry: entry.document_id, counts=counts)


def _store(rows, existing, key, counts=None):
    """Insert new rows, update existing ones, and record their words."""
    new = [(e, t) for e, t in rows if key(e) not in existing]
    old = [(e, t) for e, t in rows if key(e) in existing]
    for entry, text in old:
        entry.pk = existing[key(entry)]
        text.entry_id = entry.pk
    fields = ["doc_status", "placements", "prior", *facets.columns()]
    if old:
        SearchEntry.objects.bulk_update([e for e, _ in old], fields)
        SearchText.objects.bulk_update(
            [t for _, t in old], ["title", "labels", "summary", "body", "listing"]
        )
    if new:
        created = SearchEntry.objects.bulk_create([e for e, _ in new])
        for entry, (_, text) in zip(created, new, strict=True):
            text.entry_id = entry.pk
        SearchText.objects.bulk_create([t for _, t in new])
    if counts is None:
        add_terms(t for _, t in rows)
    else:
        counts.update(terms_in(t for _, t in rows))


def terms_in(texts):
    """How many of ``texts`` use each word (stop words left out)."""
    counts = Counter()
    for text in texts:
        words = set()
        for part in (text.title, text.labels, text.summary):
            words.update(w.lower() for w in TERM_RE.findall(part))
        counts.update(words - STOP_WORDS)
    return counts


def add_terms(texts, counts=None):
    """Record the new words of ``texts`` (each counts once until ``recount_terms``);
    ``counts``, when the whole index is rebuilt, every word's frequency (``terms_in``)."""
    counts = counts if counts is not None else terms_in(texts)
    if counts:
        SearchTerm.objects.bulk_create(
            [SearchTerm(word=w, frequency=n) for w, n in sorted(counts.items())],
            ignore_conflicts=True,
            batch_size=5000,
        )


def recount_terms():
    """How many index rows use each word, counted again from the index's text (a rebuild
    does this too; load_demo after adding documents)."""
    counts = Counter()
    texts = SearchText.objects.only("title", "labels", "summary").order_by("pk")
    last = None
    while True:
        chunk = list((texts.filter(pk__gt=last) if last else texts)[:BATCH])
        if not chunk:
            break
        counts.update(terms_in(chunk))
        last = chunk[-1].pk
    with transaction.atomic():
        SearchTerm.objects.all().delete()
        add_terms((), counts)


def rescore(batch=BATCH):
    """Work out every document's prior again, after the ranking boosts change."""
    boosts, this_year = RankingBoosts.current(), timezone.localdate().year
    public_cells = set(Cell.objects.public().values_list("pk", flat=True))
    rows = SearchEntry.objects.filter(kind=SearchEntry.Kind.DOCUMENT).order_by("pk")
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last).only("doc_kind", "year", "placements")[:batch])
        if not chunk:
            return
        for entry in chunk:
            shown = [p for p in entry.placements if p[0] in public_cells]
            entry.prior = boosts.prior(entry.doc_kind, entry.year, shown, this_year)
        with transaction.atomic():
            SearchEntry.objects.bulk_update(chunk, ["prior"])
        last = chunk[-1].pk


def cell_row(cell):
    entry = SearchEntry(kind=SearchEntry.Kind.CELL, cell_id=cell.pk)
    text = SearchText(
        title=cell.title,
        labels=_join(cell.row.name, cell.column_label, cell.more_query),
        summary=plain(cell.scope_html),
        body=plain(cell.more_note_html),
    )
    return entry, text


def section_row(section):
    entry = SearchEntry(kind=SearchEntry.Kind.SECTION, section_id=section.pk)
    text = SearchText(
        title=section.display_heading,
        labels=section.cell.title,
        body=plain(section.body_html),
    )
    return entry, text


def topic_row(topic):
    entry = SearchEntry(kind=SearchEntry.Kind.TOPIC, topic_id=topic.pk)
    text = SearchText(
        title=topic.title,
        labels=topic.search_query,
        summary=plain(topic.standfirst_html),
        body=plain(topic.essay_html),
    )
    return entry, text


@transaction.atomic
def reindex_cells(ids):
    """Cells with content are found by their title, scope and MORE note; empty ones are not."""
    cells = [c for c in Cell.objects.with_labels().filter(pk__in=ids) if c.has_content]
    SearchEntry.objects.filter(cell_id__in=ids).exclude(cell__in=cells).delete()
    existing = dict(SearchEntry.objects.filter(cell__in=cells).values_list("cell_id", "pk"))
    _store([cell_row(c) for c in cells], existing, key=lambda e: e.cell_id)


@transaction.atomic
def reindex_sections(ids):
    sections = BiteSection.objects.filter(pk__in=ids).select_related(
        "cell__matrix", "cell__column", "cell__row"
    )
    existing = dict(SearchEntry.objects.filter(section_id__in=ids).values_list("section_id", "pk"))
    _store([section_row(s) for s in sections], existing, key=lambda e: e.section_id)


@transaction.atomic
def reindex_topics(ids):
    topics = HotTopic.objects.filter(pk__in=ids)
    existing = dict(SearchEntry.objects.filter(topic_id__in=ids).values_list("topic_id", "pk"))
    _store([topic_row(t) for t in topics], existing, key=lambda e: e.topic_id)


def rebuild(stdout=None):
    """Index everything again from scratch (``manage.py rebuild_search_index``)."""
    with transaction.atomic():
        SearchText.objects.all().delete()
        SearchEntry.objects.all().delete()
        SearchTerm.objects.all().delete()
        document_ids = list(Document.objects.order_by("pk").values_list("pk", flat=True))
        counts = Counter()
        reindex_documents(document_ids, counts)
        add_terms((), counts)
        reindex_cells(Cell.objects.values_list("pk", flat=True))
        reindex_sections(BiteSection.objects.values_list("pk", flat=True))
        reindex_topics(HotTopic.objects.values_list("pk", flat=True))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchentry")
            cursor.execute("ANALYZE search_searchterm")
    return len(document_ids)
