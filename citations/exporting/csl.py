"""A document as a CSL-JSON item: the one description every export and style is made from.

The bank sits above this app, so a document is read by its attributes alone (a
``studies.models.Document`` or anything shaped like one); its kind is compared as the
string it is stored as.
"""

import re

GUIDANCE = "guidance"  # studies.models.Document.Kind.GUIDANCE, as stored
PAGES_RE = re.compile(r"^\s*(?P<first>[^-–—\s]+)\s*(?:[-–—]+\s*(?P<last>\S+))?\s*$")


def page_range(pages):
    m = PAGES_RE.match(pages or "")
    if not m:
        return "", ""
    return m["first"], m["last"] or ""


def csl_name(person):
    """A Name as CSL writes one: family and given names as the source gave them, or an
    organisation's whole name as a literal."""
    if person.corporate:
        return {"literal": person.family}
    name = {"family": person.family}
    if person.given:
        name["given"] = person.given
    if person.suffix:
        name["suffix"] = person.suffix
    return name


def csl_type(document):
    if document.kind == GUIDANCE:
        return "report"
    if document.source and (document.volume or document.issue or document.pages):
        return "article-journal"
    return "report" if document.source else "article"


def date_parts(item, key="issued"):
    """The date's parts as CSL holds them: [2002], [2002, 3] or [2002, 3, 15]; [] if none."""
    return item.get(key, {}).get("date-parts", [[]])[0]


def iso_date(parts):
    """ "2002", "2002-03", "2002-03-15": ISO 8601 at the date's precision."""
    return "-".join(f"{n:02d}" if i else f"{n:04d}" for i, n in enumerate(parts))


def csl_item(document, url=""):
    """``document`` needs its ``authorships`` (prefetched or not). Dates carry only the
    parts that are known. An author list cut short is said in CSL-JSON's ``custom``
    object (``{"et-al": true}``), which the formatted citations read. The fields come in
    the order CSL lists them."""
    item = {"id": document.slug, "type": csl_type(document), "title": document.title}
    authors = [a.as_name() for a in document.authorships.all()]
    if authors:
        item["author"] = [csl_name(person) for person in authors]
    elif document.kind == GUIDANCE and document.source:
        item["author"] = [{"literal": document.source}]
    item.update(_csl_publication(document, item["type"]))
    for key, date in (("issued", document.issue_date), ("available-date", document.online_date)):
        if date:
            item[key] = {"date-parts": [list(date.parts)]}
    item.update(_csl_identifiers(document, url))
    notice = _notice(document)
    if notice:
        item["note"] = notice
    if document.authors_et_al and authors:
        item["custom"] = {"et-al": True}
    return item


def _notice(document):
    """A publisher's notice (a bank document's ``notice``, if it has one), in words for a
    reference manager's note: "Retracted (2026-05-04). Notice: https://doi.org/…"."""
    if not getattr(document, "notice", ""):
        return ""
    said = document.get_notice_display()
    if document.notice_date:
        said += f" ({document.notice_date})"
    said += "."
    if document.notice_doi:
        said += f" Notice: https://doi.org/{document.notice_doi}"
    return said


def _csl_publication(document, kind):
    """Where it was published: the journal (or publisher), jurisdiction, volume, issue and
    pages, those that are known."""
    found = {}
    if kind == "article-journal":
        found["container-title"] = document.source
    elif document.source:
        found["publisher"] = document.source
    found.update(
        (key, value)
        for key, value in (
            ("jurisdiction", document.jurisdiction),
            ("volume", document.volume),
            ("issue", document.issue),
        )
        if value
    )
    if document.pages:
        found["page"] = document.pages.replace("–", "-")
    return found


def _csl_identifiers(document, url):
    """Its DOI, PMID, accession number (with its database) and address, those known."""
    found = {}
    if document.doi:
        found["DOI"] = document.doi
    if document.pmid:
        found["PMID"] = document.pmid
    if document.accession_number:
        found["archive_location"] = document.accession_number
        if document.accession_database:
            found["archive"] = document.accession_database
    link = document.url or document.free_url or url
    if link:
        found["URL"] = link
    return found
