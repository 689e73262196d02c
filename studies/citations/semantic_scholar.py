"""Semantic Scholar-style JSON: the Graph API's paper (``authors`` [{name}], ``externalIds``,
``openAccessPdf`` {url}, ``publicationTypes`` ["Review"]) and the records that literature
sites copy from it, as pasted by editors (``authors`` one comma-separated string,
``journal`` {name, volume, pages}, ``openAccessPdf`` a URL, ``abstract`` in HTML,
``EPubDate`` "2025/2/6 0:00:00", the JSON followed by pasted text that is ignored).
"""

from __future__ import annotations

from .csl import read_items
from .dates import PartialDate, parse_date
from .mapping import Built, abstract, name_list, text, text_list, title
from .names import split_name_list


def _authors(value) -> list[str]:
    """ "Wayne Kepner, Keith Humphreys" or [{"name": "Wayne Kepner"}, …]."""
    if isinstance(value, str):
        return name_list(split_name_list(value))
    names = [a.get("name") if isinstance(a, dict) else a for a in value or ()]
    return name_list([name for name in names if isinstance(name, str)])


def _date(value):
    return parse_date(text(value))


def _year(value):
    return PartialDate(int(value)) if isinstance(value, int) else parse_date(text(value))


def _issued(values):
    """publicationDate, else the year alone."""
    publication_date, year = values
    if publication_date:
        return _date(publication_date)
    return _year(year)


def _open_access_pdf(value) -> str:
    return text(value.get("url") if isinstance(value, dict) else value)


# The paper's keys, and the order that decides which wins when several fill one field.
FIELDS = {
    "title": ("title", title),  # "… Literature." → "… Literature" (see clean_title)
    "authors": ("authors", _authors),
    ("publicationDate", "year"): ("issued", _issued),  # the citation's year
    "EPubDate": ("epub", _date),  # when it went online; published_on (see choose_date)
    "journal.name": ("journal", text),
    "PeriodicalName": ("journal", text),
    "venue": ("journal", text),
    "journal.volume": ("volume", text),  # "12 " → "12"
    "journal.pages": ("pages", text),
    "doi": ("doi", text),
    "externalIds.DOI": ("doi", text),
    "externalIds.PubMed": ("pmid", text),
    "PMCID": ("pmcid", text),
    "externalIds.PubMedCentral": ("pmcid", text),
    "url": ("url", text),
    "DOIUrl": ("url", text),
    "ListUrlMain": ("url", text),
    "openAccessPdf": ("free_url", _open_access_pdf),
    "abstract": ("abstract", abstract),  # HTML: <p><strong>Purpose of review: </strong>…
    "publicationTypes": ("publication_types", text_list),  # "Journal Article", ["Review"]
}


def papers(data) -> list:
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        return data["data"]  # a search response
    return data if isinstance(data, list) else [data]


def read(data) -> tuple[list[Built], list[str]]:
    return read_items(papers(data), "semantic-scholar", FIELDS, hint_key="doi"), []
