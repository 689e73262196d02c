"""sitemap.xml: every page readers can open, and nothing they cannot (visible_to(None))."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

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


class DocumentSitemap(Sitemap):
    limit = 10_000

    def items(self):
        return (
            Document.objects.visible_to(None)
            .only("slug", "last_revised", "first_published")
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.last_revised or item.first_published


class TopicSitemap(Sitemap):
    def items(self):
        return HotTopic.objects.visible_to(None).order_by("title")

    def lastmod(self, item):
        return item.last_revised


class SubjectSitemap(Sitemap):
    limit = 10_000

    def items(self):
        return Subject.objects.with_visible_counts(None).order_by("slug")


SITEMAPS = {
    "pages": PagesSitemap,
    "matrices": MatrixSitemap,
    "rows": RowSitemap,
    "cells": CellSitemap,
    "documents": DocumentSitemap,
    "topics": TopicSitemap,
    "subjects": SubjectSitemap,
}
