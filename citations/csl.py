"""A document as a CSL-JSON item: the one description every export and style is made from."""

import re

from studies.models import Document

INITIALS_RE = re.compile(r"^(?:[A-Z][a-z]?\.?-?)+$")
PAGES_RE = re.compile(r"^\s*(?P<first>[^-–—\s]+)\s*(?:[-–—]+\s*(?P<last>\S+))?\s*$")


def split_name(name):
    """ "Humphreys K." → ("Humphreys", "K."); "Van Den Noortgate W." → ("Van Den Noortgate",
    "W."); a name with no trailing initials is kept whole as the family name."""
    parts = name.split()
    if len(parts) > 1 and INITIALS_RE.match(parts[-1]):
        initials = parts[-1]
        given = " ".join(re.findall(r"[A-Z][a-z]?\.?", initials)) if "." in initials else initials
        return " ".join(parts[:-1]), given
    return name, ""


def page_range(pages):
    m = PAGES_RE.match(pages or "")
    if not m:
        return "", ""
    return m["first"], m["last"] or ""


def publication_date(document):
    """(year, month, day) as far as known: the full date when the bank records one."""
    published_on = getattr(document, "published_on", None)
    if published_on:
        return (published_on.year, published_on.month, published_on.day)
    return (document.year,) if document.year else ()


def csl_type(document):
    if document.kind == Document.Kind.GUIDANCE:
        return "report"
    if document.source and (document.volume or document.issue or document.pages):
        return "article-journal"
    return "report" if document.source else "article"


def csl_item(document, url=""):
    """``document`` needs its ``authorships`` (prefetched or not)."""
    item = {"id": document.slug, "type": csl_type(document), "title": document.title}
    authors = [a.name for a in document.authorships.all()]
    if authors:
        item["author"] = [
            {"family": family, "given": given} if given else {"family": family}
            for family, given in map(split_name, authors)
        ]
    elif document.kind == Document.Kind.GUIDANCE and document.source:
        item["author"] = [{"literal": document.source}]
    if item["type"] == "article-journal":
        item["container-title"] = document.source
    elif document.source:
        item["publisher"] = document.source
    if document.jurisdiction:
        item["jurisdiction"] = document.jurisdiction
    for key, value in (("volume", document.volume), ("issue", document.issue)):
        if value:
            item[key] = value
    if document.pages:
        item["page"] = document.pages.replace("–", "-")
    date = publication_date(document)
    if date:
        item["issued"] = {"date-parts": [list(date)]}
    if document.doi:
        item["DOI"] = document.doi
    if document.pmid:
        item["PMID"] = document.pmid
    link = document.url or document.free_url or url
    if link:
        item["URL"] = link
    return item
