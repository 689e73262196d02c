"""BibTeX (``.bib``), read with bibtexparser 2.

The names are split before the LaTeX is decoded: bibtexparser's SplitNameParts needs the
braces to know that ``{World Health Organization}`` is one corporate name, and its
LatexDecodingMiddleware does not decode lists of names, so each name part is decoded here
with the same decoder. Titles, journals and abstracts go through LatexDecodingMiddleware
(``M{\\"u}ller`` → "Müller", ``{12-step}`` → "12-step"). An entry the parser cannot read (an
unclosed brace) becomes an error naming its key and line; the entries around it are read.

Names keep their parts (first, von, last, jr) whole. BibTeX has no field for an
e-publication date or an accession number; fields the table does not read (note, ISSN,
language, address…) are named in the record's ``left_out``.
"""

from __future__ import annotations

import re

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock
from pylatexenc.latex2text import LatexNodes2Text

from ..dates import from_parts, parse_date
from ..names import ET_AL, corporate, is_et_al, person
from ..normalise import doi_in_text
from .mapping import (
    Built,
    abstract,
    apply_table,
    build_record,
    refused,
    text,
    text_list,
    title,
)

KEY_RE = re.compile(r"@\s*(?P<type>\w+)\s*[{(]\s*(?P<key>[^,\s{}()]*)")
TITLE_RE = re.compile(r"\btitle\s*=\s*[{\"]+(?P<title>[^{}\"\n]+)", re.I)
LATEX = LatexNodes2Text()


def _decode(value: str) -> str:
    try:
        return LATEX.latex_to_text(value)
    except Exception:  # noqa: BLE001 - pylatexenc raises several kinds; keep the text
        return value


def _authors(parts) -> list:
    """bibtexparser's NameParts (first, von, last, jr) to Names; a name that is one braced
    group is corporate and kept whole; "and others" means et al."""
    names = []
    for name in parts:
        if isinstance(name, str):
            names.append(corporate(name))
            continue
        whole = " ".join(name.first + name.von + name.last + name.jr)
        if is_et_al(whole):
            names.append(ET_AL)
            continue
        if not (name.first or name.von or name.jr) and len(name.last) == 1:
            last = name.last[0]
            if last.startswith("{") and last.endswith("}"):
                names.append(corporate(_decode(last)))
                continue
        family = _decode(" ".join(name.von + name.last))
        names.append(person(family, _decode(" ".join(name.first)), _decode(" ".join(name.jr))))
    return [n for n in names if n]


def _date(values):
    """year, month ("oct", "October", "10") and day, and biblatex's date ("2020-10-01"):
    the more precise of them, when they agree on the year."""
    year, month, day, date = values
    classic = from_parts(text(year), text(month) or None, text(day) or None) if year else None
    found = parse_date(text(date)) if date else None
    if classic and found and (found.year != classic.year or len(found.parts) <= len(classic.parts)):
        return classic
    return found or classic


def _pmid(values) -> str:
    """pmid, or biblatex's eprint with eprinttype = pubmed."""
    pmid, eprint, eprinttype = values
    if pmid:
        return text(pmid)
    if eprint and text(eprinttype).lower() == "pubmed":
        return text(eprint)
    return ""


def _doi(value) -> str:
    return text(value)


# The fields, and the order that decides which wins when several fill one field.
FIELDS = {
    "title": ("title", title),
    "author": ("authors", _authors),
    "editor": ("authors", _authors),  # an edited book without authors
    ("year", "month", "day", "date"): ("issued", _date),  # date: biblatex
    "journal": ("journal", text),
    "journaltitle": ("journal", text),  # biblatex
    "booktitle": ("journal", text),
    "institution": ("journal", text),  # reports and guidance: the issuing body
    "organization": ("journal", text),
    "publisher": ("journal", text),
    "volume": ("volume", text),
    "number": ("issue", text),
    "issue": ("issue", text),
    "pages": ("pages", text),  # "270--279" → "270-279"
    "doi": ("doi", _doi),
    "url#doi": ("doi", doi_in_text),  # a https://doi.org/… url when there is no doi
    ("pmid", "eprint", "eprinttype"): ("pmid", _pmid),
    "pmcid": ("pmcid", text),
    "url": ("url", text),
    "abstract": ("abstract", abstract),
    "keywords": ("keywords", text_list),
    "type": ("publication_types", text_list),  # type = {Systematic Review}
}
# What reference managers add for themselves (JabRef, BibDesk).
IGNORED = frozenset({"timestamp", "owner", "creationdate", "modificationdate", "groups"})
LABELS = {
    "note": "note", "issn": "ISSN", "isbn": "ISBN", "language": "language",
    "address": "place published", "edition": "edition", "series": "series",
    "annote": "annotation", "urldate": "access date", "file": "attached file",
    "editor": "editors", "howpublished": "how published", "school": "school",
}  # fmt: skip


def _fields(entry: Entry) -> dict:
    return {key.lower(): field.value for key, field in entry.fields_dict.items()}


def _get(raw: dict, key: str):
    return raw.get(key.split("#", 1)[0])


def _failure_hint(block) -> tuple[str, str]:
    raw = block.raw or ""
    m = KEY_RE.search(raw)
    where = f"line {block.start_line + 1}" if block.start_line is not None else ""
    hint = f"@{m['type']}{{{m['key']}}}" if m and m["key"] else (m and f"@{m['type']}") or ""
    hint = f"{hint} at {where}" if hint and where else hint or where
    t = TITLE_RE.search(raw)
    return hint, (t and t["title"].strip()) or ""


def _failure_message(block, hint: str) -> str:
    error = block.error
    reason = " ".join((getattr(error, "abort_reason", "") or str(error)).split())
    entry = f"the entry {hint}" if hint else "this entry"
    if "closing" in reason or "Unexpected block start" in reason or "end of file" in reason:
        return (
            f'{entry} could not be read: a brace {{ or quote " is not closed, so it runs '
            f"into what follows (the parser says: {reason})"
        )
    return f"{entry} could not be read (the parser says: {reason})"


def read(text_: str) -> tuple[list[Built], list[str]]:
    library = bibtexparser.parse_string(
        text_,
        append_middleware=[
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            middlewares.LatexDecodingMiddleware(),
        ],
    )
    built: list[Built] = []
    notes: list[str] = []
    index = 0
    for block in library.blocks:
        if isinstance(block, DuplicateBlockKeyBlock) and block.ignore_error_block:
            block = block.ignore_error_block  # two entries with one key: both are records
        if isinstance(block, ParsingFailedBlock):
            index += 1
            hint, found_title = _failure_hint(block)
            message = _failure_message(block, hint)
            built.append(
                Built(None, [refused("bibtex", index, message, hint=hint, title_text=found_title)])
            )
            continue
        if not isinstance(block, Entry):
            continue  # @string, @preamble, @comment and text between entries
        index += 1
        raw = _fields(block)
        values, problems, left_out = apply_table(
            FIELDS, raw, get=_get, ignored=IGNORED, labels=LABELS
        )
        line = block.start_line + 1 if block.start_line is not None else "?"
        hint = f"@{block.entry_type}{{{block.key}}} at line {line}"
        built.append(build_record("bibtex", index, values, problems, hint=hint, left_out=left_out))
    return built, notes
