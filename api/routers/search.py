"""The search page as JSON, and the search parameters every list of documents takes."""

from urllib.parse import urlencode

from django.http import HttpRequest
from ninja import Query, Router
from ninja.decorators import decorate_view

from api.common import READER, absolute, cacheable, document_summary, place
from api.errors import responses
from api.schemas import SearchAnswer, SearchFilters
from search.limits import guarded
from search.models import SearchEntry
from search.params import SearchParams, facet_params

router = Router()
# A search that cannot run: no results, and a notice saying why.
NOTHING = {"count": 0, "page": 1, "pages": 1, "next": None, "previous": None, "results": [],
           "facets": {}}  # fmt: skip


def page_links(request, params, pager):
    api_names = {param.name: param.attr for param in facet_params()}  # "from": "year_from"

    def at(number):
        query = {api_names.get(k, k): v for k, v in params.as_dict(page=number).items()}
        return absolute(request, f"{request.path}?{urlencode(query)}")

    return {
        "count": pager.count,
        "page": pager.number,
        "pages": pager.num_pages,
        "next": at(pager.number + 1) if pager.number < pager.num_pages else None,
        "previous": at(pager.number - 1) if pager.number > 1 else None,
    }


def params_of(filters):
    return SearchParams.from_values(filters.dict())


def facets_of(page):
    return {
        name: [{"label": v.label, "count": v.count, "selected": v.selected} for v in values]
        for name, values in page.facets.items()
    }


@router.get("/search", response=responses(SearchAnswer), url_name="search", tags=["search"])
@decorate_view(*cacheable, guarded("json"))
def search(request: HttpRequest, filters: Query[SearchFilters]):
    """The search page as JSON: same words, syntax, synonyms, facets, sort and pages."""
    params = params_of(filters)
    page = SearchEntry.objects.search_page(READER, params, listing=True)
    if page.error:
        return {
            **NOTHING, "query": params.q, "understood_as": "", "cells": [], "bite_sections": [],
            "topics": [], "did_you_mean": None, "notice": page.error,
        }  # fmt: skip

    def link(obj, title):
        return {"title": title, "url": absolute(request, obj.get_absolute_url())}

    pager = page.pager or _EmptyPager()
    return {
        **page_links(request, params, pager),
        "query": params.q,
        "understood_as": page.query.describe() if page.query else "",
        "results": [
            {
                **document_summary(request, r.document),
                "snippet_html": r.snippet,
                "appears_in": [place(request, e) for e in r.places],
            }
            for r in page.results
        ],
        "facets": facets_of(page),
        "cells": [link(c, c.title) for c in page.groups.get("cells", [])],
        "bite_sections": [
            link(s, f"{s.display_heading} ({s.cell.title})")
            for s in page.groups.get("sections", [])
        ],
        "topics": [link(t, t.title) for t in page.groups.get("topics", [])],
        "did_you_mean": page.did_you_mean or None,
    }


class _EmptyPager:
    count = 0
    number = 1
    num_pages = 1
