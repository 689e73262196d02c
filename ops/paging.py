"""Paging a big table without counting it: the admin's lists and pickers at 100,000 rows.

An exact ``COUNT(*)`` reads every row its filter matches, and an unfiltered list counts the
whole table, so Django's paginator costs more than the page it counts for. ``EstimatingPaginator``
asks PostgreSQL's planner how many rows an unfiltered table holds, and counts a filtered list
only as far as ``COUNT_UP_TO``: past that it says "more than", and any later page can still be
asked for. Asked for a page before its count (as the admin's autocomplete does), it reads one
row past the page instead of counting.
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
    """A paginator whose count reads at most ``COUNT_UP_TO`` rows (one more, to know there are
    more), and asked for a page first, counts nothing. ``estimated`` says whether ``count`` is
    a guess ("about 100,000") or a floor ("more than 1,000")."""

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
        # Never fewer than a page, so a list that says "more than" always has a next page.
        self.counted_up_to = max(COUNT_UP_TO, self.per_page)
        found = queryset.order_by()[: self.counted_up_to + 1].count()
        if found > self.counted_up_to:
            self.estimated = self.more_than = True
        return found

    def validate_number(self, number):
        if "count" not in self.__dict__ or self.estimated:
            # Past an estimate there may still be rows: a page beyond them is simply empty.
            return self._positive(number)
        return super().validate_number(number)

    def _positive(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if "count" not in self.__dict__:
            # A page asked for before any count (the picker's): one row past it says whether
            # another page follows, and nothing is counted.
            rows = list(self.object_list[bottom : bottom + self.per_page + 1])
            self.__dict__["count"] = bottom + len(rows)
            self.estimated = self.more_than = len(rows) > self.per_page
            self.counted_up_to = bottom + self.per_page
            return self._get_page(rows[: self.per_page], number, self)
        if not self.estimated:
            return super().page(number)
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)

    @property
    def count_words(self):
        """The count as a list shows it: "42", "about 99,800", "more than 1,000"."""
        if self.more_than:
            return f"more than {self.counted_up_to:,}"
        if self.estimated:
            return f"about {self.count:,}"
        return f"{self.count:,}"
