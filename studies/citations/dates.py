"""Dates as records give them: whole, year and month, or a year alone."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS.update({"sept": 9})
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}


class DateProblem(ValueError):
    """A date whose year cannot be read; the message names it for a person."""


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def date(self) -> datetime.date | None:
        """The date for a DateField: the 1st of the month when only the month is known;
        None for a year alone (the record's ``year`` holds it)."""
        if not self.month:
            return None
        return datetime.date(self.year, self.month, self.day or 1)


def _checked(year: int, month: int | None, day: int | None) -> PartialDate:
    if month is not None and not 1 <= month <= 12:
        month, day = None, None
    if day is not None and (month is None or not 1 <= day <= _days(year, month)):
        day = None
    return PartialDate(year, month, day)


def _days(year: int, month: int) -> int:
    if not 1 <= year <= 9999:
        return 31
    return calendar.monthrange(year, month)[1]


def _number(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    return None


def _month(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip().strip(".").lower()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    first = re.split(r"[\s/–-]+", text)[0].strip(".")
    return MONTHS.get(first) or SEASONS.get(first)


def year_of(value) -> int:
    """The year in ``value`` ("2020", 2020, " 2020 "), or DateProblem."""
    number = _number(value)
    if number is None:
        raise DateProblem(f'the year "{value}" is not a year')
    return number


def from_parts(year, month=None, day=None) -> PartialDate:
    """From separate year, month ("oct", "October", "10") and day values."""
    return _checked(year_of(year), _month(month), _number(day))


def from_date_parts(parts) -> PartialDate | None:
    """CSL and Crossref ``{"date-parts": [[2020, 10, 1]]}`` (or the inner list)."""
    if isinstance(parts, dict):
        if "date-parts" in parts:
            parts = parts["date-parts"]
        elif parts.get("raw") or parts.get("literal"):
            return parse_date(parts.get("raw") or parts.get("literal"))
        else:
            return None
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        parts = parts[0]
    if not isinstance(parts, list) or not parts or parts[0] in (None, ""):
        return None
    return from_parts(*parts[:3])


YEAR_FIRST_RE = re.compile(r"^(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})?(?:[-/.](?P<d>\d{1,2})?)?)?/?$")
COMPACT_RE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?$")
WORDS_RE = re.compile(
    r"^(?P<y>\d{4})\s+(?P<m>[A-Za-z]+\.?)(?:[-/][A-Za-z]+)?(?:\s+(?P<d>\d{1,2}))?(?:-\d+)?$"
)
MONTH_FIRST_RE = re.compile(r"^(?:(?P<d>\d{1,2})\s+)?(?P<m>[A-Za-z]+\.?),?\s+(?P<y>\d{4})$")


def parse_date(value) -> PartialDate | None:
    """ "2020", "2020/10/01/", "2020///", "2020-10-01", "2020 Oct 1", "2020 Oct-Nov",
    "2020 Spring", "20200804", "2025/2/6 0:00:00", "1 October 2020", "Oct 2020".
    None for nothing; DateProblem when there is no year to read."""
    if value is None:
        return None
    if isinstance(value, int):
        return PartialDate(value)
    text = " ".join(str(value).split())
    if not text:
        return None
    text = re.sub(r"[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?$", "", text)
    text = text.rstrip("/").strip()
    for pattern in (YEAR_FIRST_RE, COMPACT_RE, WORDS_RE, MONTH_FIRST_RE):
        m = pattern.match(text)
        if m:
            return from_parts(m["y"], m["m"], m["d"])
    m = re.match(r"^(\d{4})\b", text)
    if m:  # "2020 Oct 1-15", "2020/10/01/Spring": the year at least
        return PartialDate(int(m.group(1)))
    raise DateProblem(f'the year "{value}" is not a year')
