"""The search index: one row per document, cell, Matrix Bite section and hot topic.

The index is derived data, kept current by its refresher (``refreshers.py``, run by the write
path, ``editorial.services``) and rebuilt whole by ``manage.py rebuild_search_index``. It
lives here, not on the models it indexes, because a document's row needs the headlines of the
cells citing it and the bank knows nothing of cells.

``SearchText`` holds the plain text in four weights (A ``title``; B ``labels``: cell headlines
and subjects; C ``summary``: standfirst, key points, abstract and citation; D ``body``:
annotations, commentary and sections). On
PostgreSQL a trigger turns it into the ``vector`` columns of ``SearchEntry`` (GIN-indexed);
on SQLite an FTS5 table with the porter stemmer mirrors it (both made by migration 0002).
"""

import functools
import operator

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from editorial.visibility import prefixed
from matrix.models import BiteSection, Cell
from studies.models import Document
from topics.models import HotTopic

from . import ranking


class SearchEntryQuerySet(models.QuerySet):
    def search_page(self, user, params, browse=False, listing=False):
        """The search page: matching cells, bite sections and topics, one page of documents
        with their cells and roles, facet counts, and suggestions when nothing matches."""
        from .engine import search_page

        return search_page(user, params, browse=browse, listing=listing)

    def documents_matching(self, user, text):
        """Ids of the documents ``user`` may see that a search for ``text`` finds, with the
        same parse, synonyms and stemming as the search page (saved searches use this)."""
        from .engine import documents_matching

        return documents_matching(user, text)


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document"
        CELL = "cell", "Matrix cell"
        SECTION = "section", "Matrix Bite section"
        TOPIC = "topic", "Hot topic"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    document = models.OneToOneField(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    cell = models.OneToOneField(
        Cell, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    section = models.OneToOneField(
        BiteSection, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.OneToOneField(
        HotTopic, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Copies of what facets and the visibility rule read, so that filtering and counting
    # 100,000 matches needs no join. ``doc_status`` is what ``Document.public_q("doc_")``
    # reads: the rule itself stays in studies.
    doc_status = models.CharField(max_length=12, blank=True)
    doc_kind = models.CharField(max_length=10, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    subjects = models.JSONField(default=list, blank=True)  # tag ids
    # [cell, matrix, roles, headline, certainty]: the entry's certainty there
    placements = models.JSONField(default=list, blank=True)
    # The document's appraisal as tokens facets count: "design:randomised-trial",
    # "country:GB-ENG" and "country:GB" (a nation is counted in its country too),
    # "setting:primary-care", "population:women".
    appraisal = models.JSONField(default=list, blank=True, db_default=[])
    free_copy = models.BooleanField(default=False)  # the document has a free_url
    # What a document brings to relevance whatever is searched for (``RankingBoosts``): its
    # roles in the matrices, its kind, its age and the certainty of its evidence. Stored so
    # that a search matching most of the bank reads its best candidates in this order from
    # an index and stops early (``backends``).
    prior = models.FloatField(default=0, db_default=0)
    vector = SearchVectorField(null=True, editable=False)  # PostgreSQL: all four weights
    head_vector = SearchVectorField(null=True, editable=False)  # PostgreSQL: A and B only

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "search entries"
        indexes = [
            models.Index(fields=["kind", "year"]),
            models.Index(fields=["kind", "-prior", "-id"], name="search_entry_prior"),
        ]

    def __str__(self):
        return f"{self.kind} {self.document_id or self.cell_id or self.section_id or self.topic_id}"

    @classmethod
    def public_q(cls, prefix="", kinds=None):
        """Readers find a row when they may see what it indexes (the one rule, applied to
        the copied fields or through the relation); ``kinds`` limits it to some kinds."""
        rules = {
            cls.Kind.DOCUMENT: Document.public_q(f"{prefix}doc_"),
            cls.Kind.CELL: Cell.public_q(f"{prefix}cell__"),
            cls.Kind.SECTION: Cell.public_q(f"{prefix}section__cell__"),
            cls.Kind.TOPIC: HotTopic.public_q(f"{prefix}topic__"),
        }
        chosen = [
            prefixed(prefix, kind=kind) & rule
            for kind, rule in rules.items()
            if kinds is None or kind in kinds
        ]
        return functools.reduce(operator.or_, chosen)


class SearchText(models.Model):
    entry = models.OneToOneField(
        SearchEntry, primary_key=True, on_delete=models.CASCADE, related_name="text"
    )
    # The text in its four tsvector weights (A to D), named for what it holds.
    title = models.TextField(blank=True)  # A: the title (a cell's, a section's heading)
    labels = models.TextField(blank=True)  # B: cell headlines, subjects, short labels
    summary = models.TextField(blank=True)  # C: standfirst, key points, abstract, citation
    body = models.TextField(blank=True)  # D: annotations, commentary, sections, essays
    # What a list of results shows of a document (slug, title, short citation, source,
    # standfirst), copied when it is indexed, so that a page of results is read with the
    # snippets it needs from this table rather than from 20 documents and their authors.
    # Here rather than on SearchEntry, whose rows a search with many matches samples: the
    # narrower they are, the fewer pages that reads.
    listing = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return self.title


class SearchTerm(models.Model):
    """Words in the bank's titles, headlines, subjects and summaries, for "did you mean" and
    for telling a word cut short from a whole one."""

    word = models.CharField(max_length=60, unique=True)
    # In how many index rows the word was found when the index was last rebuilt (a word
    # added since counts 1): a correction prefers the bank's common words.
    frequency = models.PositiveIntegerField(default=1, db_default=1)

    def __str__(self):
        return self.word


class SynonymGroup(models.Model):
    """Terms a search treats as one: searching for any finds documents using any of them."""

    terms = models.TextField(
        help_text=(
            "One term per line, e.g. “mutual aid”, “self-help groups”, “12-step”. A term of "
            "several words is looked for as a phrase. A group with a single term keeps that "
            "phrase together."
        )
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why these go together.")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return " / ".join(self.term_list())

    def term_list(self):
        return self.terms_in(self.terms)

    @staticmethod
    def terms_in(text):
        return [line.strip() for line in text.splitlines() if line.strip()]


class RankingBoosts(models.Model):
    """How much a document's standing adds to its relevance, whatever is searched for. One
    row, edited in the admin; saving it re-scores the index in the background."""

    seminal = models.FloatField(default=0.6, help_text="Placed as a seminal study (S).")
    key = models.FloatField(default=0.5, help_text="Placed as a key study (K).")
    review = models.FloatField(default=0.3, help_text="A review, or placed as one (R) in a cell.")
    guidance = models.FloatField(
        default=0.3, help_text="Guidance, or placed as guidance (G) in a cell."
    )
    recency = models.FloatField(
        default=0.4,
        help_text="Added in full for this year's documents, falling to nothing at 30 years old.",
    )
    high_certainty = models.FloatField(
        default=0.4, help_text="Placed in a cell with high certainty of evidence."
    )
    moderate_certainty = models.FloatField(
        default=0.2, help_text="Placed in a cell with moderate certainty of evidence."
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ranking boosts"
        verbose_name_plural = "ranking boosts"

    def __str__(self):
        return "Ranking boosts"

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls()

    def prior(self, kind, year, placements, this_year):
        return ranking.prior(self, kind, year, placements, this_year)
