"""The normalised record, the errors and the result of one parse."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..dates import PartialDate
from ..names import Name

FORMATS = ("ris", "bibtex", "medline", "csl-json", "crossref", "semantic-scholar")

FORMAT_NAMES = {
    "ris": "RIS",
    "bibtex": "BibTeX",
    "medline": "MEDLINE",
    "csl-json": "CSL-JSON",
    "crossref": "Crossref",
    "semantic-scholar": "Semantic Scholar",
}

KINDS = ("study", "review", "guidance")


def short_title(title: str, limit: int = 30) -> str:
    """The start of a title for messages: whole if short, else cut at a word and "…"."""
    title = " ".join(title.split())
    if len(title) <= limit + 10:
        return title
    cut = title[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:.-–—")
    return cut + "…"


def record_label(index: int, source_format: str, title: str = "", hint: str = "") -> str:
    """``record 2 (RIS, "Effectiveness of mutual help…")``; without a title, the ``hint``
    (a BibTeX key, a PMID, a line number) stands in for it."""
    name = FORMAT_NAMES.get(source_format, source_format)
    if title:
        return f'record {index} ({name}, "{short_title(title)}")'
    if hint:
        return f"record {index} ({name}, {hint})"
    return f"record {index} ({name})"


@dataclass
class CitationRecord:
    """One bibliographic record, normalised for the bank.

    Strings are "" when the record does not give them; ``year`` and the dates are None.
    ``abstract`` is in the bank's markup (Markdown, escaped); ``title`` is plain text.
    ``issued`` is the date of the issue (or of publication, for a report) and
    ``published_online`` the electronic publication date, each only as precise as the
    record gives it. ``left_out`` names what the record gave that the bank does not keep.
    """

    title: str
    source_format: str
    index: int
    authors: list[Name] = field(default_factory=list)
    authors_et_al: bool = False
    year: int | None = None
    issued: PartialDate | None = None
    published_online: PartialDate | None = None
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    accession_number: str = ""
    accession_database: str = ""
    url: str = ""
    free_url: str = ""
    abstract: str = ""
    kind: str = "study"
    design: str = ""  # a studies.appraisal.Design slug, or "" when the record does not say
    keywords: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    publication_types: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return record_label(self.index, self.source_format, self.title)

    @property
    def first_page(self) -> str:
        return self.pages.split("-", 1)[0]

    @property
    def last_page(self) -> str:
        first, _, last = self.pages.partition("-")
        return last or first

    def as_document_fields(self) -> dict:
        """The values for the bank's Document form, keyed by Document's field names."""
        return {
            "title": self.title,
            "authors": list(self.authors),
            "authors_et_al": self.authors_et_al,
            "year": self.year,
            "issued": self.issued.iso if self.issued else "",
            "published_online": self.published_online.iso if self.published_online else "",
            "source": self.journal,
            "volume": self.volume,
            "issue": self.issue,
            "pages": self.pages,
            "doi": self.doi,
            "pmid": self.pmid,
            "accession_number": self.accession_number,
            "accession_database": self.accession_database,
            "url": self.url,
            "free_url": self.free_url,
            "abstract": self.abstract,
            "affiliations": "\n".join(self.affiliations),
            "kind": self.kind,
            "design": self.design,
            "tags": list(self.keywords),
        }


@dataclass
class CitationError:
    """A problem a person can act on.

    ``record`` is the record's label (``record 3 (BibTeX, "A study of…")``) or "input" for
    a problem with the whole text; ``field`` is "title", "year", "doi", "pmid", "authors",
    … or "record" for a record that could not be read at all, "json" for text that is not
    JSON, "format" for text in no format we read, "input" for empty input. ``refused`` is
    True when the record was not imported (no title, unreadable); otherwise the record is
    in ``ParseResult.records`` with that field left empty.
    """

    record: str
    field: str
    message: str
    index: int | None = None
    refused: bool = False

    def __str__(self) -> str:
        return self.message


@dataclass
class ParseResult:
    records: list[CitationRecord] = field(default_factory=list)
    errors: list[CitationError] = field(default_factory=list)
    format: str | None = None
    notes: list[str] = field(default_factory=list)  # text that was ignored, and why

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_for(self, record: CitationRecord) -> list[CitationError]:
        return [e for e in self.errors if e.index == record.index]
