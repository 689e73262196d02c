"""A search page as the template reads it, and its pager."""

import math
from dataclasses import dataclass, field

from . import facets
from .params import MAX_PAGE, PAGE_SIZE, SearchParams


@dataclass
class Pager:
    number: int
    count: int
    size: int = PAGE_SIZE

    @property
    def num_pages(self):
        return max(1, min(MAX_PAGE, math.ceil(self.count / self.size)))

    @property
    def start_index(self):
        return (self.number - 1) * self.size + 1

    @property
    def end_index(self):
        return min(self.count, self.number * self.size)

    def links(self, params):
        """(number or None for a gap, its address, whether it is this page)."""
        return [(n, params.url(page=n) if n else "", n == self.number) for n in self.numbers()]

    def previous_url(self, params):
        return params.url(page=self.number - 1) if self.number > 1 else ""

    def next_url(self, params):
        return params.url(page=self.number + 1) if self.number < self.num_pages else ""

    def numbers(self):
        """Page numbers to link, with None for a gap: 1 … 4 5 [6] 7 8 … 40."""
        last = self.num_pages
        shown = {1, last} | set(range(max(1, self.number - 2), min(last, self.number + 2) + 1))
        result, previous = [], 0
        for n in sorted(shown):
            if n - previous > 1:
                result.append(None)
            result.append(n)
            previous = n
        return result


@dataclass
class SearchPage:
    params: SearchParams
    query: object = None
    shown: bool = False  # results to show: words or filters, or the whole bank browsed
    error: str = ""
    total: int = 0
    estimated: bool = False  # total and facet counts are estimates ("about")
    results: list = field(default_factory=list)
    pager: Pager = None
    groups: dict = field(default_factory=dict)  # "cells" / "sections" / "topics" -> list
    facets: dict = field(default_factory=dict)  # name -> [FacetValue]
    shown_facets: list = field(default_factory=list)  # [facets.Shown], in the page's order
    years: tuple = (None, None)
    active: list = field(default_factory=list)  # (label, url removing it)
    relaxed: bool = False  # no document has every word: those with most of them
    all_words_total: int = 0  # how many have every word, when relaxed
    sits_in: list = field(default_factory=list)  # [suggestions.Placement]: where it would sit
    did_you_mean: str = ""
    any_words: str = ""
    near_subjects: list = field(default_factory=list)
    near_cells: list = field(default_factory=list)
    sorts: list = field(default_factory=list)
    page_links: list = field(default_factory=list)
    previous_url: str = ""
    next_url: str = ""

    @property
    def total_text(self):
        return f"{self.total:,}"

    @property
    def exact_up_to(self):
        return f"{facets.ESTIMATE_ABOVE:,}"

    @property
    def nothing_found(self):
        return not self.total and not any(self.groups.values())
