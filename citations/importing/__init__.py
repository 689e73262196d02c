"""Bibliographic records, pasted or uploaded, turned into normalised records for the bank.

``parse(text, filename=None)`` reads RIS, BibTeX, PubMed's MEDLINE format, CSL-JSON,
Crossref JSON and Semantic Scholar-style JSON (detected from the content, else from the
file name) and returns a ``ParseResult``: ``records`` (``CitationRecord``, each with
``as_document_fields()`` for a Document form), ``errors`` (``CitationError``, each naming
the record and the field in words a person can act on), ``format`` and ``notes`` (text set
aside, such as what follows a pasted JSON record). A bad record never stops the others.
Nothing here touches Django or a database.

The mapping. Each format's module has one table, ``FIELDS``, from the format's keys (RIS
and MEDLINE tags, BibTeX fields, JSON keys or dotted paths) to our fields, with a small
converter each; the first key with a value wins. ``mapping.build_record`` then applies
the checks every format shares.

The choices, where the records leave room for one:

- Titles are plain text (the bank does not render them as markup), so they are not
  escaped. One trailing full stop is dropped: PubMed ends every title with one and the
  Semantic Scholar-style record of "…: A Review of the Current Literature." does too,
  while the bank's citations add their own punctuation. "..." and "U.S." are kept.
- Dates keep the precision the record gives them (``PartialDate``: a year, a month or a
  day), never more. ``issued`` is the date of the issue (DP, PY/DA, Crossref's
  published-print, CSL's issued, publicationDate), and ``year`` its year;
  ``published_online`` is the electronic publication date (MEDLINE's DEP, RIS ET on a
  journal article, Crossref's published-online, CSL's available-date, EPubDate). A season
  or a range of months ("2020 Oct-Nov") is the year alone; a month or day that does not
  exist is an error, and what could be read is kept. An online date in a later year than
  the issue is a back issue put online later: it is left out, and the record says so.
- ``kind``: the record's own publication types decide first (MEDLINE PT, RIS M3,
  Semantic Scholar publicationTypes, CSL genre, BibTeX type): "Guideline"/"Practice
  Guideline"/"Guidance" → "guidance", then "Review"/"Systematic Review"/"Meta-Analysis" →
  "review"; then the journal: one that publishes only reviews (the Cochrane Database of
  Systematic Reviews, Campbell Systematic Reviews, Systematic Reviews…, in full or
  abbreviated) → "review"; then the title: a review or meta-analysis in the title →
  "review" (the seed's "…: A Review of the Current Literature"; its publicationTypes only
  says "Journal Article"), a guideline or guidance → "guidance". Anything else is a
  "study". Editors can change it; analyses are never guessed.
- ``design`` (a slug of studies.appraisal.Design): only from the record's own publication
  types and its source, most specific first: a guideline type → "guideline",
  "Meta-Analysis" → "meta-analysis", "Systematic Review" → "systematic-review",
  "Randomized Controlled Trial" or "Pragmatic Clinical Trial" → "randomised-trial",
  "Controlled Clinical Trial" alone → "controlled-study"; then a source that publishes only
  systematic reviews (the Cochrane Database of Systematic Reviews, Campbell Systematic
  Reviews…) → "systematic-review"; the generic "Review" → "narrative-review" only when
  nothing more specific is there. "Clinical Trial", "Observational Study" and the title
  give nothing: left empty for the editors.
- Authors are ``Name``s with the parts the record gives, full given names kept
  ("Timko, Christine"); only initials when that is all it gives ("Miller, W. R.").
  Corporate authors (BibTeX ``{…}``, CSL ``literal``, Crossref ``name``, MEDLINE CN, or a
  name with an organisation's word in it) are kept whole. "et al." or "and others" sets
  ``authors_et_al``.
- Abstracts are in the bank's markup: one paragraph per section of a structured abstract,
  ``**Label** text``, whatever form the sections came in (HTML, JATS, MEDLINE's inline
  capitals, plain lines); HTML and JATS are walked with the standard library's
  html.parser (see ``inline``): emphasis stays emphasis, sup/sub become Unicode
  superscripts/subscripts where they exist, no tag survives. Plain text is escaped so it
  shows as written (see ``escape_markup``).
- DOIs are kept in the case the record gives them, without ``https://doi.org/`` or
  ``doi:``; ``free_url`` is an open-access PDF, a PubMed Central or Europe PMC address, or
  the PMC page of a PMCID. For Crossref it is the first PDF among ``link`` (the version of
  record first), which is not always free: Crossref does not say.
- Accession numbers are kept: RIS ``AN`` (a PMID when the record came from PubMed, else
  with the database ``DB`` names), CSL ``archive_location``, MEDLINE's PMID. What a record
  gives that the bank does not keep is named in its ``left_out`` (by key, with what it is
  and its value); each format lists the housekeeping it does not report (``IGNORED``).
- Every value is checked against what its format's specification allows (JSON: each
  format's ``SHAPES``; text formats: dates, years, DOIs, PMIDs, addresses). A value of the
  wrong kind (``"author": "notalist"``) is an error on that field, which is left empty;
  the rest of the record is read.
- A record without a title, or that cannot be read, is refused (``CitationError.refused``);
  a bad year, DOI, PMID, PMCID or URL is an error on that field and the record is kept with
  the field empty.

Files are read with ``textin.decode``: UTF-8 text or refused with one sentence (a NUL byte,
a PDF or zip, UTF-16, bytes that are not UTF-8).
"""

from __future__ import annotations

import re

from ..dates import PartialDate
from ..names import Name, parse_name, person
from ..normalise import looks_like_doi, normalise_doi, normalise_title
from . import bibtex, crossref, csl, medline, ris, semantic_scholar
from .abstracts import abstract_to_markup, escape_markup
from .detect import detect_format, extension_format, looks_like_json
from .jsonin import JsonProblem, describe_trailing, load_json
from .records import (
    FORMAT_NAMES,
    FORMATS,
    CitationError,
    CitationRecord,
    ParseResult,
)
from .textin import UnreadableFile, decode

__all__ = [
    "FORMATS",
    "FORMAT_NAMES",
    "CitationError",
    "CitationRecord",
    "Name",
    "ParseResult",
    "PartialDate",
    "UnreadableFile",
    "abstract_to_markup",
    "decode",
    "detect_format",
    "escape_markup",
    "looks_like_doi",
    "normalise_doi",
    "normalise_title",
    "parse",
    "parse_name",
    "person",
]

TEXT_READERS = {"ris": ris.read, "bibtex": bibtex.read, "medline": medline.read}
JSON_READERS = {
    "csl-json": csl.read,
    "crossref": crossref.read,
    "semantic-scholar": semantic_scholar.read,
}
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
ACCEPTED = (
    "RIS (.ris), BibTeX (.bib), PubMed's MEDLINE format (.nbib or .txt), CSL-JSON, "
    "Crossref JSON or Semantic Scholar JSON (.json)"
)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _input_error(field: str, message: str) -> CitationError:
    return CitationError("input", field, message)


def parse(text: str, filename: str | None = None) -> ParseResult:
    """Read every record in ``text``; ``filename`` (an upload's name) helps tell the format."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = CONTROL_RE.sub(" ", text)  # invisible, and no page may carry them
    if not text.strip():
        return ParseResult(
            errors=[_input_error("input", "There is nothing to read: the text is empty.")]
        )
    source_format = detect_format(text, filename)
    result = ParseResult(format=source_format)

    if source_format in JSON_READERS or (source_format is None and looks_like_json(text)):
        try:
            data, trailing = load_json(text)
        except JsonProblem as problem:
            result.errors.append(_input_error("json", _sentence(str(problem))))
            return result
        if source_format is None:
            result.errors.append(
                _input_error(
                    "format",
                    f"This JSON is not a bibliographic record we can read. Accepted: {ACCEPTED}.",
                )
            )
            return result
        if trailing:
            result.notes.append(_sentence(describe_trailing(trailing)))
        built, notes = JSON_READERS[source_format](data)
    elif source_format in TEXT_READERS:
        built, notes = TEXT_READERS[source_format](text)
    else:
        if extension_format(filename) == "json":
            message = f"{filename} is not JSON. Accepted: {ACCEPTED}."
        else:
            message = f"This text is in no format we can read. Accepted: {ACCEPTED}."
        result.errors.append(_input_error("format", message))
        return result

    result.notes.extend(notes)
    for item in built:
        if item.record is not None:
            result.records.append(item.record)
        result.errors.extend(item.errors)
    if not built:
        result.errors.append(
            _input_error(
                "input", f"There are no records in this {FORMAT_NAMES[source_format]} text."
            )
        )
    return result
