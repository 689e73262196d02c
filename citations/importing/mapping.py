"""From a format's raw record to a CitationRecord: the tables, the converters they use,
and the checks every record goes through whatever its format.

Each format module has one table, ``FIELDS``: ``{format key: (our field, converter)}``.
A key is a tag (``"TI"``), a dotted path in JSON (``"journal.name"``) or a tuple of keys
whose values go to the converter together (``("SP", "EP")``). Several keys may fill one
field: the first in the table that has a value wins. The fields a table fills are the
record's own plus three that ``build_record`` turns into record fields:

- ``issued``: the citation date (print or issue; a PartialDate) → ``year`` and ``issued``;
- ``published_online``: the electronic publication date;
- ``publication_types``: the record's own types ("Review", "Practice Guideline") → ``kind``
  and ``design``.

JSON formats also have ``SHAPES``: ``{key: Shape}``, what each key must hold by the
format's specification (text, a number, a list of names…). A value of another shape is an
error on that field, named with what was found and what was due; the field is left empty
and the rest of the record is read. Every format has ``IGNORED``: keys that carry nothing
for the bank (housekeeping, counts); any other key the table does not read is named in the
record's ``left_out``, so the import report says what was not kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..dates import DateProblem, PartialDate, json_kind, parse_date
from ..names import ET_AL, Name, is_et_al, parse_name
from ..normalise import (
    clean_text,
    clean_title,
    design_of,
    is_free_full_text_url,
    kind_of,
    looks_like_doi,
    normalise_doi,
    normalise_pages,
    normalise_pmcid,
    pmc_url,
)
from .abstracts import abstract_to_markup
from .records import CitationError, CitationRecord, record_label

YEAR_RANGE = (1800, 2100)
PMC_IN_URL_RE = re.compile(r"(?:/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/articles/)(PMC\d+)", re.I)


class FieldProblem(ValueError):
    """Raised by a converter: ``message`` is for a person, ``field`` names the field;
    ``kept`` is what could still be read of the value (the good names of a list), or
    None."""

    def __init__(self, message: str, field: str = "", kept=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.kept = kept


@dataclass(frozen=True)
class Shape:
    """What a JSON key holds by its format's specification, in words for a person."""

    accepts: Callable[[object], bool]
    described: str


def _is_text(value) -> bool:
    return isinstance(value, str)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


TEXT = Shape(_is_text, "text")
NUMBER_OR_TEXT = Shape(lambda v: _is_text(v) or _is_number(v), "text or a number")
TEXT_LIST = Shape(
    lambda v: isinstance(v, list) and all(_is_text(x) for x in v), 'a list of text, ["…"]'
)
TEXT_OR_TEXT_LIST = Shape(
    lambda v: _is_text(v) or TEXT_LIST.accepts(v), 'text, or a list of text ["…"]'
)
OBJECT = Shape(lambda v: isinstance(v, dict), "an object {…}")
OBJECT_LIST = Shape(
    lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
    "a list of objects [{…}]",
)
DATE = Shape(
    lambda v: isinstance(v, (dict, str)),
    'a date such as {"date-parts": [[2020, 10, 1]]}',
)
NAMES = Shape(
    lambda v: isinstance(v, list),
    'a list of names such as [{"family": "Timko", "given": "Christine"}]',
)


def shown(value, limit=40) -> str:
    """A value as a message quotes it: text in quotes, cut to ``limit`` characters."""
    if isinstance(value, str):
        text = " ".join(value.split())
        return f'"{text[:limit]}…"' if len(text) > limit else f'"{text}"'
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text[:limit] + "…" if len(text) > limit else text


def kind_and_value(value) -> str:
    """ "text ("notalist")", "a number (7)", "null": what a value is, for a message."""
    if value is None or isinstance(value, bool):
        return json_kind(value)
    return f"{json_kind(value)} ({shown(value)})"


def shape_problem(key: str, value, shape: Shape) -> str:
    return f"{key} is {kind_and_value(value)}, not {shape.described}"


# Converters shared by the tables


def text(value) -> str:
    if isinstance(value, list):
        value = next((v for v in value if v), "")
    if isinstance(value, (dict, list)):
        raise FieldProblem("the value is a JSON object, not text")
    return clean_text(value)


def title(value) -> str:
    if isinstance(value, list):
        value = next((v for v in value if v), "")
    if isinstance(value, (dict, list)):
        raise FieldProblem("the title is a JSON object, not text")
    return clean_title(value)


def pages(value) -> str:
    return normalise_pages(text(value))


def abstract(value) -> str:
    if isinstance(value, list):
        value = "\n\n".join(str(v) for v in value if v)
    return abstract_to_markup(value)


def date(value) -> PartialDate | None:
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    return parse_date(value)


def text_list(value) -> list[str]:
    """Keywords and the like: a list, or one string separated by ";" or ","."""
    if isinstance(value, str):
        separator = ";" if ";" in value else ","
        value = value.split(separator)
    return [clean_text(v) for v in value or () if clean_text(v)]


def name_list(value) -> list:
    """Author names written as text, one an item ("Timko, Christine", "Humphreys K"), as
    Names; "et al." where the list says it is cut short."""
    if isinstance(value, str):
        value = [value]
    names, bad = [], []
    for number, item in enumerate(value or (), start=1):
        if not isinstance(item, str):
            bad.append(f"name {number} is {kind_and_value(item)}, not text")
            continue
        name = ET_AL if is_et_al(item) else parse_name(item)
        if name:
            names.append(name)
    if bad:
        raise FieldProblem("; ".join(bad), kept=names)
    return names


def first_url(value) -> str:
    for url in value if isinstance(value, list) else [value]:
        url = clean_text(url)
        if url:
            return url
    return ""


def lookup(data, key: str):
    """``data["a"]["b"]`` for the key "a.b"; None where the path stops. Anything after a
    "#" is a note in the table (one key filling two fields), not part of the key."""
    for part in key.split("#", 1)[0].split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _is_empty(value) -> bool:
    if isinstance(value, tuple):
        return all(_is_empty(v) for v in value)
    return value is None or value == "" or value == [] or value == {}


def _key_parts(key) -> list[str]:
    keys = key if isinstance(key, tuple) else (key,)
    return [k.split("#", 1)[0] for k in keys]


def _field_of(table: dict, key: str) -> str:
    """Our field that ``key`` (or a key under it, for a JSON object) fills."""
    for table_key, (name, _) in table.items():
        if any(part == key or part.startswith(key + ".") for part in _key_parts(table_key)):
            return name
    return ""


def apply_table(
    table: dict, raw, get=lookup, *, shapes=None, ignored=frozenset(), labels=None
) -> tuple[dict, list[tuple[str, str]], list[str]]:
    """Our fields from one raw record by ``table``; problems as (field, message); and what
    the record gives that the table does not read and ``ignored`` does not name, each as
    ``KEY (what it is) "value"`` (``labels`` say what keys are)."""
    values: dict = {}
    problems: list[tuple[str, str]] = []
    done: set[str] = set()
    wrong = _check_shapes(table, raw, get, shapes or {}, problems, done)
    for key, (name, convert) in table.items():
        if name in done:
            continue
        parts = _key_parts(key)
        if isinstance(key, tuple):
            value = tuple(
                None if p in wrong else get(raw, k) for p, k in zip(parts, key, strict=True)
            )
        else:
            value = None if parts[0] in wrong else get(raw, key)
        if _is_empty(value):
            continue
        try:
            converted = convert(value)
        except DateProblem as problem:
            problems.append(_date_problem(name, key, value, problem, named=shapes is not None))
            converted = problem.kept
            done.add(name)  # reported: not filled from a lesser key
        except FieldProblem as problem:
            problems.append((problem.field or name, problem.message))
            converted = problem.kept
            done.add(name)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError):
            # A value of a shape the format does not allow that no Shape caught: that
            # field is reported, the rest of the record is still read.
            problems.append((name, f"the {', '.join(parts)} value could not be read"))
            converted = None
            done.add(name)
        if not _is_empty(converted):
            values[name] = converted
            done.add(name)
    return values, problems, _left_out(table, raw, ignored, labels or {})


def _check_shapes(table, raw, get, shapes, problems, done):
    """The keys whose value is not of the shape the format gives it, each reported."""
    wrong: set[str] = set()
    for key, shape in shapes.items():
        value = get(raw, key)
        name = _field_of(table, key)
        if name and not _is_empty(value) and not shape.accepts(value):
            problems.append((name, shape_problem(key, value, shape)))
            wrong.add(key)
            if any(key in _key_parts(k) for k in table):
                done.add(name)  # not filled from a lesser key: it would not be the same fact
    return wrong


def _date_problem(name, key, value, problem, *, named):
    """(field, message) for a date that could not be read."""
    message = str(problem)
    if named:  # JSON: name the key, which is what a person looks for
        parts = _key_parts(key)
        given = [
            p
            for p, v in zip(parts, value if isinstance(key, tuple) else (value,), strict=True)
            if not _is_empty(v)
        ]
        message = f"{', '.join(given)}: {message}"
    if name == "issued":
        return ("issued" if problem.kept else "year", message)
    return (name, f"the online publication date: {message}")


def _left_out(table, raw, ignored, labels):
    """What the record gives that the table does not read, each as KEY (label) "value"."""
    read = {part.split(".", 1)[0] for key in table for part in _key_parts(key)}
    left_out = []
    for key, value in raw.items() if isinstance(raw, dict) else ():
        if key in read or key in ignored or _is_empty(value):
            continue
        label = labels.get(key, key)
        described = key if label == key else f"{key} ({label})"
        more = ""
        if isinstance(value, list):
            more = f" and {len(value) - 1} more" if len(value) > 1 else ""
            value = value[0]
        if isinstance(value, (str, int, float)):
            described += f" {shown(value)}{more}"
        left_out.append(described)
    return left_out


@dataclass
class Built:
    record: CitationRecord | None
    errors: list[CitationError] = field(default_factory=list)


def refused(
    source_format: str, index: int, message: str, *, hint="", title_text="", field="record"
):
    label = record_label(index, source_format, title_text, hint)
    return CitationError(label, field, f"{label}: {message}", index=index, refused=True)


def build_record(
    source_format: str,
    index: int,
    values: dict,
    problems: list[tuple[str, str]] = (),
    *,
    hint: str = "",
    left_out: list[str] = (),
) -> Built:
    """Check and assemble one record. Without a title the record is refused; a bad year,
    DOI, PMID, PMCID or URL is reported and that field left empty."""
    title_text = values.get("title", "")
    if not title_text:
        unreadable = [message for name, message in problems if name == "title"]
        message = (
            f"{unreadable[0]}, and a record needs a title to be imported"
            if unreadable
            else "there is no title, and a record needs one to be imported"
        )
        return Built(None, [refused(source_format, index, message, hint=hint, field="title")])
    record = CitationRecord(title=title_text, source_format=source_format, index=index)
    record.left_out = list(left_out)
    errors: list[CitationError] = []

    def problem(name: str, message: str):
        errors.append(CitationError(record.label, name, f"{record.label}: {message}", index))

    for name, message in problems:
        problem(name, message)

    _set_authors(record, values)
    _set_dates(record, values, problem)
    for name in ("journal", "volume", "issue", "accession_number", "accession_database"):
        setattr(record, name, clean_text(values.get(name, "")))
    record.pages = normalise_pages(values.get("pages", ""))
    _set_identifiers(record, values, problem)
    _set_addresses(record, values, problem)

    record.abstract = values.get("abstract", "")
    record.publication_types = list(dict.fromkeys(values.get("publication_types", [])))
    record.kind = kind_of(record.title, record.publication_types, record.journal)
    record.design = design_of(record.publication_types, record.journal)
    record.keywords = list(dict.fromkeys(values.get("keywords", [])))
    record.affiliations = list(dict.fromkeys(values.get("affiliations", [])))
    return Built(record, errors)


def _set_authors(record, values):
    """Authors, in order; "et al." and "others" say the list is cut short."""
    for name in values.get("authors", []):
        if name == ET_AL:
            record.authors_et_al = True
        elif isinstance(name, Name) and name not in record.authors:
            record.authors.append(name)
    record.authors_et_al = record.authors_et_al or bool(values.get("authors_et_al"))


def _set_dates(record, values, problem):
    """Dates: the issue's, and the electronic publication's, each at its own precision."""
    issued, online = values.get("issued"), values.get("published_online")
    low, high = YEAR_RANGE
    if issued and not low <= issued.year <= high:
        problem("year", f"the year {issued.year} is not between {low} and {high}")
        issued = None
    if online and not low <= online.year <= high:
        problem(
            "published_online",
            f"the online publication year {online.year} is not between {low} and {high}",
        )
        online = None
    if issued and online == issued:
        online = None  # an online-only work: its one date is its date of issue
    if issued and online and online.year > issued.year:
        # A journal's back issues put online years later: not when this work appeared.
        record.left_out.append(
            f"the online publication date {online.iso}, later than the issue's year "
            f"{issued.year} (a back issue put online later)"
        )
        online = None
    record.year = issued.year if issued else online.year if online else None
    record.issued, record.published_online = issued, online


def _set_identifiers(record, values, problem):
    """DOI, PMID and PMCID, each kept only if it is one."""
    raw_doi = values.get("doi", "")
    if raw_doi:
        doi = normalise_doi(raw_doi)
        if looks_like_doi(doi):
            record.doi = doi
        else:
            problem("doi", f'"{clean_text(raw_doi)}" is not a DOI (a DOI looks like 10.1234/…)')

    raw_pmid = clean_text(values.get("pmid", ""))
    if raw_pmid:
        if raw_pmid.isdigit():
            record.pmid = raw_pmid.lstrip("0") or raw_pmid
        else:
            problem("pmid", f'the PMID "{raw_pmid}" is not a PMID (a PMID is digits only)')

    raw_pmcid = values.get("pmcid", "")
    if raw_pmcid:
        pmcid = normalise_pmcid(raw_pmcid)
        if pmcid[3:].isdigit() and pmcid.startswith("PMC"):
            record.pmcid = pmcid
        else:
            problem("pmcid", f'"{clean_text(raw_pmcid)}" is not a PubMed Central id (PMC…)')


def _set_addresses(record, values, problem):
    """The web addresses, and the free full text they or the PMCID point to."""
    for name in ("url", "free_url"):
        url = clean_text(values.get(name, ""))
        if url and not url.lower().startswith(("http://", "https://")):
            problem(name, f'"{url}" is not a web address (http:// or https://)')
            url = ""
        setattr(record, name, url)
    if not record.pmcid:  # a PubMed Central address names the PMCID
        found = PMC_IN_URL_RE.search(f"{record.free_url} {record.url}")
        record.pmcid = found.group(1).upper() if found else ""
    if not record.free_url and is_free_full_text_url(record.url):
        record.free_url = record.url
    if not record.free_url and record.pmcid:
        record.free_url = pmc_url(record.pmcid)
