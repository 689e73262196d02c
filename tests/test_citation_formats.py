"""The importers against records written from each format's specification, and the round
trip: every field after import, and again after the bank exports it and reads it back.

The records are in tests/citations/spec/ (see its README.txt): three records per format,
everything in them made up. What each format cannot carry is said where it is left out.
"""

import dataclasses
from pathlib import Path

import pytest

from citations.exporting.csl import csl_item
from citations.exporting.formats import formats
from citations.importing import Name, parse
from studies.models import Document
from studies.services import create_draft

SPEC = Path(__file__).parent / "citations" / "spec"
FILES = {
    "ris": "records.ris",
    "bibtex": "records.bib",
    "medline": "records.nbib",
    "csl-json": "records.csl.json",
    "crossref": "records.crossref.json",
    "semantic-scholar": "records.s2.json",
}

STUDY_AUTHORS = [
    Name("Testwell", "Christine"),
    Name("Example", "W. R."),  # only initials in the source: only initials kept
    Name("van der Berg", "Johanna"),
    Name("Okafor-Smith", "Jean-Paul"),
    Name("Sample", "John", "Jr."),
]
REVIEW_AUTHORS = [
    Name("Alpha", "Anna"),
    Name("Beta", "Ben"),
    Name("Gamma", "Gita"),
    Name("Delta", "Dev"),
    Name("Epsilon", "Eva"),
    Name("Zeta", "Zoltan"),
    Name("Eta", "Emil"),
]
STUDY = {
    "title": "Referral to mutual aid after detoxification (test record)",
    "authors": STUDY_AUTHORS,
    "authors_et_al": False,
    "year": 2002,
    "issued": "2002-03",  # March 2002: no day
    "published_online": "2001-11-20",
    "journal": "Journal of Example Studies",
    "volume": "12",
    "issue": "3",
    "pages": "101-110",
    "doi": "10.5555/Example.2002.Mixed",  # the case as given
    "pmid": "",
    "accession_number": "",
    "accession_database": "",
    "kind": "study",
}
REVIEW = {
    "title": "Mutual aid groups for alcohol problems (test record)",
    "authors": REVIEW_AUTHORS,
    "authors_et_al": True,
    "year": 2020,
    "issued": "2020-03-11",
    "published_online": None,
    "journal": "Cochrane Database of Systematic Reviews",
    "volume": "",
    "issue": "3",
    "pages": "CD999999",
    "doi": "10.5555/14651858.CD999999.pub2",
    "pmid": "",
    "accession_number": "",
    "accession_database": "",
    "kind": "review",  # from the journal: the records' own types say "Journal Article"
}
PSYCINFO = {"accession_number": "0000-12345-001", "accession_database": "APA PsycInfo"}
# What each format gives differently, by its specification.
STUDY_IN = {
    "ris": {**PSYCINFO, "left_out": [
        'SN (ISSN or ISBN) "0000-0000"', 'LA (language) "English"',
        'N1 (notes) "A note the bank has no field for."',
    ]},
    "bibtex": {"published_online": None, "left_out": [  # no field for either
        'issn (ISSN) "0000-0000"', 'language "English"',
        'note "Accession number 0000-12345-001 in APA P…"',
    ]},
    "medline": {"pmid": "99999951", "left_out": [
        'IS (ISSN) "0000-0000 (Print)"', 'LA (language) "eng"',
        'PL (place of publication) "England"',
    ]},
    "csl-json": {**PSYCINFO, "left_out": ['ISSN "0000-0000"', 'language "en"']},
    "crossref": {"left_out": ['ISSN "0000-0000"', 'language "en"']},
    # The Graph API has no month-only date (publicationDate is null) and no online date.
    "semantic-scholar": {"issued": "2002", "published_online": None, "issue": "",
                         "pmid": "99999951", "left_out": [
        "paperId (Semantic Scholar's id) \"0000000000000000000000000000000000000051\"",
        'fieldsOfStudy (fields of study) "Medicine"',
    ]},
}  # fmt: skip
REVIEW_IN = {
    "ris": {},
    "bibtex": {},
    # MEDLINE, Crossref and the Graph API list every author: no "et al." to carry.
    "medline": {"authors_et_al": False, "pmid": "99999952",
                "journal": "The Cochrane Database of Systematic Reviews",
                "left_out": ['LA (language) "eng"']},
    "csl-json": {},
    "crossref": {"authors_et_al": False},
    "semantic-scholar": {"authors_et_al": False, "pmid": "99999952", "volume": "3", "issue": "",
                         "journal": "The Cochrane database of systematic reviews",
                         "left_out": ["paperId (Semantic Scholar's id) "
                                      '"0000000000000000000000000000000000000052"']},
}  # fmt: skip
WRONG = "Values of the wrong kind (test record)"
# The third record: each wrong value named on its field; what is right still imported.
WRONG_IN = {
    "ris": (
        [("issued", 'the year "twenty twenty" is not a year; the date "2002/13/45/" is not '
                    "a date (there is no month 13); only its year was kept")],
        {"authors": [Name("Testwell", "Christine")], "year": 2002, "issued": "2002"},
    ),
    "bibtex": (
        [("issued", 'the month "Smarch" is not a month; only the year was kept')],
        {"authors": [Name("Testwell", "Christine")], "year": 2002, "issued": "2002"},
    ),
    "medline": (
        [("issued", 'the month "Smarch" is not a month; only the year was kept'),
         ("published_online", 'the online publication date: the year "2001XXYY" is not '
                              "a year")],
        {"authors": [Name("Testwell", "Christine")], "year": 2002, "issued": "2002"},
    ),
    "csl-json": (
        [("authors", 'author is text ("notalist"), not a list of names such as '
                     '[{"family": "Timko", "given": "Christine"}]'),
         ("volume", 'volume is a list (["12"]), not text or a number'),
         ("doi", "DOI is a number (105555), not text"),
         ("year", "issued: the date's date-parts is text, not a list of [year, month, day] "
                  "lists, such as [[2020, 10, 1]]")],
        {"authors": [], "year": None, "issued": None, "doi": ""},
    ),
    "crossref": (
        [("authors", 'author is text ("notalist"), not a list of names such as '
                     '[{"family": "Timko", "given": "Christine"}]'),
         ("volume", "volume is a number (12), not text"),
         ("free_url", 'link is an object ({"URL": "https://example.org/wrong.pdf"}), not a '
                      "list of objects [{…}]"),
         ("year", "published-print: the date's date-parts is text, not a list of [year, "
                  "month, day] lists, such as [[2020, 10, 1]]")],
        {"authors": [], "year": None, "issued": None, "doi": "10.5555/example.2002.wrong"},
    ),
    "semantic-scholar": (
        [("authors", 'authors is a number (7), not a list of authors such as '
                     '[{"name": "Christine Timko"}], or their names as text'),
         ("doi", 'externalIds is a list (["10.5555/example.2002.wrong"]), not an object {…}'),
         ("publication_types", 'publicationTypes is a number (5), not text, or a list of '
                               'text ["…"]'),
         ("year", 'year: the year "twenty" is not a year')],
        {"authors": [], "year": None, "issued": None, "doi": ""},
    ),
}  # fmt: skip


def read(source_format):
    name = FILES[source_format]
    result = parse((SPEC / name).read_text(encoding="utf-8"), filename=name)
    assert result.format == source_format
    return result


def fields(record, names):
    found = dataclasses.asdict(record)
    found["authors"] = list(record.authors)
    for date in ("issued", "published_online"):
        found[date] = getattr(record, date).iso if getattr(record, date) else None
    return {name: found[name] for name in names}


@pytest.mark.parametrize("source_format", FILES)
def test_every_field_of_the_specification_records(source_format):
    result = read(source_format)
    study, review, wrong = result.records
    expected_study = {**STUDY, "left_out": [], **STUDY_IN[source_format]}
    assert fields(study, expected_study) == expected_study
    expected_review = {**REVIEW, "left_out": [], **REVIEW_IN[source_format]}
    assert fields(review, expected_review) == expected_review
    errors, kept = WRONG_IN[source_format]
    assert wrong.title == WRONG and fields(wrong, kept) == kept
    label = f"record 3 ({result.errors[0].record.split('(', 1)[1]}"
    assert [(e.field, e.message) for e in result.errors] == [
        (field, f"{label}: {message}") for field, message in errors
    ]
    assert all(e.index == 3 and not e.refused for e in result.errors)


# What each export carries back: RIS has no "et al." convention and BibTeX no online date
# or accession number; everything else comes back as it went out.
CARRIED = {
    "ris": {"authors_et_al"},
    "bib": {"published_online", "accession_number", "accession_database"},
    "json": set(),
}
ROUND_TRIP_FIELDS = [
    "title", "authors", "authors_et_al", "year", "issued", "published_online", "journal",
    "volume", "issue", "pages", "doi", "accession_number", "accession_database",
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("source_format", FILES)
@pytest.mark.parametrize("export", ["ris", "bib", "json"])
def test_round_trip_through_the_bank_and_its_exports(source_format, export):
    imported = read(source_format).records[:2]
    documents = []
    for record in imported:
        document = create_draft(record.as_document_fields())
        documents.append(Document.objects.prefetch_related("authorships").get(pk=document.pk))
    items = [csl_item(d) for d in documents]
    text = formats[export].write(items)
    again = parse(text, filename=f"export.{export}")
    assert again.errors == []
    for before, after in zip(imported, again.records, strict=True):
        wanted = [f for f in ROUND_TRIP_FIELDS if f not in CARRIED[export]]
        assert fields(after, wanted) == fields(before, wanted)
