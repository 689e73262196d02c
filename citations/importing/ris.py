"""RIS (``.ris``; EndNote, Zotero, Ovid, PubMed's "Citation manager" export), read with rispy.

rispy reads a record's tags, but it drops a record with no ``ER  -`` without a word and
runs two records together when the first lacks its end. So the text is first cut into
records here, at ``TY  -`` and ``ER  -`` lines, and a record missing either is reported by
number; rispy then reads each whole record.

Names are "Lastname, Firstname, Suffix" (the RIS specification), kept whole. ``AN`` is an
accession number: a PMID when ``DB``/``DP`` say PubMed or MEDLINE, else kept as the
accession number of the database they name (PsycINFO, Embase…). ``ET`` is EndNote's "Epub
Date" on a journal article (``TY  - JOUR``) when it holds a date. Tags the table does not
read (ISSN, language, notes, editors…) are named in the record's ``left_out``.
"""

from __future__ import annotations

import re

import rispy

from ..dates import DateProblem, parse_date
from ..normalise import doi_in_text, is_free_full_text_url, join_pages
from .mapping import (
    Built,
    abstract,
    apply_table,
    build_record,
    first_url,
    name_list,
    refused,
    text,
    text_list,
    title,
)

TAG_LINE_RE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
PMCID_RE = re.compile(r"\bPMC\d+\b")


def _doi_from_urls(urls) -> str:
    for url in urls or ():
        found = doi_in_text(url)
        if found:
            return found
    return ""


def _from_pubmed(database, provider) -> bool:
    source = f"{text(database)} {text(provider)}".lower()
    return "pubmed" in source or "medline" in source or "nlm" in source


def _pmid(values) -> str:
    """AN is an accession number: a PMID only when the record came from PubMed."""
    accession, database, provider = values
    return text(accession) if accession and _from_pubmed(database, provider) else ""


def _accession(values) -> str:
    accession, database, provider = values
    return "" if _from_pubmed(database, provider) else text(accession)


def _accession_database(values) -> str:
    accession, database, provider = values
    if not accession or _from_pubmed(database, provider):
        return ""
    return text(database) or text(provider)


def _epub(values):
    """ET on a journal article is EndNote's "Epub Date"; elsewhere it is an edition."""
    edition, kind = values
    if text(kind).upper() not in ("JOUR", "EJOUR"):
        return None
    try:
        return parse_date(text(edition))
    except DateProblem:
        return None  # an edition ("2nd"), not a date


def _pmcid(value) -> str:
    m = PMCID_RE.search(text(value))
    return m.group(0) if m else ""


def _url(urls) -> str:
    """The first address that is not a DOI link (the DOI has its own field) nor PMC."""
    urls = [u for u in urls or () if u]
    for url in urls:
        if not doi_in_text(url) and not is_free_full_text_url(url):
            return url
    return first_url(urls)


def _free_url(urls) -> str:
    return next((u for u in urls or () if is_free_full_text_url(u)), "")


def _date(values):
    """PY or Y1 ("2020", "2020/10/01/", "2020///") and DA ("2020/10/01"): the most precise
    of them that agrees with the year."""
    dates, problems = [], []
    for value in values:
        try:
            found = parse_date(text(value))
        except DateProblem as problem:
            problems.append(problem)
            found = problem.kept
        if found:
            dates.append(found)
    if problems and not dates:
        raise DateProblem("; ".join(str(p) for p in problems))
    if not dates:
        return None
    year = dates[0].year
    ranked = {"day": 0, "month": 1, "year": 2}
    best = min((d for d in dates if d.year == year), key=lambda d: ranked[d.precision])
    if problems:
        raise DateProblem("; ".join(str(p) for p in problems), best)
    return best


def _pages(values) -> str:
    start, end = values
    return join_pages(text(start), text(end))


# rispy reads the tags under their own names (TI → "TI"), so the table is keyed by the tags
# themselves. Order decides which tag wins when a record has several for one field; a key
# may carry "#…" after the tag when one tag fills two fields.
LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "AD", "M3"]
FIELDS = {
    "TI": ("title", title),
    "T1": ("title", title),
    "AU": ("authors", name_list),
    "A1": ("authors", name_list),
    ("PY", "Y1", "DA"): ("issued", _date),
    ("ET", "TY"): ("published_online", _epub),
    "T2": ("journal", text),  # the journal's full name (EndNote, Zotero)
    "JF": ("journal", text),
    "JO": ("journal", text),
    "JA": ("journal", text),
    "J2": ("journal", text),  # abbreviation
    "PB": ("journal", text),  # a report's publisher or issuing body, the last resort
    "VL": ("volume", text),
    "IS": ("issue", text),
    ("SP", "EP"): ("pages", _pages),
    "DO": ("doi", text),
    "UR#doi": ("doi", _doi_from_urls),  # a https://doi.org/… address when there is no DO
    ("AN", "DB", "DP"): ("pmid", _pmid),
    ("AN#accession", "DB", "DP"): ("accession_number", _accession),
    ("AN#database", "DB", "DP"): ("accession_database", _accession_database),
    "C2": ("pmcid", _pmcid),  # PubMed's and EndNote's exports put the PMCID there
    "UR": ("url", _url),
    "UR#free": ("free_url", _free_url),  # a PubMed Central or Europe PMC address
    "AB": ("abstract", abstract),
    "N2": ("abstract", abstract),  # EndNote's abstract
    "KW": ("keywords", text_list),
    "M3": ("publication_types", text_list),  # "Systematic Review", "Practice Guideline"
    "AD": ("affiliations", text_list),
}
IGNORED = frozenset({"TY", "ER", "ID"})
LABELS = {
    "A2": "secondary authors or editors", "A3": "tertiary authors", "A4": "subsidiary authors",
    "CY": "place published", "ET": "edition", "L1": "file attachments", "L2": "links",
    "L4": "figures", "LA": "language", "M1": "number", "N1": "notes", "OP": "original publication",
    "SN": "ISSN or ISBN", "ST": "short title", "TT": "translated title", "Y2": "access date",
    "C1": "custom 1", "CA": "caption", "RN": "research notes", "ED": "editor",
}  # fmt: skip


def split_records(text_: str) -> list[tuple[int, list[str], str]]:
    """The text cut into records: (line number, lines, problem or "")."""
    records: list[tuple[int, list[str], str]] = []
    lines: list[str] = []
    start = 0
    for number, line in enumerate(text_.split("\n"), start=1):
        m = TAG_LINE_RE.match(line.rstrip())
        tag = m.group(1) if m else None
        if tag == "TY":
            if lines:
                records.append((start, lines, "no_er"))
            lines, start = [line], number
        elif tag == "ER":
            if not lines:
                records.append((number, [line], "empty"))
                continue
            lines.append(line)
            problem = "" if TAG_LINE_RE.match(lines[0].rstrip()).group(1) == "TY" else "no_ty"
            records.append((start, lines, problem))
            lines = []
        elif lines or tag:
            if not lines:
                start = number
            lines.append(line)
    if lines and any(TAG_LINE_RE.match(line.rstrip()) for line in lines):
        first = TAG_LINE_RE.match(lines[0].rstrip())
        records.append((start, lines, "no_er" if first and first.group(1) == "TY" else "no_ty"))
    return records


def _peek_title(lines: list[str]) -> str:
    for line in lines:
        m = TAG_LINE_RE.match(line.rstrip())
        if m and m.group(1) in ("TI", "T1") and m.group(2):
            return title(m.group(2))
    return ""


PROBLEMS = {
    "no_er": 'has no end line "ER  -", so it may have been cut short; it was not imported '
    '(add "ER  -" after its last line)',
    "no_ty": 'does not start with a type line "TY  -" (such as "TY  - JOUR"), so it was not '
    "imported",
    "empty": 'is an end line "ER  -" with no record before it',
}


def read(text_: str) -> tuple[list[Built], list[str]]:
    built: list[Built] = []
    for index, (line, lines, problem) in enumerate(split_records(text_), start=1):
        if problem:
            error = refused(
                "ris", index, PROBLEMS[problem], hint=f"line {line}", title_text=_peek_title(lines)
            )
            built.append(Built(None, [error]))
            continue
        entries = rispy.loads(
            "\n".join(lines),
            mapping={tag: tag for tag in rispy.TAG_KEY_MAPPING},
            list_tags=LIST_TAGS,
            skip_unknown_tags=False,
        )
        raw = dict(entries[0]) if entries else {}
        raw.update(raw.pop("UK", None) or {})  # tags rispy does not know, by their names
        values, problems, left_out = apply_table(FIELDS, raw, ignored=IGNORED, labels=LABELS)
        built.append(
            build_record("ris", index, values, problems, hint=f"line {line}", left_out=left_out)
        )
    return built, []
