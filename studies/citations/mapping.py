"""From a format's raw record to a CitationRecord: the tables, the converters they use,
and the checks every record goes through whatever its format.

Each format module has one table, ``FIELDS``: ``{format key: (our field, converter)}``.
A key is a tag (``"TI"``), a dotted path in JSON (``"journal.name"``) or a tuple of keys
whose values go to the converter together (``("SP", "EP")``). Several keys may fill one
field: the first in the table that has a value wins. The fields a table fills are the
record's own plus three that ``build_record`` turns into record fields:

- ``issued``: the citation date (print or issue; a PartialDate) → ``year``;
- ``epub``: the electronic publication date → ``published_on`` (see ``choose_date``);
- ``publication_types``: the record's own types ("Review", "Practice Guideline") → ``kind``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .abstracts import abstract_to_markup
from .dates import DateProblem, PartialDate, parse_date
from .names import is_et_al, name_from_string
from .normalise import (
    clean_text,
    clean_title,
    is_free_full_text_url,
    kind_of,
    looks_like_doi,
    normalise_doi,
    normalise_pages,
    normalise_pmcid,
    pmc_url,
)
from .records import CitationError, CitationRecord, record_label

YEAR_RANGE = (1800, 2100)
PMC_IN_URL_RE = re.compile(r"(?:/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/articles/)(PMC\d+)", re.I)


class FieldProblem(ValueError):
    """Raised by a converter: ``message`` is for a person, ``field`` names the field."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


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


def name_list(value) -> list[str]:
    """Author names written as text, one an item ("Humphreys, Keith", "Humphreys K")."""
    if isinstance(value, str):
        value = [value]
    value = [v for v in value or () if isinstance(v, str)]
    names = (("et al." if is_et_al(v) else name_from_string(v)) for v in value)
    return [name for name in names if name]


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


def apply_table(table: dict, raw, get=lookup) -> tuple[dict, list[tuple[str, str]]]:
    """Our fields from one raw record by ``table``; problems as (field, message)."""
    values: dict = {}
    problems: list[tuple[str, str]] = []
    done: set[str] = set()
    for key, (name, convert) in table.items():
        if name in done:
            continue
        value = tuple(get(raw, k) for k in key) if isinstance(key, tuple) else get(raw, key)
        if _is_empty(value):
            continue
        try:
            converted = convert(value)
        except DateProblem as problem:
            problems.append(("year", str(problem)))
            done.add(name)
            continue
        except FieldProblem as problem:
            problems.append((problem.field or name, problem.message))
            done.add(name)
            continue
        except (TypeError, ValueError, AttributeError, KeyError, IndexError):
            # A value of a shape the format does not allow (a number where a list of names
            # belongs): that field is reported, the rest of the record is still read.
            shown = key if isinstance(key, str) else ", ".join(key)
            problems.append((name, f"the {shown.split('#')[0]} value could not be read"))
            done.add(name)
            continue
        if not _is_empty(converted):
            values[name] = converted
            done.add(name)
    return values, problems


@dataclass
class Built:
    record: CitationRecord | None
    errors: list[CitationError] = field(default_factory=list)


def refused(
    source_format: str, index: int, message: str, *, hint="", title_text="", field="record"
):
    label = record_label(index, source_format, title_text, hint)
    return CitationError(label, field, f"{label}: {message}", index=index, refused=True)


def choose_date(issued: PartialDate | None, epub: PartialDate | None):
    """``published_on`` and its precision. The electronic publication date is preferred
    when the record gives it to the day, because that is when the work first appeared
    (PubMed's DEP, Crossref's published-online, the EPubDate of Semantic Scholar-style
    records, whose publicationDate is often the issue year padded to 1 January); but not
    when it falls in a later year than the citation year, as happens when a journal's
    back issues are put online years later. Otherwise the issue date, at its precision;
    with only a month, the 1st of it (precision "month"); with a year alone, no date."""
    year = issued.year if issued else epub.year if epub else None
    if epub and epub.precision == "day" and (year is None or epub.year <= year):
        return epub.date, "day"
    for candidate in (issued, epub):
        if candidate and candidate.date:
            return candidate.date, candidate.precision
    return None, "year" if year else ""


def build_record(
    source_format: str,
    index: int,
    values: dict,
    problems: list[tuple[str, str]] = (),
    *,
    hint: str = "",
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
    errors: list[CitationError] = []

    def problem(name: str, message: str):
        errors.append(CitationError(record.label, name, f"{record.label}: {message}", index))

    for name, message in problems:
        problem(name, message)

    # Authors, in order; "et al." and "others" say the list is cut short.
    for name in values.get("authors", []):
        if is_et_al(name):
            record.authors_et_al = True
        elif name not in record.authors:
            record.authors.append(name)
    record.authors_et_al = record.authors_et_al or bool(values.get("authors_et_al"))

    # Dates
    issued, epub = values.get("issued"), values.get("epub")
    low, high = YEAR_RANGE
    for which in ("issued", "epub"):
        found = values.get(which)
        if found and not low <= found.year <= high:
            problem("year", f"the year {found.year} is not between {low} and {high}")
            issued, epub = (None, epub) if which == "issued" else (issued, None)
    record.year = issued.year if issued else epub.year if epub else None
    record.published_on, record.date_precision = choose_date(issued, epub)

    for name in ("journal", "volume", "issue"):
        setattr(record, name, clean_text(values.get(name, "")))
    record.pages = normalise_pages(values.get("pages", ""))

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

    record.abstract = values.get("abstract", "")
    record.publication_types = list(dict.fromkeys(values.get("publication_types", [])))
    record.kind = kind_of(record.title, record.publication_types)
    record.keywords = list(dict.fromkeys(values.get("keywords", [])))
    record.affiliations = list(dict.fromkeys(values.get("affiliations", [])))
    return Built(record, errors)
