"""BibTeX, written by bibtexparser.

Dates: ``year``, ``month`` as its macro ("mar") and, beyond the year, biblatex's ``date``
("2002-03"). BibTeX has no field for the online date. An author list the source cut short
ends "and others".
"""

import calendar

import bibtexparser
from bibtexparser.model import Entry, Field

from .csl import date_parts, iso_date

BIBTEX_TYPES = {"article-journal": "article", "report": "techreport", "article": "misc"}
BIBTEX_MONTHS = [calendar.month_abbr[n].lower() for n in range(13)]


def _bibtex_name(person):
    """BibTeX's "von Last, Jr, First"; an organisation braced, so it is one name."""
    if "literal" in person:
        return "{" + person["literal"] + "}"
    parts = [person.get("family"), person.get("suffix"), person.get("given")]
    return ", ".join(p for p in parts if p)


def to_bibtex(items, extra):
    library = bibtexparser.Library()
    for item in items:
        library.add(_bibtex_entry(item, extra.get(item["id"], {})))
    return bibtexparser.write_string(library)


def _bibtex_entry(item, more):
    fields = [Field("title", "{" + item["title"] + "}")]
    people = item.get("author", [])
    if people:
        names = [_bibtex_name(p) for p in people]
        if item.get("custom", {}).get("et-al"):
            names.append("others")
        fields.append(Field("author", " and ".join(names)))
    date = date_parts(item)
    if date:
        fields.append(Field("year", str(date[0])))
    if len(date) > 1:
        fields.append(Field("month", BIBTEX_MONTHS[date[1]], enclosing="no-enclosing"))
        fields.append(Field("date", iso_date(date)))  # biblatex, to the day when known
    kind = BIBTEX_TYPES[item["type"]]
    fields += _bibtex_source(item, more, kind)
    return Entry(kind, item["id"], fields)


def _bibtex_source(item, more, kind):
    """Where it was published, and how to find it."""
    fields = []
    if item.get("container-title"):
        fields.append(Field("journal", item["container-title"]))
    if item.get("publisher"):
        name = "institution" if kind == "techreport" else "publisher"
        fields.append(Field(name, item["publisher"]))
    for key, name in (("volume", "volume"), ("issue", "number"), ("DOI", "doi")):
        if item.get(key):
            fields.append(Field(name, item[key]))
    if item.get("page"):
        fields.append(Field("pages", item["page"].replace("-", "--")))
    if item.get("PMID"):
        fields.append(Field("pmid", item["PMID"]))
    if item.get("note"):
        fields.append(Field("note", item["note"]))  # a publisher's notice
    if item.get("URL") or more.get("page_url"):
        fields.append(Field("url", item.get("URL") or more["page_url"]))
    return fields
