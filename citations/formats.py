"""Exports for reference managers, written by libraries that know the formats: RIS with
rispy, BibTeX with bibtexparser, CSL-JSON as the CSL items themselves.

Names go out as the source gave them ("Timko, Christine"; "Miller, W. R." when only
initials are known; an organisation whole), and dates only as precisely as they are known:
RIS ``PY`` is the year and ``DA`` "2002/03//" for a month (the RIS specification's
"YYYY/MM/DD/other", every slash kept); BibTeX has ``year``, ``month`` as its macro ("mar")
and, beyond the year, biblatex's ``date`` ("2002-03"). The online date goes to RIS ``ET``
on a journal article (EndNote's "Epub Date"); BibTeX has no field for it. An accession
number goes to RIS ``AN`` with ``DB``.
"""

import calendar
import json

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field

from .csl import page_range

FORMATS = {
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "bib": ("application/x-bibtex; charset=utf-8", "bib"),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}
RIS_TYPES = {"article-journal": "JOUR", "report": "RPRT", "article": "GEN"}
BIBTEX_TYPES = {"article-journal": "article", "report": "techreport", "article": "misc"}
BIBTEX_MONTHS = [calendar.month_abbr[n].lower() for n in range(13)]


class RisWriter(rispy.RisWriter):
    """rispy's writer, without the "1." it puts before each reference (not part of RIS)."""

    def set_header(self, count):
        return ""


def _inverted(person):
    """ "Timko, Christine", "King, Martin L., Jr." (RIS: Lastname, Firstname, Suffix); an
    organisation's name whole."""
    if "literal" in person:
        return person["literal"]
    return ", ".join(
        p for p in (person.get("family"), person.get("given"), person.get("suffix")) if p
    )


def _bibtex_name(person):
    """BibTeX's "von Last, Jr, First"; an organisation braced, so it is one name."""
    if "literal" in person:
        return "{" + person["literal"] + "}"
    parts = [person.get("family"), person.get("suffix"), person.get("given")]
    return ", ".join(p for p in parts if p)


def _date(item, key="issued"):
    """The date's parts as CSL holds them: [2002], [2002, 3] or [2002, 3, 15]; [] if none."""
    return item.get(key, {}).get("date-parts", [[]])[0]


def _ris_date(parts):
    """ "2002///", "2002/03//", "2002/03/15/": every part the RIS specification has, each
    followed by its slash, the unknown ones left empty."""
    padded = [str(parts[0])] + [f"{n:02d}" for n in parts[1:]]
    return "/".join(padded + [""] * (3 - len(padded))) + "/"


def _iso(parts):
    return "-".join(f"{n:02d}" if i else f"{n:04d}" for i, n in enumerate(parts))


def to_ris(items, extra):
    """``extra`` maps an item id to what the CSL item does not carry (abstract, keywords)."""
    entries = [_ris_entry(item, extra.get(item["id"], {})) for item in items]
    return rispy.dumps(entries, implementation=RisWriter)


def _ris_entry(item, more):
    entry = {
        "type_of_reference": RIS_TYPES[item["type"]],
        "title": item["title"],
        "authors": [_inverted(p) for p in item.get("author", [])],
    }
    _ris_dates(entry, item)
    if item.get("container-title"):
        entry["secondary_title"] = item["container-title"]
    if item.get("publisher"):
        entry["publisher"] = item["publisher"]
    for key, ris_key in (("volume", "volume"), ("issue", "number"), ("DOI", "doi")):
        if item.get(key):
            entry[ris_key] = item[key]
    _ris_pages_and_accession(entry, item)
    urls = [u for u in (item.get("URL"), more.get("page_url")) if u]
    if urls:
        entry["urls"] = list(dict.fromkeys(urls))
    if item.get("PMID"):
        entry["notes"] = [f"PMID: {item['PMID']}"]
    for key in ("abstract", "keywords"):
        if more.get(key):
            entry[key] = more[key]
    return entry


def _ris_pages_and_accession(entry, item):
    first, last = page_range(item.get("page", ""))
    if first:
        entry["start_page"] = first
    if last:
        entry["end_page"] = last
    if item.get("archive_location"):
        entry["accession_number"] = item["archive_location"]
        if item.get("archive"):
            entry["name_of_database"] = item["archive"]


def _ris_dates(entry, item):
    date = _date(item)
    if date:
        entry["year"] = str(date[0])
        if len(date) > 1:
            entry["date"] = _ris_date(date)
    online = _date(item, "available-date")
    if online and entry["type_of_reference"] == "JOUR":
        entry["edition"] = _ris_date(online)  # EndNote's "Epub Date" on an article


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
    date = _date(item)
    if date:
        fields.append(Field("year", str(date[0])))
    if len(date) > 1:
        fields.append(Field("month", BIBTEX_MONTHS[date[1]], enclosing="no-enclosing"))
        fields.append(Field("date", _iso(date)))  # biblatex, to the day when known
    kind = BIBTEX_TYPES[item["type"]]
    if item.get("container-title"):
        fields.append(Field("journal", item["container-title"]))
    if item.get("publisher"):
        fields.append(
            Field("institution" if kind == "techreport" else "publisher", item["publisher"])
        )
    for key, name in (("volume", "volume"), ("issue", "number"), ("DOI", "doi")):
        if item.get(key):
            fields.append(Field(name, item[key]))
    if item.get("page"):
        fields.append(Field("pages", item["page"].replace("-", "--")))
    if item.get("PMID"):
        fields.append(Field("pmid", item["PMID"]))
    if item.get("URL") or more.get("page_url"):
        fields.append(Field("url", item.get("URL") or more["page_url"]))
    return Entry(kind, item["id"], fields)


def to_csl_json(items, extra):
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


WRITERS = {"ris": to_ris, "bib": to_bibtex, "json": to_csl_json}
