"""EndNote XML: the XML EndNote itself exports and imports (File > Import > "EndNote
generated XML"), written with lxml, so it is well-formed and every value escaped.

Reference types, from the item's CSL type (the bank's kind and the fields it has, see
``csl.csl_type``): a journal article ("article-journal") is EndNote's Journal Article (17);
a report or guidance ("report", what a source with no volume, issue or pages and all
guidance are) is Report (27), as RIS says RPRT; a document with no source at all
("article") is Generic (13), as RIS says GEN. Government Document (46) is not used: the
bank does not record whether an issuing body is a government.

Elements follow EndNote's DTD order. Authors are "Family, Given" as the source gave them;
an organisation's name ends with a comma, which is how EndNote keeps a corporate author
whole instead of inverting it. The issue is ``number`` (EndNote's "Issue" field on a
journal article), the online date ``edition`` (its "Epub Date"), the accession number
``accession-num`` with ``remote-database-name``. A field the document lacks is left out,
never filled in.
"""

import re

from lxml import etree

from ..names import inverted
from .csl import date_parts, iso_date, page_range

REF_TYPES = {
    "article-journal": ("Journal Article", 17),
    "report": ("Report", 27),
    "article": ("Generic", 13),
}
# Characters XML 1.0 cannot carry at all (lxml refuses them rather than write bad XML).
NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _add(parent, tag, text=None, **attrs):
    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = NOT_XML_RE.sub(" ", str(text))
    return element


def _author(person):
    if "literal" in person:
        return person["literal"] + ","  # EndNote's mark of a corporate author
    return inverted(person.get("family"), person.get("given"), person.get("suffix"))


def _record(records, item, more):
    record = _add(records, "record")
    label, number = REF_TYPES[item["type"]]
    _add(record, "ref-type", str(number), name=label)
    people = item.get("author", [])
    if people:
        authors = _add(_add(record, "contributors"), "authors")
        for person in people:
            _add(authors, "author", _author(person))
    titles = _add(record, "titles")
    _add(titles, "title", item["title"])
    journal = item.get("container-title")
    if journal:
        _add(titles, "secondary-title", journal)
        _add(_add(record, "periodical"), "full-title", journal)
    first, last = page_range(item.get("page", ""))
    if first:
        _add(record, "pages", f"{first}-{last}" if last else first)
    for key, tag in (("volume", "volume"), ("issue", "number")):
        if item.get(key):
            _add(record, tag, item[key])
    _edition_keywords_and_dates(record, item, more)
    _publisher_to_urls(record, item, more)


def _edition_keywords_and_dates(record, item, more):
    online = date_parts(item, "available-date")
    if online and item["type"] == "article-journal":
        _add(record, "edition", iso_date(online))  # EndNote's "Epub Date" on an article
    if more.get("keywords"):
        keywords = _add(record, "keywords")
        for keyword in more["keywords"]:
            _add(keywords, "keyword", keyword)
    issued = date_parts(item)
    if issued:
        dates = _add(record, "dates")
        _add(dates, "year", str(issued[0]))
        if len(issued) > 1:
            _add(_add(dates, "pub-dates"), "date", iso_date(issued))


def _publisher_to_urls(record, item, more):
    """The rest, in the order of EndNote's DTD: publisher to related addresses."""
    if item.get("publisher"):
        _add(record, "publisher", item["publisher"])
    if item.get("archive_location"):
        _add(record, "accession-num", item["archive_location"])
    if item.get("DOI"):
        _add(record, "electronic-resource-num", item["DOI"])
    if more.get("abstract"):
        _add(record, "abstract", more["abstract"])
    notes = [f"PMID: {item['PMID']}"] if item.get("PMID") else []
    if item.get("note"):
        notes.append(item["note"])  # a publisher's notice: retracted, corrected…
    if notes:
        _add(record, "notes", " ".join(notes))
    if item.get("archive_location") and item.get("archive"):
        _add(record, "remote-database-name", item["archive"])
    links = list(dict.fromkeys(u for u in (item.get("URL"), more.get("page_url")) if u))
    if links:
        related = _add(_add(record, "urls"), "related-urls")
        for link in links:
            _add(related, "url", link)


def to_endnote_xml(items, extra):
    root = etree.Element("xml")
    records = _add(root, "records")
    for item in items:
        _record(records, item, extra.get(item["id"], {}))
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True).decode()
