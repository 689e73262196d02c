"""Atom feeds: new and revised documents, each matrix, cell, hot topic and subject, and any
search. Every feed reads through the visibility rule, so a hidden thing is in none of them.

Dates: an item is published when the bank first carried it (``first_published``) and updated
when last revised (``last_revised``); a document without either falls back to when its row
was created and saved.

A matrix's feed and a cell's also carry the news of a change in a cell's certainty (the
"what changed" record's certainty changes, newest first, before the cells or entries).
"""

from datetime import date, datetime, time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from editorial.models import Change
from matrix.models import Cell, CellEntry, Matrix
from search.indexing import plain
from search.models import SearchEntry
from search.params import SearchParams
from studies.models import Document, DocumentAuthor
from subjects.models import Subject
from topics.models import HotTopic

FEED_SIZE = 50


def _moment(value, fallback):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time(9, 0)))
    return fallback


def _with_authors(documents):
    return documents.prefetch_related(
        Prefetch("authorships", queryset=DocumentAuthor.objects.order_by("position", "pk"))
    )


class DocumentsFeed(Feed):
    """Documents newest first by when they were added or last revised."""

    feed_type = Atom1Feed
    title = f"{settings.SITE_NAME}: new and revised documents"
    subtitle = "Studies, reviews, guidance and analyses added to the bank or revised."

    def link(self):
        return reverse("search") + "?sort=newest"

    def items(self):
        return Document.objects.newest_changes(None, FEED_SIZE)

    def item_title(self, item):
        return f"{item.title} ({item.year})" if item.year else item.title

    def item_description(self, item):
        return plain(item.standfirst_html) or plain(item.abstract_html)[:500]

    def item_author_name(self, item):
        return item.short_citation

    def item_pubdate(self, item):
        return _moment(item.first_published, item.created)

    def item_updateddate(self, item):
        return _moment(item.last_revised or item.first_published, item.updated)

    def item_categories(self, item):
        return [item.get_kind_display()]


def certainty_changes(cells):
    """The certainty changes readers may see about ``cells`` (cells readers see), newest
    first."""
    return list(
        Change.objects.visible_to(None)
        .filter(
            kind=Change.Kind.CERTAINTY,
            content_type=ContentType.objects.get_for_model(Cell),
            object_id__in=cells.values("pk"),
        )
        .order_by("-at", "-pk")[:FEED_SIZE]
    )


class CertaintyNewsMixin:
    """A feed whose items are its own (cells, entries) and certainty changes: a change is
    told as "Certainty of the evidence in … changed from low to moderate", with why."""

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        for item in feed.items:
            # Its own id: the link (the cell's verdict card) is the same for every change.
            if pk := item.pop("certainty_change", None):
                item["unique_id"] = f"{item['link'].split('#')[0]}#certainty-change-{pk}"
        return feed

    def item_extra_kwargs(self, item):
        return {"certainty_change": item.pk} if isinstance(item, Change) else {}

    def item_title(self, item):
        return item.headline if isinstance(item, Change) else self.own_title(item)

    def item_description(self, item):
        return item.note if isinstance(item, Change) else self.own_description(item)

    def item_link(self, item):
        return f"{item.url}#verdict-heading" if isinstance(item, Change) else self.own_link(item)

    def item_pubdate(self, item):
        return item.at if isinstance(item, Change) else self.own_pubdate(item)

    def item_updateddate(self, item):
        return item.at if isinstance(item, Change) else self.own_updateddate(item)

    def item_categories(self, item):
        return ["Certainty changed"] if isinstance(item, Change) else []

    def own_link(self, item):
        return item.get_absolute_url()


class MatrixFeed(CertaintyNewsMixin, Feed):
    """A matrix's cells, most recently revised first."""

    feed_type = Atom1Feed

    def get_object(self, request, matrix):
        return get_object_or_404(Matrix, slug=matrix)

    def title(self, obj):
        return f"{settings.SITE_NAME}: {obj.title}"

    def link(self, obj):
        return obj.get_absolute_url()

    def subtitle(self, obj):
        return f"Cells of the {obj.title} as they are written and revised."

    def items(self, obj):
        cells = (
            Cell.objects.visible_to(None)
            .with_labels()
            .filter(matrix=obj)
            .exclude(scope="")
            .order_by(F("last_revised").desc(nulls_last=True), "row__number", "column__code")
        )
        return certainty_changes(Cell.objects.visible_to(None).filter(matrix=obj)) + list(cells)

    def own_title(self, item):
        return f"Cell {item.code}: {item.short_title}"

    def own_description(self, item):
        return plain(item.scope_html)

    def own_pubdate(self, item):
        return _moment(item.first_uploaded, None)

    def own_updateddate(self, item):
        return _moment(item.last_revised or item.first_uploaded, timezone.now())


class CellFeed(CertaintyNewsMixin, Feed):
    """A cell's entries, in the cell's order."""

    feed_type = Atom1Feed

    def get_object(self, request, matrix, code):
        try:
            return Cell.objects.visible_to(None).with_labels().by_key(matrix, code)
        except (Cell.DoesNotExist, ValueError, IndexError):
            raise Http404("No such cell.") from None

    def title(self, obj):
        return f"{settings.SITE_NAME}: {obj.title}"

    def link(self, obj):
        return obj.get_absolute_url()

    def subtitle(self, obj):
        return plain(obj.scope_html) or obj.title

    def items(self, obj):
        entries = (
            CellEntry.objects.visible_to(None)
            .filter(cell=obj)
            .select_related("document", "cell__matrix", "cell__column", "cell__row")
            .order_by("order", "pk")
        )
        return certainty_changes(Cell.objects.filter(pk=obj.pk)) + list(entries)

    def own_title(self, item):
        return f"{item.roles} {item.headline}"

    def own_description(self, item):
        return plain(item.annotation_html)

    def own_pubdate(self, item):
        return _moment(item.document.first_published, item.document.created)

    def own_updateddate(self, item):
        return _moment(
            item.cell.last_revised or item.document.last_revised or item.document.first_published,
            item.document.updated,
        )


class DocumentListFeed(DocumentsFeed):
    """Shared by topics, subjects and searches: a list of documents, newest first."""

    def item_title(self, item):
        return DocumentsFeed.item_title(self, item)


class TopicFeed(DocumentListFeed):
    def get_object(self, request, slug):
        return get_object_or_404(HotTopic.objects.visible_to(None), slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME}: hot topic: {obj.title}"

    def link(self, obj):
        return obj.get_absolute_url()

    def subtitle(self, obj):
        return plain(obj.standfirst_html) or obj.title

    def items(self, obj):
        return _with_authors(
            Document.objects.visible_to(None)
            .filter(pk__in=obj.topic_documents.values("document_id"))
            .order_by(F("first_published").desc(nulls_last=True), "-pk")
        )


class SubjectFeed(DocumentListFeed):
    def get_object(self, request, slug):
        subject = Subject.objects.with_visible_counts(None).filter(slug=slug).first()
        if subject is None:
            raise Http404("No documents carry that subject.")
        return subject

    def title(self, obj):
        return f"{settings.SITE_NAME}: subject: {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def subtitle(self, obj):
        return f"Documents in the bank on {obj.name}, newest first."

    def items(self, obj):
        return _with_authors(
            Document.objects.visible_to(None)
            .filter(tags=obj)
            .order_by(F("first_published").desc(nulls_last=True), "-pk")
        )[:FEED_SIZE]


class SearchFeed(DocumentListFeed):
    """Any search, as its address gives it, newest first."""

    def get_object(self, request):
        params = SearchParams.from_query_dict(request.GET)
        params.sort, params.page = "newest", 1
        return params

    def title(self, obj):
        return f"{settings.SITE_NAME}: search: {obj.q or 'filtered documents'}"

    def link(self, obj):
        return reverse("search") + obj.url()

    def subtitle(self, obj):
        return "New documents in the bank that match this search."

    def items(self, obj):
        if obj.is_blank:
            return []
        page = SearchEntry.objects.search_page(None, obj)
        return [result.document for result in page.results]
