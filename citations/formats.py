"""Exports for reference managers, written by libraries that know the formats: RIS with
rispy, BibTeX with bibtexparser, CSL-JSON as the CSL items themselves."""

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


class RisWriter(rispy.RisWriter):
    """rispy's writer, without the "1." it puts before each reference (not part of RIS)."""

    def set_header(self, count):
        return ""


def _name(person):
    if "literal" in person:
        return person["literal"]
    return ", ".join(p for p in (person.get("family"), person.get("given")) if p)


def _year(item):
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    return parts


def to_ris(items, extra):
    """``extra`` maps an item id to what the CSL item does not carry (abstract, keywords)."""
    entries = []
    for item in items:
        more = extra.get(item["id"], {})
        entry = {
            "type_of_reference": RIS_TYPES[item["type"]],
            "title": item["title"],
            "authors": [_name(p) for p in item.get("author", []) if "literal" not in p],
        }
        corporate = [p["literal"] for p in item.get("author", []) if "literal" in p]
        if corporate:
            entry["secondary_authors"] = corporate
        date = _year(item)
        if date:
            entry["year"] = str(date[0])
            entry["date"] = "/".join(f"{n:02d}" if i else str(n) for i, n in enumerate(date))
        if item.get("container-title"):
            entry["secondary_title"] = item["container-title"]
        if item.get("publisher"):
            entry["publisher"] = item["publisher"]
        for key, ris_key in (("volume", "volume"), ("issue", "number"), ("DOI", "doi")):
            if item.get(key):
                entry[ris_key] = item[key]
        first, last = page_range(item.get("page", ""))
        if first:
            entry["start_page"] = first
        if last:
            entry["end_page"] = last
        urls = [u for u in (item.get("URL"), more.get("page_url")) if u]
        if urls:
            entry["urls"] = list(dict.fromkeys(urls))
        if item.get("PMID"):
            entry["notes"] = [f"PMID: {item['PMID']}"]
        if more.get("abstract"):
            entry["abstract"] = more["abstract"]
        if more.get("keywords"):
            entry["keywords"] = more["keywords"]
        entries.append(entry)
    return rispy.dumps(entries, implementation=RisWriter)


def to_bibtex(items, extra):
    library = bibtexparser.Library()
    for item in items:
        more = extra.get(item["id"], {})
        fields = [Field("title", "{" + item["title"] + "}")]
        people = item.get("author", [])
        if people:
            names = ["{" + p["literal"] + "}" if "literal" in p else _name(p) for p in people]
            if more.get("et_al"):
                names.append("others")
            fields.append(Field("author", " and ".join(names)))
        date = _year(item)
        if date:
            fields.append(Field("year", str(date[0])))
        kind = BIBTEX_TYPES[item["type"]]
        if item.get("container-title"):
            fields.append(Field("journal", item["container-title"]))
        if item.get("publisher"):
            fields.append(Field("institution" if kind == "techreport" else "publisher",
                                item["publisher"]))  # fmt: skip
        for key, name in (("volume", "volume"), ("issue", "number"), ("DOI", "doi")):
            if item.get(key):
                fields.append(Field(name, item[key]))
        if item.get("page"):
            fields.append(Field("pages", item["page"].replace("-", "--")))
        if item.get("PMID"):
            fields.append(Field("pmid", item["PMID"]))
        if item.get("URL") or more.get("page_url"):
            fields.append(Field("url", item.get("URL") or more["page_url"]))
        library.add(Entry(kind, item["id"], fields))
    return bibtexparser.write_string(library)


def to_csl_json(items, extra):
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


WRITERS = {"ris": to_ris, "bib": to_bibtex, "json": to_csl_json}
