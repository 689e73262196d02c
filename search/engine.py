"""The search page, put together: parameters in, everything the template shows out.

Every part asks through the visibility rule: documents through ``Document.public_q`` (on the
index's copy of its fields), cells, bite sections and topics through their own ``public_q``,
facet cells through ``Cell.objects.visible_to``, and "did you mean" only offers a correction
that finds something the user may see. The parts: ``params`` (the search's address),
``matching`` (what it may find), ``facets`` (filters and counts), ``results`` (what a page
lists), ``pages`` (the page and its pager), ``suggestions`` (when nothing is found).
"""

from matrix.models import Cell

from . import backends
from .facets import FacetValue, apply_filters, build_facets, facet_rows
from .matching import DOCUMENTS, documents_matching, synonym_groups, visible_entries
from .pages import Pager, SearchPage
from .params import PAGE_SIZE, SORTS
from .query import parse
from .results import Hit, groups_of, results_of
from .suggestions import suggest

__all__ = ["documents_for_export", "documents_matching", "search_page"]


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
    groups = synonym_groups()
    query = parse(params.q, groups)
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
    engine = backends.backend()
    cells = Cell.objects.visible_to(user).labels()
    documents = visible_entries(user, DOCUMENTS)
    documents, active = apply_filters(documents, params, engine, cells)
    page.active = active
    matched = documents if query.is_empty else documents.filter(engine.match(query))
    rows = facet_rows(page, engine, matched, cells)
    page.total = next(count for facet, _, count, _ in rows if facet == "total")
    page.pager = Pager(number=params.page, count=page.total)
    if params.page > page.pager.num_pages:
        page.pager.number = params.page = 1
    page.page_links = page.pager.links(params)
    page.previous_url = page.pager.previous_url(params)
    page.next_url = page.pager.next_url(params)
    build_facets(page, rows, params, cells)
    if page.total:
        offset = (page.pager.number - 1) * PAGE_SIZE
        hits = engine.page(documents, query, params.effective_sort, page.total, offset, PAGE_SIZE)
        page.results = results_of([Hit(*row) for row in hits], cells, listing)
    if not query.is_empty and page.pager.number == 1:
        page.groups = groups_of(user, query, engine, cells)
    if not page.total and not query.is_empty:
        suggest(page, user, query, engine, groups, cells)
    return page


def documents_for_export(user, params, limit=PAGE_SIZE):
    """The documents of one page of results, in order, for RIS/BibTeX/CSL-JSON export."""
    page = search_page(user, params)
    return [result.document for result in page.results], page
