"""Semantic Scholar-style JSON: the Graph API's paper (``authors`` [{name}], ``externalIds``,
``openAccessPdf`` {url}, ``publicationTypes`` ["Review"]) and the records that literature
sites copy from it, as pasted by editors (``authors`` one comma-separated string,
``journal`` {name, volume, pages}, ``openAccessPdf`` a URL, ``abstract`` in HTML,
``EPubDate`` "2025/2/6 0:00:00", the JSON followed by pasted text that is ignored).

``publicationDate`` is the issue's date, but a date of 1 January is read as the year alone:
these records pad a year to 1 January (seed 003's "2025-01-01" for a 2025 issue put online
on 6 February). ``EPubDate`` is the electronic publication date. Every key is checked
against the Graph API's type for it, or the pasted variant's (``SHAPES``).
"""

from __future__ import annotations

from ..dates import PartialDate, parse_date
from ..names import split_name_list
from .csl import read_items
from .mapping import (
    NUMBER_OR_TEXT,
    OBJECT,
    TEXT,
    TEXT_OR_TEXT_LIST,
    Built,
    FieldProblem,
    Shape,
    abstract,
    kind_and_value,
    name_list,
    text,
    text_list,
    title,
)


def _authors(value) -> list:
    """ "Wayne Kepner, Keith Humphreys" or [{"name": "Wayne Kepner"}, …]; an author of
    another shape is reported, and the others kept."""
    if isinstance(value, str):
        return name_list(split_name_list(value))
    names, bad = [], []
    for number, author in enumerate(value, start=1):
        name = author.get("name") if isinstance(author, dict) else author
        if isinstance(name, str):
            names.append(name)
        elif isinstance(author, dict):
            bad.append(f'author {number}\'s "name" is {kind_and_value(name)}, not text')
        else:
            bad.append(f'author {number} is {kind_and_value(author)}, not {{"name": …}}')
    found = name_list(names)
    if bad:
        raise FieldProblem("; ".join(bad), kept=found)
    return found


def _date(value):
    return parse_date(text(value))


def _issued(values):
    """publicationDate (1 January read as the year alone), else the year."""
    publication_date, year = values
    if publication_date:
        found = _date(publication_date)
        if found and (found.month, found.day) == (1, 1):
            return PartialDate(found.year)
        return found
    if isinstance(year, int):
        return PartialDate(year)
    return parse_date(text(year))


def _open_access_pdf(value) -> str:
    return text(value.get("url") if isinstance(value, dict) else value)


# The paper's keys, and the order that decides which wins when several fill one field.
FIELDS = {
    "title": ("title", title),  # "… Literature." → "… Literature" (see clean_title)
    "authors": ("authors", _authors),
    ("publicationDate", "year"): ("issued", _issued),  # the citation's year
    "EPubDate": ("published_online", _date),
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
AUTHORS = Shape(
    lambda v: isinstance(v, (str, list)),
    'a list of authors such as [{"name": "Christine Timko"}], or their names as text',
)
SHAPES = {
    "title": TEXT,
    "authors": AUTHORS,
    "publicationDate": TEXT,
    "year": NUMBER_OR_TEXT,
    "EPubDate": TEXT,
    "journal": OBJECT,
    "journal.name": TEXT,
    "PeriodicalName": TEXT,
    "venue": TEXT,
    "journal.volume": NUMBER_OR_TEXT,
    "journal.pages": NUMBER_OR_TEXT,
    "doi": TEXT,
    "externalIds": OBJECT,
    "externalIds.DOI": TEXT,
    "externalIds.PubMed": NUMBER_OR_TEXT,
    "PMCID": TEXT,
    "externalIds.PubMedCentral": NUMBER_OR_TEXT,
    "url": TEXT,
    "DOIUrl": TEXT,
    "ListUrlMain": TEXT,
    "openAccessPdf": Shape(lambda v: isinstance(v, (dict, str)), 'an object {"url": …}'),
    "abstract": TEXT,
    "publicationTypes": TEXT_OR_TEXT_LIST,
}
# Counts and flags, and the metrics and display fields literature sites add (impact
# factor, rankings, category numbers), as in seed 003.
IGNORED = frozenset(
    {
        "citationCount", "referenceCount", "influentialCitationCount", "isOpenAccess",
        "citationStyles", "PeriodicalId", "PeriodicalIF", "resultStr", "platform",
        "FirstCategoryId", "RegionNum", "RegionCategory", "ArticlePicture", "PubModel",
        "JCR", "JCRName", "Score", "Total",
    }
)  # fmt: skip
LABELS = {
    "paperId": "Semantic Scholar's id", "corpusId": "Semantic Scholar's corpus id",
    "paperid": "the site's id", "fieldsOfStudy": "fields of study",
    "s2FieldsOfStudy": "fields of study", "TitleCN": "title in Chinese",
    "AbstractTextCN": "abstract in Chinese", "tldr": "summary",
}  # fmt: skip


def papers(data) -> list:
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        return data["data"]  # a search response
    return data if isinstance(data, list) else [data]


def read(data) -> tuple[list[Built], list[str]]:
    tables = {"fields": FIELDS, "shapes": SHAPES, "ignored": IGNORED, "labels": LABELS}
    return read_items(papers(data), "semantic-scholar", hint_key="doi", **tables), []
