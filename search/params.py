"""The state of a search, exactly as its address holds it: read from a query string (the page,
feeds, exports) or from the API's validated parameters, and written back into links (a
filter changed, a page turned). Its facets' parameters are those of the registered facets
(``search.facets.registry``)."""

from urllib.parse import urlencode

from ops.inputs import whole_number

from . import facets

PAGE_SIZE = 20
MAX_PAGE = 500  # deeper pages are refused: nobody reads them, and OFFSET grows with them
SORTS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}


def facet_params():
    return [param for facet in facets.registry for param in facet.params]


class SearchParams:
    """The words, each facet's parameters (as attributes named by their ``Param.attr``), the
    sort and the page; ``problems`` says what was dropped as unusable."""

    def __init__(self, q="", sort="", page=1, problems=None, **values):
        self.q, self.sort, self.page = q, sort, page
        self.problems = [] if problems is None else problems
        for param in facet_params():
            setattr(self, param.attr, values.pop(param.attr, param.default))
        if values:
            raise TypeError(f"No search parameter {', '.join(values)}")

    def __repr__(self):
        return f"SearchParams({self.as_dict()!r})"

    def __eq__(self, other):
        return isinstance(other, SearchParams) and self._state() == other._state()

    def _state(self):
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}

    @classmethod
    def from_query_dict(cls, data):
        """Read request.GET; anything unusable is dropped with a note saying so."""
        page = data.get("page", "")
        number = whole_number(page, 1, MAX_PAGE)
        params = cls._read(
            data.get("q", ""),
            data.get("sort", ""),
            number or 1,
            {param.attr: data.get(param.name, param.default) for param in facet_params()},
        )
        if number is None and page.strip():
            params.problems.append(f"There is no page “{page[:20]}”; showing the first page.")
        return params

    @classmethod
    def from_values(cls, values):
        """From the API's parameters, already typed and validated (``api.schemas``): each
        value is read by the same rule as in an address."""
        return cls._read(
            values.get("q", ""),
            values.get("sort", ""),
            values.get("page", 1),
            {param.attr: values.get(param.attr, param.default) for param in facet_params()},
        )

    @classmethod
    def _read(cls, q, sort, page, raw):
        problems = []
        params = cls(
            q=" ".join(q.split())[:200],
            sort=sort if sort in SORTS else "",
            page=page,
            problems=problems,
            **{p.attr: p.clean(raw[p.attr], problems) for p in facet_params()},
        )
        for facet in facets.registry:
            facet.settle(params)
        return params

    @property
    def effective_sort(self):
        return self.sort or ("relevance" if self.q else "newest")

    def as_dict(self, **changes):
        values = dict(self._address())
        values.update(changes)
        if "page" not in changes and any(k != "sort" for k in changes):
            values["page"] = ""  # a new filter starts again at page 1
        return {k: v for k, v in values.items() if v not in ("", None, False)}

    def _address(self):
        """This search's parameters as its address names them, worked out once for as long
        as nothing changes (a page of results asks for a hundred links to variants of it)."""
        state = tuple(vars(self).get(p.attr) for p in facet_params())
        state += (self.q, self.sort, self.page)
        cached = self.__dict__.get("_address_cache")
        if cached is None or cached[0] != state:
            values = {
                "q": self.q,
                **{p.name: p.address_value(getattr(self, p.attr)) for p in facet_params()},
                "sort": self.sort,
                "page": self.page if self.page > 1 else "",
            }
            cached = (state, values)
            self.__dict__["_address_cache"] = cached
        return cached[1]

    def hidden(self, *leave_out):
        """(name, value) of this search's parameters but ``leave_out``, for a form's hidden
        inputs (a form changing one thing keeps the rest of the search)."""
        values = self.as_dict(page="")
        return [(k, v) for k, v in values.items() if k not in leave_out]

    def url(self, **changes):
        """This search's address with ``changes`` (a value of "" removes a parameter)."""
        query = urlencode(self.as_dict(**changes))
        return f"?{query}" if query else "?"

    @property
    def has_filters(self):
        return any(facet.is_set(self) for facet in facets.registry)

    @property
    def is_blank(self):
        return not self.q and not self.has_filters
