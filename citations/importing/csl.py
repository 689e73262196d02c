"""CSL-JSON (Zotero, Mendeley, citation.js, doi.org content negotiation): one item or a list.

Names are ``{"family", "given"}`` (with ``non-dropping-particle``, ``dropping-particle``,
``suffix``) or ``{"literal"}`` for a corporate author; dates are ``{"date-parts": [[2020,
10, 1]]}`` (or an EDTF string, "2020-10"). ``issued`` is the date of issue;
``available-date`` (or Crossref's ``published-online``, which its CSL output carries) the
electronic publication date. ``archive_location`` is an accession number in the database
``archive`` names (as Zotero maps RIS's ``AN`` and ``DB``). An author list cut short ends
with a name "et al." (or says so in ``custom``, ``{"et-al": true}``, as the bank's own export
does). Every key is checked against the CSL-JSON schema's type for it (``SHAPES``).
"""

from __future__ import annotations

from ..dates import from_date_parts, json_kind
from ..names import ET_AL, corporate, is_et_al, parse_name, person
from ..normalise import clean_text
from .mapping import (
    DATE,
    NAMES,
    NUMBER_OR_TEXT,
    OBJECT,
    TEXT,
    Built,
    FieldProblem,
    abstract,
    apply_table,
    build_record,
    kind_and_value,
    refused,
    shown,
    text,
    text_list,
    title,
)

NAME_PARTS = ("family", "given", "non-dropping-particle", "dropping-particle", "suffix")


def _person(item):
    """One CSL name object as a Name; FieldProblem for parts that are not text."""
    wrong = [
        key
        for key in (*NAME_PARTS, "literal", "name")
        if item.get(key) is not None and not isinstance(item.get(key), str)
    ]
    if wrong:
        raise FieldProblem(f"its {wrong[0]} is {kind_and_value(item[wrong[0]])}, not text")
    whole = item.get("literal") or (item.get("name") if not item.get("family") else None)
    if whole:
        return ET_AL if is_et_al(whole) else corporate(whole)
    family = " ".join(
        clean_text(item.get(part)) for part in ("non-dropping-particle", "family") if item.get(part)
    )
    given = " ".join(
        clean_text(item.get(part)) for part in ("given", "dropping-particle") if item.get(part)
    )
    return person(family, given, item.get("suffix") or "")


def csl_names(people) -> list:
    """A list of CSL name objects as Names. A name given as text is read as one
    ("Timko, Christine"); anything else in the list is reported, and the good names kept."""
    names, bad = [], []
    for number, item in enumerate(people or (), start=1):
        if isinstance(item, str):
            names.append(ET_AL if is_et_al(item) else parse_name(item))
        elif isinstance(item, dict):
            try:
                names.append(_person(item))
            except FieldProblem as problem:
                bad.append(f"name {number} ({shown(item)}): {problem.message}")
        else:
            bad.append(f"name {number} is {kind_and_value(item)}, not a name")
    names = [n for n in names if n]
    if bad:
        raise FieldProblem("; ".join(bad) + "; the other names were kept", kept=names)
    return names


def _date(value):
    return from_date_parts(value)


# The item's keys, and the order that decides which wins when several fill one field.
FIELDS = {
    "title": ("title", title),
    "author": ("authors", csl_names),
    "editor": ("authors", csl_names),  # an edited book without authors
    "published-print": ("issued", _date),  # Crossref's CSL: the issue
    "issued": ("issued", _date),
    "available-date": ("published_online", _date),
    "published-online": ("published_online", _date),  # Crossref's CSL
    "container-title": ("journal", text),
    "collection-title": ("journal", text),
    "container-title-short": ("journal", text),
    "publisher": ("journal", text),  # reports and guidance: the issuing body
    "volume": ("volume", text),
    "issue": ("issue", text),
    "page": ("pages", text),
    "number": ("pages", text),  # an article number, when there are no pages
    "DOI": ("doi", text),
    "PMID": ("pmid", text),
    "PMCID": ("pmcid", text),
    "archive_location": ("accession_number", text),
    "archive": ("accession_database", text),
    "URL": ("url", text),
    "abstract": ("abstract", abstract),  # plain, HTML or JATS (from Crossref)
    "keyword": ("keywords", text_list),  # "alcohol; mutual help"
    "genre": ("publication_types", text_list),  # "Systematic review"
    "custom": ("authors_et_al", lambda custom: custom.get("et-al") is True),  # the bank's
}
# CSL-JSON's schema (csl-data.json): names are lists of name objects, dates date objects
# or EDTF strings, "number" variables text or numbers, the rest text.
SHAPES = {
    "title": TEXT,
    "author": NAMES,
    "editor": NAMES,
    "published-print": DATE,
    "issued": DATE,
    "available-date": DATE,
    "published-online": DATE,
    "container-title": TEXT,
    "collection-title": TEXT,
    "container-title-short": TEXT,
    "publisher": TEXT,
    "volume": NUMBER_OR_TEXT,
    "issue": NUMBER_OR_TEXT,
    "page": NUMBER_OR_TEXT,
    "number": NUMBER_OR_TEXT,
    "DOI": TEXT,
    "PMID": TEXT,
    "PMCID": TEXT,
    "archive_location": TEXT,
    "archive": TEXT,
    "URL": TEXT,
    "abstract": TEXT,
    "keyword": TEXT,
    "genre": TEXT,
    "custom": OBJECT,
}
IGNORED = frozenset({"id", "type", "citation-key", "source", "accessed"})
LABELS = {
    "ISSN": "ISSN", "ISBN": "ISBN", "language": "language", "note": "note",
    "publisher-place": "place published", "edition": "edition", "translator": "translators",
    "original-date": "original date", "title-short": "short title", "subject": "subjects",
}  # fmt: skip


def read_items(
    items, source_format: str, *, fields, shapes, ignored, labels, hint_key: str = "DOI"
) -> list[Built]:
    """Each JSON item by a format's tables (see ``mapping.apply_table``)."""
    built = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            message = f"is not a record (a JSON object) but {json_kind(item)}"
            built.append(Built(None, [refused(source_format, index, message)]))
            continue
        values, problems, left_out = apply_table(
            fields, item, shapes=shapes, ignored=ignored, labels=labels
        )
        hint = f"DOI {item[hint_key]}" if isinstance(item.get(hint_key), str) else ""
        built.append(
            build_record(source_format, index, values, problems, hint=hint, left_out=left_out)
        )
    return built


def items_of(data) -> list:
    return data if isinstance(data, list) else [data]


def read(data) -> tuple[list[Built], list[str]]:
    tables = {"fields": FIELDS, "shapes": SHAPES, "ignored": IGNORED, "labels": LABELS}
    return read_items(items_of(data), "csl-json", **tables), []
