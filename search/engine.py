"""The search page, put together: parameters in, everything the template shows out.

Every part asks through the visibility rule: documents through ``Document.public_q`` (on the
index's copy of its fields), cells, bite sections and topics through their own ``public_q``,
facet cells through ``Cell.objects.visible_to``, and "did you mean" only offers a correction
that finds something the user may see. The parts: ``params`` (the search's address),
``matching`` (what it may find), ``facets`` (filters and counts), ``results`` (what a page
lists), ``pages`` (the page and its pager), ``suggestions`` (when nothing is found).
"""

from dataclasses import dataclass

from matrix.models import Cell

from . import backends, ranking
from .facets import FacetValue, apply_filters, build_facets, facet_rows
from .matching import DOCUMENTS, documents_matching, synonym_groups, understand, visible_entries
from .pages import Pager, SearchPage
from .params import PAGE_SIZE, SORTS
from .query import ParsedQuery
from .results import Hit, groups_of, results_of
from .suggestions import suggest, where_it_sits

__all__ = ["documents_for_export", "documents_matching", "search_page"]


@dataclass
class Plan:
    """How one search finds and orders its documents (the score is ``ranking``'s)."""

    match: ParsedQuery  # what every document found satisfies
    text: ParsedQuery  # every word looked for, any of them: the text score and the snippets
    text_weight: float  # TEXT_WEIGHT × how specific the words are
    coverage: list  # [(clause, weight)]: relaxed, the words each document has count
    fields: list = None  # [(clause, weight)]: where each word is (title, headlines…) counts
    relaxed: bool = False
    # Relaxed: the words few documents have (their matches are all scored) and the common
    # ones (whose matches are read in prior order), each as a query for any of them.
    rare: ParsedQuery = None
    all_common: ParsedQuery = None  # every common word
    common_weight: float = 0  # the coverage of every common word
    least_common: float = 0  # the coverage of the commonest

    @property
    def bound(self):
        """The most a match can score above its prior, beyond what all matches have alike:
        its text and where its words are (relaxed, among matches with every common word)."""
        return self.text_weight + sum(weight for _, weight in self.fields or ())


def plan_for(query, engine, relaxed=False, total=0):
    """The plan of ``query``: strict (every required word) or relaxed (any of them, those
    with most of them, and the rarest, first)."""
    required = query.required
    rows, frequencies = engine.frequencies(required)
    weights = [ranking.specificity(f, rows) for f in frequencies]
    text = ParsedQuery(query.text, query.any_of(query.positive).positive)
    # Where each word is (title, headlines…) is weighed while every match is scored; past
    # that, testing each match's fields costs more than the early stop saves, and its bound
    # would let most matches through (see ``ranking``).
    fields = [(c, ranking.FIELD_WEIGHT * w) for c, w in zip(required, weights, strict=True)]
    if total > ranking.FIELDS_UP_TO:
        fields = []
    if not relaxed:
        return Plan(query.strict(), text, ranking.TEXT_WEIGHT * sum(weights), [], fields=fields)
    coverage = [(c, ranking.COVERAGE_WEIGHT * w) for c, w in zip(required, weights, strict=True)]
    # The text weighs as the commonest word: relaxed, coverage orders first.
    plan = Plan(
        query.any_of(required),
        text,
        ranking.TEXT_WEIGHT * min(weights),
        coverage,
        fields=fields,
        relaxed=True,
    )
    # The rarest words, as long as their matches together are few enough to score them all;
    # the rest are common.
    rare, common, scored = [], [], 0
    for (clause, weight), frequency in sorted(
        zip(coverage, frequencies, strict=True), key=lambda pair: pair[1]
    ):
        scored += frequency
        if scored <= ranking.SCORE_ALL_UP_TO:
            rare.append(clause)
        else:
            common.append((clause, weight))
    if common:
        plan.all_common = ParsedQuery(query.text, [c for c, _ in common] + query.negative)
        plan.common_weight = sum(w for _, w in common)
        plan.least_common = min(w for _, w in common)
        plan.rare = query.any_of(rare) if rare else None
    return plan


def search_page(user, params, browse=False, listing=False):
    """``browse``: with no words and no filters, list every document (newest first) rather
    than show the empty search form. ``listing``: results carry what a list shows of each
    document (DocumentListing), not the document itself (feeds and exports need all of it)."""
    page = SearchPage(params=params)
    page.sorts = [
        FacetValue(label, 0, params.url(sort=key), params.effective_sort == key, key)
        for key, label in SORTS.items()
        if params.q or key != "relevance"
    ]
    if params.is_blank and not browse:
        return page
    page.shown = True
    groups = synonym_groups()
    engine = backends.backend()
    query = understand(params.q, engine, groups)
    page.query = query
    if query.error:
        page.error = query.error
        return page
    if params.q and query.is_empty:
        page.error = (
            f"“{params.q}” has no words the search can use: very common words such as “the” "
            "and punctuation are left out. Try other words."
        )
        return page
    cells = Cell.objects.visible_to(user).labels()
    documents = visible_entries(user, DOCUMENTS)
    documents, active = apply_filters(documents, params, engine, cells)
    page.active = active
    matched = documents if query.is_empty else documents.filter(engine.match(query))
    rows = facet_rows(page, engine, matched, cells)
    page.total = next(count for facet, _, count, _ in rows if facet == "total")
    relaxed = page.total < PAGE_SIZE and len(query.required) > 1
    if relaxed:
        # Fewer than a page have every word: those with most of them, the rarest first.
        either = documents.filter(engine.match(query.any_of(query.required)))
        wider = facet_rows(page, engine, either, cells)
        total = next(count for facet, _, count, _ in wider if facet == "total")
        relaxed = total > page.total
        if relaxed:
            page.relaxed, page.all_words_total, page.total, rows = True, page.total, total, wider
    page.pager = Pager(number=params.page, count=page.total)
    if params.page > page.pager.num_pages:
        page.pager.number = params.page = 1
    page.page_links = page.pager.links(params)
    page.previous_url = page.pager.previous_url(params)
    page.next_url = page.pager.next_url(params)
    build_facets(page, rows, params, cells)
    if page.total:
        offset = (page.pager.number - 1) * PAGE_SIZE
        plan = None if query.is_empty else plan_for(query, engine, relaxed, page.total)
        hits = engine.page(documents, plan, params.effective_sort, page.total, offset, PAGE_SIZE)
        page.results = results_of([Hit(*row) for row in hits], cells, listing)
    if not query.is_empty and page.pager.number == 1:
        # Pages, like documents, with most of the words when few or none have them all.
        most_of = query.required if page.relaxed else None
        page.groups = groups_of(user, query, engine, cells, most_of=most_of)
        if not most_of and not any(page.groups.values()) and len(query.required) > 1:
            page.groups = groups_of(user, query, engine, cells, most_of=query.required)
        page.sits_in = where_it_sits(query, cells)
    if (not page.total or page.relaxed) and not query.is_empty:
        suggest(page, user, query, engine, groups, cells, spelling_only=bool(page.total))
    return page


def documents_for_export(user, params, limit=PAGE_SIZE):
    """The documents of one page of results, in order, for RIS/BibTeX/CSL-JSON export."""
    page = search_page(user, params)
    return [result.document for result in page.results], page
