"""Crossref's REST API JSON: ``{"status": "ok", "message-type": "work", "message": {…}}``
for one work, ``"message-type": "work-list"`` with ``message.items`` for several, or a bare
work object.

``title`` and ``container-title`` are lists; authors are ``given``/``family`` with a
``sequence`` ("first", "additional") or ``name`` for an organisation; dates are
``date-parts``: ``published-print`` the issue, ``published-online`` the electronic
publication, ``issued`` the earlier of them (used when there is no print date); the abstract
is JATS XML; ``link`` lists full-text links. Every key the table reads is checked against
the type the REST API's documentation gives it (``SHAPES``).
"""

from __future__ import annotations

from ..dates import from_date_parts
from ..normalise import clean_text
from .csl import csl_names, read_items
from .mapping import (
    DATE,
    NAMES,
    OBJECT_LIST,
    TEXT,
    TEXT_OR_TEXT_LIST,
    Built,
    abstract,
    text,
    title,
)


def _title(values) -> str:
    """The title, and its subtitle after a colon when the title does not hold it already."""
    main, subtitle = (title(v[0] if isinstance(v, list) else v) if v else "" for v in values)
    if subtitle and subtitle.lower() not in main.lower():
        return f"{main}: {subtitle}" if main else subtitle
    return main


def _authors(people) -> list:
    """In the order given, the "first" author(s) first."""
    ordered = sorted(
        people,
        key=lambda p: 0 if isinstance(p, dict) and p.get("sequence") == "first" else 1,
    )
    return csl_names(ordered)


def _affiliations(people) -> list[str]:
    found = []
    for person in people if isinstance(people, list) else ():
        affiliations = person.get("affiliation") if isinstance(person, dict) else None
        for affiliation in affiliations if isinstance(affiliations, list) else ():
            name = clean_text(affiliation.get("name")) if isinstance(affiliation, dict) else ""
            if name:
                found.append(name)
    return found


def _pdf_link(links) -> str:
    """A PDF among the full-text links, the version of record first. Crossref does not say
    whether a link is free: the publisher's licence decides (editors should check)."""
    pdfs = [
        link
        for link in links or ()
        if isinstance(link, dict)
        and "pdf" in str(link.get("content-type", "")).lower()
        and str(link.get("URL", "")).startswith(("http://", "https://"))
    ]
    order = {"vor": 0, "am": 1}
    pdfs.sort(key=lambda link: order.get(link.get("content-version"), 2))
    return pdfs[0]["URL"] if pdfs else ""


def _date(value):
    return from_date_parts(value)


# The work's keys, and the order that decides which wins when several fill one field.
FIELDS = {
    ("title", "subtitle"): ("title", _title),
    "author": ("authors", _authors),
    "editor": ("authors", _authors),
    "published-print": ("issued", _date),  # the issue: the citation's year
    "issued": ("issued", _date),  # Crossref's earliest date, when there is no print date
    "published-online": ("published_online", _date),
    "container-title": ("journal", text),
    "short-container-title": ("journal", text),
    "publisher": ("journal", text),  # reports: the issuing body
    "volume": ("volume", text),
    "issue": ("issue", text),
    "page": ("pages", text),
    "article-number": ("pages", text),
    "DOI": ("doi", text),
    "URL": ("url", text),
    "link": ("free_url", _pdf_link),
    "abstract": ("abstract", abstract),  # JATS: <jats:sec><jats:title>Background…
    "author#affiliations": ("affiliations", _affiliations),
}
SHAPES = {
    "title": TEXT_OR_TEXT_LIST,
    "subtitle": TEXT_OR_TEXT_LIST,
    "author": NAMES,
    "editor": NAMES,
    "published-print": DATE,
    "issued": DATE,
    "published-online": DATE,
    "container-title": TEXT_OR_TEXT_LIST,
    "short-container-title": TEXT_OR_TEXT_LIST,
    "publisher": TEXT,
    "volume": TEXT,
    "issue": TEXT,
    "page": TEXT,
    "article-number": TEXT,
    "DOI": TEXT,
    "URL": TEXT,
    "link": OBJECT_LIST,
    "abstract": TEXT,
}
# Crossref's own bookkeeping: when it indexed the work, counts, its members and prefixes.
IGNORED = frozenset(
    {
        "indexed", "deposited", "created", "reference-count", "references-count",
        "is-referenced-by-count", "member", "prefix", "score", "source", "content-domain",
        "issn-type", "published", "journal-issue", "alternative-id", "type",
        "update-policy", "relation", "resource", "assertion",
    }
)  # fmt: skip
LABELS = {
    "ISSN": "ISSN", "ISBN": "ISBN", "language": "language", "license": "licence",
    "funder": "funders", "reference": "its list of references", "subject": "subjects",
    "original-title": "original title", "short-title": "short title",
    "clinical-trial-number": "trial registrations", "update-to": "updates",
}  # fmt: skip


def works(data) -> list:
    if isinstance(data, dict) and "message" in data:
        message = data["message"]
        if isinstance(message, dict) and isinstance(message.get("items"), list):
            return message["items"]
        return [message]
    return data if isinstance(data, list) else [data]


def read(data) -> tuple[list[Built], list[str]]:
    tables = {"fields": FIELDS, "shapes": SHAPES, "ignored": IGNORED, "labels": LABELS}
    return read_items(works(data), "crossref", **tables), []
