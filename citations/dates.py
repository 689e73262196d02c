"""Dates as records give them: whole, year and month, or a year alone."""

from __future__ import annotations

import calendar
import json
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
    """A date that cannot be read; the message names it for a person. ``kept`` is what
    could still be read of it (the year of "2020/13/45"), or None."""

    def __init__(self, message: str, kept: PartialDate | None = None):
        super().__init__(message)
        self.kept = kept


ISO_RE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


@dataclass(frozen=True)
class PartialDate:
    """A date only as precise as its source: a year, a month of a year, or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def parts(self) -> tuple[int, ...]:
        """(2002,), (2002, 3) or (2002, 3, 15): CSL's date-parts."""
        return tuple(p for p in (self.year, self.month, self.day) if p)

    @property
    def iso(self) -> str:
        """ "2002", "2002-03" or "2002-03-15": ISO 8601 at the date's own precision, as the
        bank stores it and as HTML's <time datetime> and schema.org take it."""
        return "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(self.parts))

    @classmethod
    def from_iso(cls, text) -> PartialDate | None:
        """The inverse of ``iso``; None for "" and for anything that is not such a date."""
        m = ISO_RE.match(str(text or "").strip())
        if not m:
            return None
        try:
            return _checked(int(m["y"]), m["m"] and int(m["m"]), m["d"] and int(m["d"]))
        except DateProblem:
            return None


def _checked(year: int, month: int | None, day: int | None, shown: str = "") -> PartialDate:
    """The date, or DateProblem for a month or day that does not exist (its year kept)."""
    shown = shown or "-".join(str(p) for p in (year, month, day) if p is not None)
    if month is not None and not 1 <= month <= 12:
        raise DateProblem(
            f'the date "{shown}" is not a date (there is no month {month}); only its year was kept',
            PartialDate(year),
        )
    if day is not None and (month is None or not 1 <= day <= _days(year, month)):
        raise DateProblem(
            f'the date "{shown}" is not a date (there is no day {day} in that month); only '
            "its year and month were kept",
            PartialDate(year, month),
        )
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


VAGUE = "vague"  # a season or a range of months: a year's worth of precision, no error
MONTH_RANGE_RE = re.compile(r"^[a-z]+\.?\s*[/–-]\s*[a-z]+\.?$")


def _month(value):
    """1–12 for a month ("oct", "October", "10"); VAGUE for a season ("Spring") or a range
    ("Oct-Nov"), which name no one month; None for nothing or for what is not a month."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip().strip(".").lower()
    if not text:
        return None
    if text.isdigit():
        number = int(text)
        return VAGUE if 21 <= number <= 24 else number  # EDTF's seasons
    first = re.split(r"\s*[/–-]\s*", text)[0].strip(".")
    if text in SEASONS or (MONTH_RANGE_RE.match(text) and first in MONTHS):
        return VAGUE
    return MONTHS.get(text)


def year_of(value) -> int:
    """The year in ``value`` ("2020", 2020, " 2020 "), or DateProblem."""
    number = _number(value)
    if number is None:
        raise DateProblem(f'the year "{value}" is not a year')
    return number


def from_parts(year, month=None, day=None, shown: str = "") -> PartialDate:
    """From separate year, month ("oct", "October", "10") and day values. A season or a
    range of months gives the year alone. DateProblem for a month that is not a month, or
    a day that is not a day of it (with what could be read kept)."""
    year = year_of(year)
    month_number = _month(month)
    if month_number == VAGUE:
        return PartialDate(year)
    if month not in (None, "") and month_number is None:
        raise DateProblem(
            f'the month "{month}" is not a month; only the year was kept', PartialDate(year)
        )
    day_number = _number(day)
    if day not in (None, "") and day_number is None:
        raise DateProblem(
            f'the day "{day}" is not a day; only the year and month were kept',
            _checked(year, month_number, None),
        )
    return _checked(year, month_number, day_number, shown)


def _common(begin: PartialDate, end: PartialDate) -> PartialDate:
    """What a range's two ends share: 2020-10 for 2020-10-01/2020-10-15, 2020 for
    2020-10/2020-11."""
    if begin.year != end.year:
        return PartialDate(begin.year)
    if begin.month != end.month:
        return PartialDate(begin.year)
    return begin if begin.day == end.day else PartialDate(begin.year, begin.month)


def from_date_parts(value) -> PartialDate | None:
    """CSL and Crossref dates: ``{"date-parts": [[2020, 10, 1]]}`` (two inner lists for a
    range), ``{"raw": "2020-10-01"}`` or ``{"literal": …}``, or CSL's EDTF string
    ("2020-10"). DateProblem names a value of the wrong shape."""
    if isinstance(value, str):
        return parse_date(value)
    if not isinstance(value, dict):
        raise DateProblem(
            f'the date is {json_kind(value)}, not a date such as {{"date-parts": [[2020, 10, 1]]}}'
        )
    if "date-parts" not in value:
        text = value.get("raw") or value.get("literal")
        if text is None:
            return None
        if not isinstance(text, str):
            raise DateProblem(f"the date's raw text is {json_kind(text)}, not text")
        return parse_date(text)
    parts = value["date-parts"]
    shape = "a list of [year, month, day] lists, such as [[2020, 10, 1]]"
    if not isinstance(parts, list) or not all(isinstance(p, list) for p in parts):
        raise DateProblem(f"the date's date-parts is {json_kind(parts)}, not {shape}")
    dates = []
    for inner in parts[:2]:
        if not inner or inner[0] in (None, ""):
            continue
        if len(inner) > 3 or not all(
            isinstance(p, (int, str)) and p is not True and p is not False for p in inner
        ):
            raise DateProblem(f"the date's date-parts {json.dumps(parts)} is not {shape}")
        dates.append(from_parts(*inner, shown="-".join(str(p) for p in inner)))
    if not dates:
        return None
    return _common(dates[0], dates[1]) if len(dates) == 2 else dates[0]


def json_kind(value) -> str:
    """How a JSON value is described to a person: "text", "a number", "a list"…"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "an object"
    return "a list"


YEAR_FIRST_RE = re.compile(r"^(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})?(?:[-/.](?P<d>\d{1,2})?)?)?/?$")
COMPACT_RE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?$")
WORDS_RE = re.compile(
    r"^(?P<y>\d{4})\s+(?P<m>[A-Za-z]+\.?(?:\s*[-/]\s*[A-Za-z]+\.?)?)"
    r"(?:\s+(?P<d>\d{1,2})(?P<days>-\d+)?)?$"
)
MONTH_FIRST_RE = re.compile(r"^(?:(?P<d>\d{1,2})\s+)?(?P<m>[A-Za-z]+\.?),?\s+(?P<y>\d{4})$")


def parse_date(value) -> PartialDate | None:
    """ "2020", "2020/10/01/", "2020///", "2020-10-01", "2020 Oct 1", "20200804",
    "2025/2/6 0:00:00", "1 October 2020", "Oct 2020"; "2020 Oct-Nov" and "2020 Spring" are
    the year alone, "2020 Oct 1-15" the month. None for nothing; DateProblem when there is
    no year to read, or a month or day that does not exist."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return PartialDate(value)
    text = " ".join(str(value).split())
    if not text:
        return None
    text = re.sub(r"[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?$", "", text)
    text = text.rstrip("/").strip()
    for pattern in (YEAR_FIRST_RE, COMPACT_RE, WORDS_RE, MONTH_FIRST_RE):
        m = pattern.match(text)
        if m:
            day = None if m.groupdict().get("days") else m["d"]
            return from_parts(m["y"], m["m"], day, shown=str(value).strip())
    m = re.match(r"^(\d{4})\b", text)
    if m:  # "2020/10/01/Spring", "2020 Oct 1 (online)": the year at least
        return PartialDate(int(m.group(1)))
    raise DateProblem(f'the year "{value}" is not a year')
