"""Crossref's REST API JSON: ``{"status": "ok", "message-type": "work", "message": {…}}``
for one work, ``"message-type": "work-list"`` with ``message.items`` for several, or a bare
work object.

``title`` and ``container-title`` are lists; authors are ``given``/``family`` with a
``sequence`` ("first", "additional") or ``name`` for an organisation; dates are
``date-parts``; the abstract is JATS XML; ``link`` lists full-text links.
"""

from __future__ import annotations

from .csl import csl_names, read_items
from .dates import from_date_parts
from .mapping import Built, abstract, text, title
from .normalise import clean_text


def _title(values) -> str:
    """The title, and its subtitle after a colon when the title does not hold it already."""
    main, subtitle = (title(v[0] if isinstance(v, list) else v) if v else "" for v in values)
    if subtitle and subtitle.lower() not in main.lower():
        return f"{main}: {subtitle}" if main else subtitle
    return main


def _authors(people) -> list[str]:
    """In the order given, the "first" author(s) first."""
    if not isinstance(people, list):
        return []
    ordered = sorted(
        (p for p in people if isinstance(p, dict)),
        key=lambda p: 0 if p.get("sequence") == "first" else 1,
    )
    return csl_names(ordered)


def _affiliations(people) -> list[str]:
    found = []
    for person in people if isinstance(people, list) else ():
        for affiliation in (person or {}).get("affiliation") or ():
            name = clean_text((affiliation or {}).get("name"))
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
    "published-online": ("epub", _date),
    "container-title": ("journal", text),
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


def works(data) -> list:
    if isinstance(data, dict) and "message" in data:
        message = data["message"]
        if isinstance(message, dict) and isinstance(message.get("items"), list):
            return message["items"]
        return [message]
    return data if isinstance(data, list) else [data]


def read(data) -> tuple[list[Built], list[str]]:
    return read_items(works(data), "crossref", FIELDS), []
