from django.shortcuts import render

from .limits import guarded
from .models import SearchEntry
from .params import SORTS, SearchParams


@guarded("html")
def search(request):
    params = SearchParams.from_query_dict(request.GET)
    page = SearchEntry.objects.search_page(request.user, params, listing=True)
    return render(request, "search/search.html", {"page": page, "params": params, "sorts": SORTS})
