"""CSL-JSON (Zotero, Mendeley, citation.js, doi.org content negotiation): one item or a list.

Names are ``{"family", "given"}`` (with ``non-dropping-particle``, ``suffix``) or
``{"literal"}`` for a corporate author; dates are ``{"date-parts": [[2020, 10, 1]]}``.
"""

from __future__ import annotations

from .dates import from_date_parts
from .mapping import Built, abstract, apply_table, build_record, refused, text, text_list, title
from .names import cite_name, is_et_al, name_from_string
from .normalise import clean_text


def csl_names(people) -> list[str]:
    names = []
    for person in people or ():
        if isinstance(person, str):
            names.append("et al." if is_et_al(person) else name_from_string(person))
            continue
        if not isinstance(person, dict):
            continue
        if person.get("literal") or (person.get("name") and not person.get("family")):
            names.append(clean_text(person.get("literal") or person.get("name")))
            continue
        family = " ".join(
            clean_text(person.get(part))
            for part in ("non-dropping-particle", "family")
            if person.get(part)
        )
        if family:
            names.append(cite_name(family, person.get("given", ""), person.get("suffix", "")))
    return [n for n in names if n]


def _date(value):
    return from_date_parts(value)


# The item's keys, and the order that decides which wins when several fill one field.
FIELDS = {
    "title": ("title", title),
    "author": ("authors", csl_names),
    "editor": ("authors", csl_names),  # an edited book without authors
    "issued": ("issued", _date),
    "available-date": ("epub", _date),
    "container-title": ("journal", text),
    "collection-title": ("journal", text),
    "publisher": ("journal", text),  # reports and guidance: the issuing body
    "volume": ("volume", text),
    "issue": ("issue", text),
    "page": ("pages", text),
    "number": ("pages", text),  # an article number, when there are no pages
    "DOI": ("doi", text),
    "PMID": ("pmid", text),
    "PMCID": ("pmcid", text),
    "URL": ("url", text),
    "abstract": ("abstract", abstract),  # plain, HTML or JATS (from Crossref)
    "keyword": ("keywords", text_list),  # "alcohol; mutual help"
    "genre": ("publication_types", text_list),  # "Systematic review"
}


def json_kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list"


def read_items(items, source_format: str, table: dict, hint_key: str = "DOI") -> list[Built]:
    built = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            message = f"is not a record (a JSON object) but {json_kind(item)}"
            built.append(Built(None, [refused(source_format, index, message)]))
            continue
        values, problems = apply_table(table, item)
        hint = f"DOI {item[hint_key]}" if isinstance(item.get(hint_key), str) else ""
        built.append(build_record(source_format, index, values, problems, hint=hint))
    return built


def items_of(data) -> list:
    return data if isinstance(data, list) else [data]


def read(data) -> tuple[list[Built], list[str]]:
    return read_items(items_of(data), "csl-json", FIELDS), []
