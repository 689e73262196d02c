"""RIS for reference managers, written by rispy.

Dates: ``PY`` is the year and ``DA`` "2002/03//" for a month (the RIS specification's
"YYYY/MM/DD/other", every slash kept). The online date goes to ``ET`` on a journal article
(EndNote's "Epub Date"). An accession number goes to ``AN`` with ``DB``.
"""

import rispy

from ..names import inverted
from .csl import date_parts, page_range

RIS_TYPES = {"article-journal": "JOUR", "report": "RPRT", "article": "GEN"}


class RisWriter(rispy.RisWriter):
    """rispy's writer, without the "1." it puts before each reference (not part of RIS)."""

    def set_header(self, count):
        return ""


def _ris_name(person):
    """RIS's "Lastname, Firstname, Suffix"; an organisation's name whole. ``person`` is a
    CSL name."""
    if "literal" in person:
        return person["literal"]
    return inverted(person.get("family"), person.get("given"), person.get("suffix"))


def _ris_date(parts):
    """ "2002///", "2002/03//", "2002/03/15/": every part the RIS specification has, each
    followed by its slash, the unknown ones left empty."""
    padded = [str(parts[0])] + [f"{n:02d}" for n in parts[1:]]
    return "/".join(padded + [""] * (3 - len(padded))) + "/"


def to_ris(items, extra):
    """``extra`` maps an item id to what the CSL item does not carry (abstract, keywords)."""
    entries = [_ris_entry(item, extra.get(item["id"], {})) for item in items]
    return rispy.dumps(entries, implementation=RisWriter)


def _ris_entry(item, more):
    entry = {
        "type_of_reference": RIS_TYPES[item["type"]],
        "title": item["title"],
        "authors": [_ris_name(p) for p in item.get("author", [])],
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
    notes = [f"PMID: {item['PMID']}"] if item.get("PMID") else []
    if item.get("note"):
        notes.append(item["note"])  # a publisher's notice: retracted, corrected…
    if notes:
        entry["notes"] = notes
    for key in ("abstract", "keywords"):
        if more.get(key):
            entry[key] = more[key]
    return entry


def _ris_dates(entry, item):
    date = date_parts(item)
    if date:
        entry["year"] = str(date[0])
        if len(date) > 1:
            entry["date"] = _ris_date(date)
    online = date_parts(item, "available-date")
    if online and entry["type_of_reference"] == "JOUR":
        entry["edition"] = _ris_date(online)  # EndNote's "Epub Date" on an article


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
