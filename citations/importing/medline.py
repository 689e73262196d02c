"""PubMed's MEDLINE format (``.nbib``, or the ``.txt`` of "Save → PubMed format").

Each line is a tag of up to four letters padded to four, "- ", then the value:
``PMID- 32871453``, ``TI  - Impact of…``, ``FAU - Humphreys, Keith``. A line starting with
six spaces continues the value above it. Records are separated by blank lines (a new
``PMID-`` line also starts one, for text whose blank lines were lost in pasting).

Each author is the full name of ``FAU`` ("Humphreys, Keith"; its ``AU`` "Humphreys K" only
when there is no ``FAU``). ``DP`` is the issue's date, ``DEP`` the electronic publication
date. The PMID is MEDLINE's accession number, kept as such. Tags the table does not read
(MeSH headings, ISSN, language, grants…) are named in the record's ``left_out``, except
NLM's housekeeping (dates of indexing, status, owner).
"""

from __future__ import annotations

import re

from ..dates import parse_date
from ..names import corporate, parse_name
from ..normalise import clean_text, clean_title, journal_title_case
from .mapping import Built, abstract, apply_table, build_record, refused, text, text_list

TAG_RE = re.compile(r"^(?=[A-Z][A-Z0-9 ]{3}-)(?P<tag>[A-Z][A-Z0-9]{1,3}) *-(?: (?P<value>.*))?$")
CONTINUATION_RE = re.compile(r"^\s+\S")
DOI_TAG_RE = re.compile(r"^(?P<value>.+?)\s*\[doi\]\s*$", re.I)


def _title(values) -> str:
    """PubMed ends titles with a full stop and puts translated titles in [brackets]."""
    value = clean_title(values[0])
    if value.startswith("[") and value.endswith("]"):
        value = clean_title(value[1:-1])
    return value


def _authors(entries) -> list:
    """FAU ("Humphreys, Keith") is the full name, and the AU after it ("Humphreys K") its
    short form; an AU with no FAU before it stands alone. CN is a corporate author, kept
    whole. Order is the record's."""
    names, full = [], None
    for tag, value in entries:
        if tag == "FAU":
            if full:
                names.append(full)
            full = parse_name(value, corporate_check=False)
        elif tag == "AU":
            names.append(full or parse_name(value, corporate_check=False))
            full = None
        elif tag == "CN":
            if full:
                names.append(full)
                full = None
            names.append(corporate(value))
    if full:
        names.append(full)
    return [n for n in names if n]


def _doi(values) -> str:
    """LID and AID hold identifiers with their kind: "10.1016/… [doi]", "S0376-… [pii]"."""
    for value in values:
        m = DOI_TAG_RE.match(value)
        if m:
            return m.group("value")
    return ""


def _journal(values) -> str:
    return journal_title_case(clean_text(values[0]))


def _date(values):
    return parse_date(values[0])


def _first(values) -> str:
    return text(values[0])


# The tags, and the order that decides which wins when several fill one field.
FIELDS = {
    "PMID": ("pmid", _first),
    "TI": ("title", _title),
    "BTI": ("title", _title),  # a book's title (PubMed Bookshelf records)
    "AUTHORS": ("authors", _authors),  # FAU, AU and CN lines in order (see group_authors)
    "DP": ("issued", _date),  # "2020 Oct 1", "2020 Oct", "2020"
    "DEP": ("published_online", _date),  # "20200804"
    "JT": ("journal", _journal),  # "Drug and alcohol dependence" → title case
    "TA": ("journal", _first),  # "Drug Alcohol Depend", when there is no JT
    "VI": ("volume", _first),
    "IP": ("issue", _first),
    "PG": ("pages", _first),  # "270-9" → "270-279" (see normalise_pages)
    "LID": ("doi", _doi),
    "AID": ("doi", _doi),
    "PMC": ("pmcid", _first),  # and free_url, the PMC page
    "AB": ("abstract", lambda values: abstract("\n\n".join(values))),
    "OT": ("keywords", text_list),  # the authors' keywords; MeSH headings (MH) are not
    "PT": ("publication_types", text_list),  # "Review", "Practice Guideline"…
    "AD": ("affiliations", text_list),
}
# NLM's housekeeping, and the author lines the AUTHORS key reads.
IGNORED = frozenset("OWN STAT DCOM LR EDAT MHDA CRDT PHST PST SB JID OTO SO FAU AU CN AUID".split())
LABELS = {
    "MH": "MeSH headings", "IS": "ISSN", "LA": "language", "PL": "place of publication",
    "GR": "grant", "RN": "registry number", "CI": "copyright", "COIS": "conflict of interest",
    "MID": "NIH manuscript id", "CIN": "comment in", "CON": "comment on", "EIN": "erratum in",
    "TT": "transliterated title", "OAB": "other abstract", "SI": "secondary source id",
}  # fmt: skip


def split_records(text_: str) -> tuple[list[tuple[int, list[tuple[str, str]]]], list[str]]:
    """Records as (line number, [(tag, value), …]); lines that are neither a tag nor a
    continuation are reported as notes and left out."""
    records: list[tuple[int, list[tuple[str, str]]]] = []
    notes: list[str] = []
    fields: list[tuple[str, str]] = []
    start = 0

    def end():
        nonlocal fields
        if fields:
            records.append((start, fields))
        fields = []

    for number, line in enumerate(text_.split("\n"), start=1):
        line = line.rstrip()
        if not line.strip():
            end()
            continue
        if CONTINUATION_RE.match(line) and fields:
            tag, value = fields[-1]
            fields[-1] = (tag, f"{value} {line.strip()}")
            continue
        m = TAG_RE.match(line)
        if not m:
            notes.append(f'line {number} is not a MEDLINE line and was ignored: "{line[:60]}"')
            continue
        tag = m.group("tag")
        if tag == "PMID" and any(t == "PMID" for t, _ in fields):
            end()
        if not fields:
            start = number
        fields.append((tag, (m.group("value") or "").strip()))
    end()
    return records, notes


def group(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for tag, value in fields:
        grouped.setdefault(tag, []).append(value)
    grouped["AUTHORS"] = [(t, v) for t, v in fields if t in ("FAU", "AU", "CN")]
    return grouped


def read(text_: str) -> tuple[list[Built], list[str]]:
    records, notes = split_records(text_)
    built = []
    for index, (line, fields) in enumerate(records, start=1):
        raw = group(fields)
        hint = f"PMID {raw['PMID'][0]}" if raw.get("PMID") else f"line {line}"
        values, problems, left_out = apply_table(
            FIELDS, raw, get=lambda raw, key: raw.get(key), ignored=IGNORED, labels=LABELS
        )
        built.append(build_record("medline", index, values, problems, hint=hint, left_out=left_out))
    if not records:
        built.append(Built(None, [refused("medline", 1, "has no MEDLINE lines (TAG - value)")]))
    return built, notes
