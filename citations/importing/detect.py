"""Which format a text is in: from its content, else from the file name's extension.

The content decides when it is recognisable (an editor's ``.txt`` may be RIS, a ``.ris``
may really be BibTeX); the extension decides for text too broken to recognise, so that its
errors are reported in its own format's terms.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from .jsonin import JsonProblem, load_json

EXTENSIONS = {
    ".ris": "ris",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".nbib": "medline",
    ".medline": "medline",
    ".txt": "medline",  # PubMed's "Save → PubMed format" file is pubmed-….txt
    ".json": "json",
    ".csl": "csl-json",
    ".csljson": "csl-json",
}

RIS_TAG_RE = re.compile(r"^([A-Z][A-Z0-9])  -(?: |$)", re.M)
MEDLINE_ONLY_TAG_RE = re.compile(
    r"^(?:PMID|FAU |OWN |STAT|DCOM|LR  |LID |AID |DEP |PHST|EDAT|CRDT|MHDA|JID |PMC |PST |"
    r"SO  |TA  |JT  |VI  |IP  |PG  |PT  |DP  )- ",
    re.M,
)
BIBTEX_RE = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.M)

CROSSREF_KEYS = {
    "reference-count",
    "is-referenced-by-count",
    "member",
    "prefix",
    "indexed",
    "deposited",
    "published-print",
    "published-online",
    "short-container-title",
}
S2_KEYS = {
    "paperId",
    "externalIds",
    "publicationDate",
    "openAccessPdf",
    "publicationTypes",
    "fieldsOfStudy",
    "EPubDate",
    "citationCount",
    "venue",
    "PeriodicalName",
}
CSL_KEYS = {"issued", "container-title", "author", "page", "DOI", "type", "title", "id"}


def extension_format(filename: str | None) -> str | None:
    if not filename:
        return None
    return EXTENSIONS.get(PurePath(filename).suffix.lower())


def json_flavour(data) -> str | None:
    """ "crossref", "semantic-scholar" or "csl-json" for decoded JSON, else None."""
    if isinstance(data, dict) and "message-type" in data and "message" in data:
        return "crossref"
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        data = data["data"]  # a Semantic Scholar search response
    if isinstance(data, list):
        data = next((item for item in data if isinstance(item, dict)), None)
    if not isinstance(data, dict):
        return None
    keys = set(data)
    if isinstance(data.get("title"), list) or keys & CROSSREF_KEYS:
        return "crossref"
    if keys & S2_KEYS or isinstance(data.get("authors"), (str, list)):
        return "semantic-scholar"
    if len(keys & CSL_KEYS) >= 2:
        return "csl-json"
    return None


def looks_like_json(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n").startswith(("{", "["))


def content_format(text: str) -> str | None:
    text = text.lstrip("\ufeff")
    if looks_like_json(text):
        try:
            data, _ = load_json(text)
        except JsonProblem:
            return None
        return json_flavour(data)
    if MEDLINE_ONLY_TAG_RE.search(text) and not re.search(r"^TY  -", text, re.M):
        return "medline"
    ris_tags = RIS_TAG_RE.findall(text)
    if ris_tags and ("TY" in ris_tags or "ER" in ris_tags):
        return "ris"
    if BIBTEX_RE.search(text):
        return "bibtex"
    return None


def detect_format(text: str, filename: str | None = None) -> str | None:
    """ "ris", "bibtex", "medline", "csl-json", "crossref", "semantic-scholar", or None."""
    found = content_format(text or "")
    if found:
        return found
    by_name = extension_format(filename)
    if by_name == "json":
        return "csl-json" if looks_like_json(text or "") else None
    return by_name
