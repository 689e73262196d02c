"""sitemap.xml: an index of sitemaps, each at most 10,000 addresses (the protocol allows
50,000), of every page readers can open and nothing they cannot (visible_to(None)).

The documents' sitemaps are pages of primary keys, not of a count: page n holds the public
documents whose keys fall in its range of 10,000, so neither the index nor a page counts or
skips through the bank (their cost does not grow with it). A range whose documents were all
deleted or are drafts is an empty sitemap, which the protocol allows.
"""

import math

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property

from matrix.models import Cell, Matrix, Row
from studies.models import Document
from subjects.models import Subject
from topics.models import HotTopic


class PagesSitemap(Sitemap):
    def items(self):
        return ["home", "methods", "topics:list", "subjects:list"]

    def location(self, item):
        return reverse(item)


class MatrixSitemap(Sitemap):
    def items(self):
        return Matrix.objects.order_by("position")


class RowSitemap(Sitemap):
    def items(self):
        return Row.objects.select_related("matrix").order_by("matrix__position", "number")


class CellSitemap(Sitemap):
    def items(self):
        return Cell.objects.visible_to(None).with_labels().order_by("matrix__position", "pk")

    def lastmod(self, item):
        return item.last_revised


class KeyRangePage:
    def __init__(self, object_list):
        self.object_list = object_list


class KeyRangePaginator:
    """The part of Django's Paginator a sitemap uses, paging by ranges of primary keys."""

    def __init__(self, queryset, per_page):
        self.queryset = queryset
        self.per_page = per_page

    @cached_property
    def num_pages(self):
        highest = self.queryset.aggregate(highest=Max("pk"))["highest"] or 0
        return max(1, math.ceil(highest / self.per_page))

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1 or number > self.num_pages:
            raise EmptyPage("That page contains no results")
        low = (number - 1) * self.per_page
        return KeyRangePage(
            self.queryset.filter(pk__gt=low, pk__lte=low + self.per_page).order_by("pk")
        )


class DocumentSitemap(Sitemap):
    limit = 10_000

    def items(self):
        return Document.objects.visible_to(None).only("slug", "last_revised", "first_published")

    @property
    def paginator(self):
        return KeyRangePaginator(self.items(), self.limit)

    def lastmod(self, item):
        return item.last_revised or item.first_published

    def get_latest_lastmod(self):
        # Two index reads, each the first row in an index's order (Django's default loads
        # every document to compare; MAX() with the visibility filter scans on SQLite).
        dates = [
            self.items()
            .filter(**{f"{name}__isnull": False})
            .order_by(f"-{name}", "-pk")
            .values_list(name, flat=True)
            .first()
            for name in ("last_revised", "first_published")
        ]
        dates = [value for value in dates if value is not None]
        return max(dates) if dates else None


class TopicSitemap(Sitemap):
    def items(self):
        return HotTopic.objects.visible_to(None).order_by("title")

    def lastmod(self, item):
        return item.last_revised


class SubjectSitemap(Sitemap):
    limit = 10_000

    def items(self):
        return Subject.objects.with_public_counts().order_by("slug")


SITEMAPS = {
    "pages": PagesSitemap,
    "matrices": MatrixSitemap,
    "rows": RowSitemap,
    "cells": CellSitemap,
    "documents": DocumentSitemap,
    "topics": TopicSitemap,
    "subjects": SubjectSitemap,
}
