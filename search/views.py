from django.shortcuts import render

from .limits import guarded
from .models import SearchEntry
from .params import SORTS, SearchParams


@guarded("html")
def search(request):
    params = SearchParams.from_query_dict(request.GET)
    # With no words, a sort asked for (the bank's own list: /documents/, the breadcrumb's
    # "The bank", the documents feed's link) lists every document in that order.
    browse = bool(request.GET.get("sort"))
    page = SearchEntry.objects.search_page(request.user, params, browse=browse, listing=True)
    return render(request, "search/search.html", {"page": page, "params": params, "sorts": SORTS})
