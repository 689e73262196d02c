"""Paging a big table without counting it: the admin's lists and pickers at 100,000 rows.

An exact ``COUNT(*)`` reads every row its filter matches, and an unfiltered list counts the
whole table, so Django's paginator costs more than the page it counts for. ``EstimatingPaginator``
asks PostgreSQL's planner how many rows an unfiltered table holds, and counts a filtered list
only as far as ``COUNT_UP_TO``: past that it says "more than", and any later page can still be
asked for.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property

# Past this many matches a filtered list says "more than 1,000": ten pages of the admin's
# list, fifty of a picker's; whoever needs more narrows the search.
COUNT_UP_TO = 1000
# Below this the planner's estimate is rough, and an exact count is cheap anyway.
ESTIMATE_FROM = 10_000


def table_estimate(model, using="default"):
    """How many rows ``model``'s table holds, as PostgreSQL's statistics say (``reltuples``,
    kept by ANALYZE and autovacuum); None on other databases or before the first ANALYZE."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [connection.ops.quote_name(model._meta.db_table)],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None


class EstimatingPaginator(Paginator):
    """A paginator whose count reads at most ``COUNT_UP_TO`` rows. ``estimated`` says whether
    ``count`` is a guess ("about 100,000") or a floor ("more than 1,000")."""

    estimated = False
    more_than = False

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None:  # a list, or anything else without SQL behind it
            return super().count
        if not query.where and not query.distinct and not query.combinator:
            estimate = table_estimate(queryset.model, queryset.db)
            if estimate is not None and estimate >= ESTIMATE_FROM:
                self.estimated = True
                return estimate
        found = queryset.order_by()[: COUNT_UP_TO + 1].count()
        if found > COUNT_UP_TO:
            self.estimated = self.more_than = True
            return COUNT_UP_TO
        return found

    def validate_number(self, number):
        self.count  # noqa: B018 (counting is what tells whether the count is a guess)
        if not self.estimated:
            return super().validate_number(number)
        # Past an estimate there may still be rows: a page beyond them is simply empty.
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        if not self.estimated:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)

    @cached_property
    def num_pages(self):
        pages = super().num_pages
        # "More than 1,000": one page more than those counted, so "next" is offered.
        return pages + 1 if self.more_than else pages

    @property
    def count_words(self):
        """The count as a list shows it: "42", "about 99,800", "more than 1,000"."""
        if self.more_than:
            return f"more than {self.count:,}"
        if self.estimated:
            return f"about {self.count:,}"
        return f"{self.count:,}"
