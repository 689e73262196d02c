"""The state of a search, exactly as its address holds it: read from a query string, written
back into links (a filter changed, a page turned)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from matrix.models import Role
from ops.inputs import whole_number
from studies.models import Document

PAGE_SIZE = 20
MAX_PAGE = 500  # deeper pages are refused: nobody reads them, and OFFSET grows with them
YEARS = (1000, 2999)  # what a year filter may be
SORTS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}
FACET_PARAMS = ("kind", "from", "to", "subject", "matrix", "cell", "role", "consultation")


@dataclass
class SearchParams:
    """The state of a search, exactly as its address holds it."""

    q: str = ""
    kind: str = ""
    year_from: int | None = None
    year_to: int | None = None
    subject: str = ""
    matrix: str = ""
    cell: str = ""  # "alcohol/E4"
    role: str = ""
    consultation: bool = False
    sort: str = ""
    page: int = 1
    problems: list = field(default_factory=list)

    @classmethod
    def from_query_dict(cls, data):
        """Read request.GET; anything unusable is dropped with a note saying so."""
        p = cls(q=" ".join(data.get("q", "").split())[:200])
        p.kind = data.get("kind", "") if data.get("kind", "") in Document.Kind.values else ""
        if data.get("kind") and not p.kind:
            p.problems.append(
                f"“{data['kind'][:40]}” is not a kind of document; showing all kinds."
            )
        for name, attr in (("from", "year_from"), ("to", "year_to")):
            value = data.get(name, "").strip()
            if value:
                year = whole_number(value, *YEARS)
                if year:
                    setattr(p, attr, year)
                else:
                    p.problems.append(f"“{value[:20]}” is not a year; that limit is left out.")
        if p.year_from and p.year_to and p.year_from > p.year_to:
            p.year_from, p.year_to = p.year_to, p.year_from
        p.subject = data.get("subject", "")[:100]
        p.matrix = data.get("matrix", "")[:50]
        p.cell = data.get("cell", "")[:60]
        role = data.get("role", "").upper()
        p.role = role if role in Role.values else ""
        p.consultation = data.get("consultation") in ("1", "on", "yes")
        sort = data.get("sort", "")
        p.sort = sort if sort in SORTS else ""
        page = data.get("page", "")
        number = whole_number(page, 1, MAX_PAGE)
        p.page = number or 1
        if number is None and page.strip():
            p.problems.append(f"There is no page “{page[:20]}”; showing the first page.")
        return p

    @property
    def effective_sort(self):
        return self.sort or ("relevance" if self.q else "newest")

    def as_dict(self, **changes):
        values = {
            "q": self.q,
            "kind": self.kind,
            "from": self.year_from or "",
            "to": self.year_to or "",
            "subject": self.subject,
            "matrix": self.matrix,
            "cell": self.cell,
            "role": self.role,
            "consultation": "1" if self.consultation else "",
            "sort": self.sort,
            "page": self.page if self.page > 1 else "",
        }
        values.update(changes)
        if "page" not in changes and any(k != "sort" for k in changes):
            values["page"] = ""  # a new filter starts again at page 1
        return {k: v for k, v in values.items() if v not in ("", None, False)}

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
        return any(
            (self.kind, self.year_from, self.year_to, self.subject, self.matrix, self.cell,
             self.role, self.consultation)
        )  # fmt: skip

    @property
    def is_blank(self):
        return not self.q and not self.has_filters
