"""The citations package: pasted or uploaded records in six formats → normalised records.

Plain pytest functions, no database. The fixtures in tests/citations/ were written by hand
from each format's specification (not produced by the code they test). Facts about the two
real papers come from the seeds in shared/seeds:

- Humphreys et al. 2020, "Impact of 12-step mutual help groups on drug use disorder
  patients across six clinical trials", Drug and Alcohol Dependence 215:108213, print
  2020 Oct 1, Epub 2020 Aug 4, doi 10.1016/j.drugalcdep.2020.108213 (seeds 000 and 001;
  the authors are the seven names seed 001 gives before "et al.", with the initials it
  gives, and Keith for Humphreys from seed 003).
- Kepner & Humphreys 2025, Current Addiction Reports 12, doi 10.1007/s40429-025-00635-w,
  PMC12360454 (seed 003, copied unchanged to semantic_scholar/).

Everything the seeds do not give is a test value and looks like one: PMIDs 999999xx,
PMCIDs PMC99999xx, DOIs under Crossref's test prefix 10.5555, example.org addresses,
"Example" journals and groups, and the fictional author DeBenedetti A. The abstracts are
written in our own words.
"""

import dataclasses
import json
import re
from pathlib import Path

import pytest

from citations.importing import (
    CitationRecord,
    Name,
    abstract_to_markup,
    detect_format,
    escape_markup,
    normalise_doi,
    normalise_title,
    parse,
)
from citations.normalise import clean_title, normalise_pages

FIXTURES = Path(__file__).parent / "citations"
SEED_003 = FIXTURES / "semantic_scholar" / "seed_003_kepner_humphreys_2025.txt"

# Facts about the two real papers, from the seeds (see tests/citations/README.txt).
HUMPHREYS_TITLE = (
    "Impact of 12-step mutual help groups on drug use disorder patients across six clinical trials"
)
HUMPHREYS_AUTHORS = [  # as seed 001 gives them, with Keith from seed 003
    Name("Humphreys", "Keith"),
    Name("Barreto", "N. B."),
    Name("Alessi", "S. M."),
    Name("Carroll", "K. M."),
    Name("Crits-Christoph", "P."),
    Name("Donovan", "D. M."),
    Name("Kelly", "J. F."),
]
GUIDELINE_GROUP = Name("Example Treatment Guideline Development Group", corporate=True)
HUMPHREYS_INITIALS = [Name("Humphreys", "K."), *HUMPHREYS_AUTHORS[1:]]  # as RIS gives them
KEPNER_AUTHORS = [Name("Kepner", "Wayne"), Name("Humphreys", "Keith")]
DEBENEDETTI = Name("DeBenedetti", "Anna")
HUMPHREYS_DOI = "10.1016/j.drugalcdep.2020.108213"
KEPNER_TITLE = (
    "Effectiveness of Mutual Help Groups for Illicit Drug Use Disorders: "
    "A Review of the Current Literature"
)
KEPNER_DOI = "10.1007/s40429-025-00635-w"
STRUCTURED_SHORT = (
    "**Background** Many people with drug use disorders go to 12-step groups, yet few "
    "rigorous evaluations exist.\n\n"
    "**Methods** Six randomised trials (n = 1730) were pooled.\n\n"
    "**Results** More attendance went with less drug and alcohol use.\n\n"
    "**Conclusions** Greater participation predicted better outcomes."
)
GUIDELINE_ABSTRACT = (
    "This test guideline sets out how services can link patients with mutual aid groups. "
    "It recommends a phone call to a group member during a session."
)


def read(path):
    return (FIXTURES / path).read_text(encoding="utf-8")


def parsed(path, **kwargs):
    return parse(read(path), filename=str(FIXTURES / path), **kwargs)


def as_dict(record: CitationRecord) -> dict:
    """Every field; names as Names, dates in their ISO form ("2019-03")."""
    fields = dataclasses.asdict(record)
    fields["authors"] = list(record.authors)
    for name in ("issued", "published_online"):
        date = getattr(record, name)
        fields[name] = date.iso if date else None
    return fields


def expected(**fields) -> dict:
    """Every field of a record: the empty defaults, with ``fields`` over them."""
    base = {
        "title": "",
        "source_format": "",
        "index": 0,
        "authors": [],
        "authors_et_al": False,
        "year": None,
        "issued": None,
        "published_online": None,
        "journal": "",
        "volume": "",
        "issue": "",
        "pages": "",
        "doi": "",
        "pmid": "",
        "pmcid": "",
        "accession_number": "",
        "accession_database": "",
        "url": "",
        "free_url": "",
        "abstract": "",
        "kind": "study",
        "keywords": [],
        "affiliations": [],
        "publication_types": [],
        "design": "",
        "left_out": [],
    }
    assert set(fields) <= set(base), set(fields) - set(base)
    return {**base, **fields}


def only_error(result, field):
    errors = [e for e in result.errors if e.field == field]
    assert len(errors) == 1, result.errors
    return errors[0]


# --- Seed 003, pasted exactly as it is --------------------------------------------------


def test_seed_003_pasted_whole_gives_one_correct_record():
    result = parse(SEED_003.read_text(encoding="utf-8"))
    assert result.format == "semantic-scholar"
    assert result.errors == []
    assert len(result.records) == 1
    record = result.records[0]
    assert as_dict(record) == expected(
        title=KEPNER_TITLE,  # the record's trailing full stop dropped
        source_format="semantic-scholar",
        index=1,
        authors=KEPNER_AUTHORS,  # "Wayne Kepner, Keith Humphreys"
        year=2025,
        issued="2025",  # publicationDate "2025-01-01": the year padded to 1 January
        published_online="2025-02-06",  # EPubDate
        journal="Current Addiction Reports",
        volume="12",  # "12 " in the record
        doi=KEPNER_DOI,
        pmcid="PMC12360454",  # read from the openAccessPdf address
        url="https://doi.org/10.1007/s40429-025-00635-w",  # ListUrlMain: url and DOIUrl are null
        free_url="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC12360454/pdf/",
        abstract=record.abstract,  # checked against the seed's own words below
        kind="review",  # from the title: publicationTypes only says "Journal Article"
        publication_types=["Journal Article"],
    )
    assert record.label == 'record 1 (Semantic Scholar, "Effectiveness of Mutual Help…")'
    # The abstract: the record's HTML as markup (bold headings, a paragraph each), every word
    # of it kept, no tag left. Compared with the record itself, not a copy of its prose.
    given = json.JSONDecoder().raw_decode(SEED_003.read_text(encoding="utf-8"))[0]["abstract"]
    headings = re.findall(r"<strong>(.*?):?\s*</strong>", given)
    assert headings == ["Purpose of review", "Recent findings", "Summary"]
    assert record.abstract.startswith("**Purpose of review** ")
    assert all(f"\n\n**{h}** " in record.abstract for h in headings[1:])
    assert "<" not in record.abstract
    words = lambda text: re.findall(r"\w+", re.sub(r"<[^>]+>", " ", text))  # noqa: E731
    assert words(record.abstract) == words(given)


def test_seed_003_trailing_pasted_text_is_set_aside_and_leaks_nowhere():
    text = SEED_003.read_text(encoding="utf-8")
    assert "引用次数" in text and "期刊介绍" in text
    shared = Path("/work/shared/seeds/003_867f855a922417f4.txt")
    if shared.exists():  # the copy is the seed, byte for byte
        assert SEED_003.read_bytes() == shared.read_bytes()
    result = parse(text)
    assert result.notes == ['The 7 lines of text after the JSON (from "引用次数: 0") were ignored.']
    everything = json.dumps(as_dict(result.records[0]), default=str, ensure_ascii=False)
    for leaked in ("引用次数", "期刊介绍", "Section Editors", "<p>", "<strong>", "医学"):
        assert leaked not in everything


def test_seed_003_document_fields():
    record = parse(SEED_003.read_text(encoding="utf-8")).records[0]
    fields = record.as_document_fields()
    assert fields == {
        "title": KEPNER_TITLE,
        "authors": KEPNER_AUTHORS,
        "authors_et_al": False,
        "year": 2025,
        "issued": "2025",
        "published_online": "2025-02-06",
        "source": "Current Addiction Reports",
        "volume": "12",
        "issue": "",
        "pages": "",
        "doi": KEPNER_DOI,
        "pmid": "",
        "accession_number": "",
        "accession_database": "",
        "url": "https://doi.org/10.1007/s40429-025-00635-w",
        "free_url": "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC12360454/pdf/",
        "abstract": record.abstract,
        "affiliations": "",
        "kind": "review",
        "design": "",  # the record names no design
        "tags": [],
    }


# --- RIS --------------------------------------------------------------------------------


def test_ris_three_records_every_field():
    result = parsed("ris/three_records.ris")
    assert result.format == "ris"
    assert result.errors == []
    first, second, third = result.records
    assert as_dict(first) == expected(
        title=HUMPHREYS_TITLE,
        source_format="ris",
        index=1,
        authors=HUMPHREYS_INITIALS,
        authors_et_al=True,  # AU  - et al.
        year=2020,
        issued="2020-10-01",  # DA, more precise than PY
        journal="Drug and Alcohol Dependence",  # T2 before J2
        volume="215",
        pages="108213",
        doi=HUMPHREYS_DOI,
        pmid="99999901",  # AN, because DB says PubMed
        pmcid="PMC9999901",  # C2
        url="https://example.org/articles/humphreys-2020",
        free_url="https://pmc.ncbi.nlm.nih.gov/articles/PMC9999901/",
        abstract=(
            "**Background** Many people with drug use disorders go to 12-step groups, yet few "
            "rigorous evaluations exist.\n\n"
            "**Methods** Six randomised trials (n = 1730) that facilitated group attendance "
            "were pooled and analysed with instrumental variable and regression models.\n\n"
            "**Results** Facilitation raised attendance only a little; more attendance went "
            "with less drug and alcohol use.\n\n"
            "**Conclusion** Greater 12-step participation predicted better outcomes."
        ),
        keywords=["mutual help groups", "twelve-step", "drug use disorder"],
        affiliations=[
            "Center for Innovation to Implementation, Veterans Affairs Palo Alto Health Care "
            "System, Menlo Park, CA, USA"
        ],
        publication_types=["Journal Article"],
    )
    assert as_dict(second) == expected(
        title=KEPNER_TITLE,
        source_format="ris",
        index=2,
        authors=KEPNER_AUTHORS,
        year=2025,
        issued="2025",
        journal="Current Addiction Reports",
        volume="12",
        doi=KEPNER_DOI,  # from https://doi.org/…
        pmcid="PMC12360454",
        url="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC12360454/",
        free_url="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC12360454/",
        kind="review",
    )
    assert as_dict(third) == expected(
        title="Referring patients to mutual aid: a practice guideline (test record)",
        source_format="ris",
        index=3,
        authors=[DEBENEDETTI, GUIDELINE_GROUP],
        year=2019,
        issued="2019-03-15",
        journal="Journal of Example Studies",
        volume="7",
        issue="3",
        pages="270-279",
        doi="10.5555/EXAMPLE.2019.003",  # as the record writes it
        pmid="99999903",
        pmcid="PMC9999903",
        url="https://example.org/guideline",
        free_url="https://europepmc.org/article/PMC/PMC9999903",
        abstract=GUIDELINE_ABSTRACT,
        kind="guidance",
        keywords=["referral", "mutual aid"],
        publication_types=["Practice Guideline"],
        design="guideline",
    )
    assert (third.first_page, third.last_page) == ("270", "279")
    assert (first.first_page, first.last_page) == ("108213", "108213")
    assert second.label == 'record 2 (RIS, "Effectiveness of Mutual Help…")'


def test_ris_malformed_records_are_named_and_the_good_ones_come_through():
    result = parsed("ris/malformed.ris")
    assert [r.title for r in result.records] == [
        "A first good record",
        "A record with a junk DOI and a bad year",
    ]
    assert [(e.field, e.refused) for e in result.errors] == [
        ("record", True),
        ("year", False),
        ("doi", False),
        ("pmid", False),
        ("title", True),
        ("record", True),
    ]
    no_type, year, doi, pmid, no_title, no_end = result.errors
    assert no_type.message == (
        'record 2 (RIS, "A record without its type line"): does not start with a type line '
        '"TY  -" (such as "TY  - JOUR"), so it was not imported'
    )
    assert year.message == (
        'record 3 (RIS, "A record with a junk DOI and a bad year"): the year "20xx" is not a year'
    )
    assert doi.message.endswith('"not-a-doi" is not a DOI (a DOI looks like 10.1234/…)')
    assert pmid.message.endswith('the PMID "12AB" is not a PMID (a PMID is digits only)')
    assert no_title.record == "record 4 (RIS, line 20)"
    assert no_title.message.endswith("there is no title, and a record needs one to be imported")
    assert no_end.record == 'record 5 (RIS, "A last record cut short")'
    assert 'has no end line "ER  -"' in no_end.message
    kept = result.records[1]
    assert (kept.index, kept.year, kept.doi, kept.pmid) == (3, None, "", "")
    assert result.errors_for(kept) == [year, doi, pmid]


def test_ris_record_without_end_before_the_next_one():
    text = "TY  - JOUR\nTI  - First\nTY  - JOUR\nTI  - Second\nER  - \n"
    result = parse(text)
    assert [r.title for r in result.records] == ["Second"]
    assert result.errors[0].record == 'record 1 (RIS, "First")'
    assert result.errors[0].refused


# --- BibTeX ------------------------------------------------------------------------------


def test_bibtex_three_entries_every_field():
    result = parsed("bibtex/three_entries.bib")
    assert result.format == "bibtex"
    assert result.errors == []
    first, second, third = result.records
    assert as_dict(first) == expected(
        title=HUMPHREYS_TITLE,  # {12-step} unbraced, the line break in the title gone
        source_format="bibtex",
        index=1,
        authors=HUMPHREYS_AUTHORS,
        authors_et_al=True,  # "and others"
        year=2020,
        issued="2020-10",  # month = oct: the month, no day
        journal="Drug and Alcohol Dependence",  # @string dad
        volume="215",
        pages="108213",
        doi=HUMPHREYS_DOI,
        pmid="99999901",
        url="https://example.org/articles/humphreys-2020",
        abstract=STRUCTURED_SHORT,
        keywords=["mutual help groups", "twelve-step", "drug use disorder"],
    )
    assert as_dict(second) == expected(
        title=KEPNER_TITLE,
        source_format="bibtex",
        index=2,
        authors=KEPNER_AUTHORS,  # "First Last and First Last"
        year=2025,
        issued="2025",
        journal="Current Addiction Reports",
        volume="12",
        doi=KEPNER_DOI,
        kind="review",
    )
    assert as_dict(third) == expected(
        title="Referring patients to mutual aid: a practice guideline (test record)",
        source_format="bibtex",
        index=3,
        # M{\"u}ller decoded; {Corporate Author} kept whole
        authors=[
            DEBENEDETTI,
            Name("Müller", "Jörg"),  # M{\"u}ller, J{\"o}rg decoded
            Name("Example Treatment Guideline Development Group", corporate=True),
        ],
        year=2019,
        issued="2019-03-15",
        journal="Journal of Example Studies",
        volume="7",
        issue="3",
        pages="270-279",  # 270--279
        doi="10.5555/example.2019.003",
        pmid="99999903",
        pmcid="PMC9999903",
        url="https://example.org/guideline",
        free_url="https://pmc.ncbi.nlm.nih.gov/articles/PMC9999903/",
        abstract=GUIDELINE_ABSTRACT,
        kind="guidance",
        keywords=["referral", "mutual aid"],
        publication_types=["Practice Guideline"],
        design="guideline",
    )


def test_bibtex_unterminated_brace_among_good_entries():
    result = parsed("bibtex/malformed.bib")
    assert [(r.index, r.title) for r in result.records] == [
        (1, "A first good entry"),
        (3, "A last good entry"),
    ]
    error = only_error(result, "record")
    assert len(result.errors) == 1
    assert error.refused and error.index == 2
    assert error.record == 'record 2 (BibTeX, "An entry whose title brace is…")'
    assert error.message.startswith(
        'record 2 (BibTeX, "An entry whose title brace is…"): the entry @article{broken2018} '
        'at line 7 could not be read: a brace { or quote " is not closed'
    )


def test_bibtex_bad_year_doi_pmid_and_missing_title():
    result = parsed("bibtex/bad_fields.bib")
    assert [r.title for r in result.records] == [
        "A study of years that are not years",
        "A study with a junk DOI",
    ]
    messages = [(e.field, e.message) for e in result.errors]
    assert messages == [
        (
            "year",
            'record 1 (BibTeX, "A study of years that are not years"): '
            'the year "20xx" is not a year',
        ),
        (
            "title",
            "record 2 (BibTeX, @article{notitle} at line 6): there is no title, and a record "
            "needs one to be imported",
        ),
        (
            "year",
            'record 3 (BibTeX, "A study with a junk DOI"): the year 1750 is not between '
            "1800 and 2100",
        ),
        (
            "doi",
            'record 3 (BibTeX, "A study with a junk DOI"): "not a doi" is not a DOI (a DOI '
            "looks like 10.1234/…)",
        ),
        (
            "pmid",
            'record 3 (BibTeX, "A study with a junk DOI"): the PMID "PMID12345" is not a '
            "PMID (a PMID is digits only)",
        ),
    ]
    assert all(r.year is None and r.doi == "" and r.pmid == "" for r in result.records)


# --- MEDLINE -----------------------------------------------------------------------------


def test_medline_two_records_every_field():
    result = parsed("medline/two_records.nbib")
    assert result.format == "medline"
    assert result.errors == [] and result.notes == []
    first, second = result.records
    assert as_dict(first) == expected(
        title=HUMPHREYS_TITLE,  # continuation line joined, PubMed's full stop dropped
        source_format="medline",
        index=1,
        authors=HUMPHREYS_AUTHORS,  # from FAU, the full names
        year=2020,
        issued="2020-10-01",  # DP 2020 Oct 1
        published_online="2020-08-04",  # DEP
        journal="Drug and Alcohol Dependence",  # JT in title case
        volume="215",
        pages="108213",
        doi=HUMPHREYS_DOI,  # LID … [doi]
        pmid="99999901",
        pmcid="PMC9999901",
        free_url="https://pmc.ncbi.nlm.nih.gov/articles/PMC9999901/",
        abstract=(
            "**Background** Many people with drug use disorders go to 12-step groups, yet few "
            "rigorous evaluations exist.\n\n"
            "**Methods** Six randomised trials (n = 1730) that facilitated group attendance "
            "were pooled.\n\n"
            "**Results** Facilitation raised attendance only a little; more attendance went "
            "with less drug and alcohol use.\n\n"
            "**Conclusion** Greater 12-step participation predicted better outcomes."
        ),
        keywords=["mutual help groups", "twelve-step"],  # OT
        affiliations=[
            "Center for Innovation to Implementation, Veterans Affairs Palo Alto Health Care "
            "System, Menlo Park, CA, USA."
        ],
        publication_types=["Journal Article", "Research Support, U.S. Gov't, Non-P.H.S."],
        left_out=[  # NLM's housekeeping (OWN, STAT, dates of indexing…) is not listed
            'IS (ISSN) "1879-0046 (Electronic)" and 1 more',
            'CI (copyright) "Published by Elsevier B.V."',
            'LA (language) "eng"',
            'PL (place of publication) "Ireland"',
        ],
    )
    assert as_dict(second) == expected(
        title="Mutual aid after treatment: a systematic review and meta-analysis (test record)",
        source_format="medline",
        index=2,
        authors=[  # FAU, then CN
            DEBENEDETTI,
            Name("Example Mutual Aid Review Collaboration", corporate=True),
        ],
        year=2019,
        issued="2019-03",  # DP 2019 Mar
        journal="Journal of Example Studies",
        volume="7",
        issue="3",
        pages="270-279",  # PG 270-9
        doi="10.5555/example.2019.002",
        pmid="99999902",
        abstract=(
            "Test abstract without sections. It has a second sentence \\[1\\] with \\*stars\\*."
        ),
        kind="review",
        keywords=["aftercare"],
        publication_types=["Journal Article", "Systematic Review", "Meta-Analysis"],
        design="meta-analysis",
        left_out=['LA (language) "eng"'],
    )


def test_medline_without_title_bad_pmid_bad_date_junk_doi():
    result = parsed("medline/malformed.nbib")
    assert [r.title for r in result.records] == [
        "A good record",
        "A record with a bad PMID and a bad date",
    ]
    assert [(e.record, e.field, e.refused) for e in result.errors] == [
        ("record 2 (MEDLINE, PMID 99999912)", "title", True),
        ('record 3 (MEDLINE, "A record with a bad PMID and a bad date")', "year", False),
        ('record 3 (MEDLINE, "A record with a bad PMID and a bad date")', "doi", False),
        ('record 3 (MEDLINE, "A record with a bad PMID and a bad date")', "pmid", False),
    ]
    assert result.errors[1].message.endswith('the year "17 BC" is not a year')
    assert result.errors[3].message.endswith(
        'the PMID "99999913X" is not a PMID (a PMID is digits only)'
    )


def test_medline_records_run_together_and_stray_lines():
    text = (
        "PMID- 99999921\nTI  - One.\nDP  - 2001\n"
        "PMID- 99999922\nTI  - Two, with a title\n      over two lines.\nDP  - 2002\n"
        "Something pasted by mistake\n"
    )
    result = parse(text, "pubmed-set.txt")
    assert [(r.pmid, r.title, r.year) for r in result.records] == [
        ("99999921", "One", 2001),
        ("99999922", "Two, with a title over two lines", 2002),
    ]
    assert result.notes == [
        'line 8 is not a MEDLINE line and was ignored: "Something pasted by mistake"'
    ]


def test_medline_translated_title_and_fau_without_au():
    result = parse("PMID- 99999931\nTI  - [A translated title].\nFAU - Kelly, John F\nDP  - 2010\n")
    record = result.records[0]
    assert (record.title, record.authors) == ("A translated title", [Name("Kelly", "John F.")])


# --- CSL-JSON ----------------------------------------------------------------------------


def test_csl_json_array_every_field():
    result = parsed("csl/two_items.json")
    assert result.format == "csl-json"
    assert result.errors == []
    first, second = result.records
    assert as_dict(first) == expected(
        title=HUMPHREYS_TITLE,
        source_format="csl-json",
        index=1,
        authors=HUMPHREYS_AUTHORS,
        year=2020,
        issued="2020-10-01",
        journal="Drug and Alcohol Dependence",
        volume="215",
        pages="108213",
        doi=HUMPHREYS_DOI,
        pmid="99999901",
        pmcid="PMC9999901",
        url="https://example.org/articles/humphreys-2020",
        free_url="https://pmc.ncbi.nlm.nih.gov/articles/PMC9999901/",
        abstract=STRUCTURED_SHORT,  # labels alone on their lines
        keywords=["mutual help groups", "twelve-step", "drug use disorder"],
        left_out=['language "en"'],
    )
    assert as_dict(second) == expected(
        title="Guidance on referral to mutual aid for services (test record)",  # <i> gone
        source_format="csl-json",
        index=2,
        authors=[
            DEBENEDETTI,
            Name("Example Treatment Guideline Development Group", corporate=True),
            Name("van Beethoven", "Ludwig"),
        ],
        year=2019,
        issued="2019-03",
        journal="Journal of Example Studies",
        volume="7",
        issue="3",
        pages="270-279",  # en dash
        doi="10.5555/Example.2019.004",  # as the record writes it
        pmid="99999904",
        pmcid="PMC9999904",
        url="https://example.org/guidance",
        free_url="https://pmc.ncbi.nlm.nih.gov/articles/PMC9999904/",
        abstract="Plain test guidance with <tags> spelled out and an *emphasised* word.",
        kind="guidance",
        keywords=["referral", "mutual aid"],
        publication_types=["Practice Guideline"],
        design="guideline",
    )


def test_csl_json_single_item():
    item = json.loads(read("csl/two_items.json"))[0]
    result = parse(json.dumps(item))
    assert result.format == "csl-json"
    assert [r.title for r in result.records] == [HUMPHREYS_TITLE]


def test_csl_json_bad_items():
    items = [
        {"type": "article-journal", "title": "Good", "issued": {"date-parts": [[2001]]}},
        "not an object",
        {"type": "article-journal", "issued": {"date-parts": [[2002]]}, "DOI": "10.5555/x"},
        {"type": "article-journal", "title": "Bad year", "issued": {"date-parts": [["20xx"]]}},
    ]
    result = parse(json.dumps(items))
    assert [r.title for r in result.records] == ["Good", "Bad year"]
    assert [(e.record, e.field) for e in result.errors] == [
        ("record 2 (CSL-JSON)", "record"),
        ("record 3 (CSL-JSON, DOI 10.5555/x)", "title"),
        ('record 4 (CSL-JSON, "Bad year")', "year"),
    ]
    assert result.errors[0].message == (
        "record 2 (CSL-JSON): is not a record (a JSON object) but text"
    )


def test_values_of_the_wrong_shape_are_errors_not_crashes():
    items = [
        {"paperId": "1", "title": {"text": "A title in an object"}, "year": 2001},
        {"paperId": "2", "title": "Names of the wrong shape", "authors": [{"name": None}, 7]},
        {"paperId": "3", "title": "Fine", "authors": "Anna DeBenedetti", "year": 2003},
        None,
    ]
    result = parse(json.dumps(items))
    assert [r.title for r in result.records] == ["Names of the wrong shape", "Fine"]
    assert result.records[0].authors == []
    assert [(e.record, e.field, e.message) for e in result.errors] == [
        (
            "record 1 (Semantic Scholar)",
            "title",
            'record 1 (Semantic Scholar): title is an object ({"text": "A title in an object"}), '
            "not text, and a record needs a title to be imported",
        ),
        (
            'record 2 (Semantic Scholar, "Names of the wrong shape")',
            "authors",
            'record 2 (Semantic Scholar, "Names of the wrong shape"): author 1\'s "name" is '
            'null, not text; author 2 is a number (7), not {"name": …}',
        ),
        (
            "record 4 (Semantic Scholar)",
            "record",
            "record 4 (Semantic Scholar): is not a record (a JSON object) but null",
        ),
    ]


def test_long_and_pathological_input_is_read_quickly():
    import time

    started = time.monotonic()
    abstract_to_markup("Background and " * 5000 + "x: y")
    abstract_to_markup("<p>" + "<b>x</b>" * 20000 + "</p>")
    abstract_to_markup("Results: a. " * 20000)
    parse("TY  - JOUR\nTI  - T\nAB  - " + "word " * 200000 + "\nER  - \n")
    assert time.monotonic() - started < 10


# --- Crossref ----------------------------------------------------------------------------


def test_crossref_single_work_every_field():
    result = parsed("crossref/work.json")
    assert result.format == "crossref"
    assert result.errors == []
    (record,) = result.records
    assert as_dict(record) == expected(
        title=HUMPHREYS_TITLE,
        source_format="crossref",
        index=1,
        authors=HUMPHREYS_AUTHORS,
        year=2020,
        issued="2020-10",  # published-print
        published_online="2020-08-04",  # published-online
        journal="Drug and Alcohol Dependence",
        volume="215",
        pages="108213",
        doi=HUMPHREYS_DOI,
        url="https://doi.org/10.1016/j.drugalcdep.2020.108213",
        free_url="https://example.org/fulltext/humphreys-2020.pdf",  # the PDF, version of record
        abstract=(
            "**Background** Many people with drug use disorders go to 12-step groups, yet few "
            "rigorous evaluations exist.\n\n"
            "**Methods** Six randomised trials (*n* = 1730) were pooled.\n\n"
            "**Results** More attendance went with less drug and alcohol use.\n\n"
            "**Conclusion** Greater participation predicted better outcomes."
        ),
        affiliations=[
            "Center for Innovation to Implementation, Veterans Affairs Palo Alto Health Care System"
        ],
        left_out=["license (licence)", 'ISSN "0376-8716"'],
    )


def test_crossref_items_list():
    result = parsed("crossref/work_list.json")
    assert result.format == "crossref"
    assert result.errors == []
    first, second = result.records
    assert as_dict(first) == expected(
        title="Mutual aid for stimulant users: a test review",  # title: subtitle
        source_format="crossref",
        index=1,
        authors=[  # sequence "first" first
            Name("Example Review Consortium", corporate=True),
            DEBENEDETTI,
        ],
        year=2019,
        issued="2019-03",
        journal="Journal of Example Studies",
        volume="7",
        issue="3",
        pages="270-279",
        doi="10.5555/example.2019.005",
        url="https://doi.org/10.5555/example.2019.005",
        abstract="An unstructured test abstract with ² a superscript and CO₂.",
        kind="review",
    )
    # An online date decades after the print issue is a digitised back issue: not kept,
    # and the record says so.
    assert (second.year, second.issued.iso, second.published_online) == (1981, "1981-06", None)
    assert second.left_out == [
        "the online publication date 2006-01-17, later than the issue's year 1981 (a back "
        "issue put online later)"
    ]


# --- Semantic Scholar --------------------------------------------------------------------


def test_semantic_scholar_graph_api_list():
    result = parsed("semantic_scholar/graph_api_papers.json")
    assert result.format == "semantic-scholar"
    assert result.errors == []
    first, second = result.records
    assert as_dict(first) == expected(
        title="Online mutual help meetings: a test record",
        source_format="semantic-scholar",
        index=1,
        authors=[DEBENEDETTI, Name("Example Online Recovery Network", corporate=True)],
        year=2024,
        issued="2024-05-20",
        journal="Journal of Example Studies",
        volume="9",
        pages="1-10",
        doi="10.5555/example.2024.006",
        pmid="99999906",
        pmcid="PMC9999906",
        url="https://example.org/paper/0001",
        free_url="https://example.org/paper/0001.pdf",
        abstract="An unstructured test abstract.\n\nIt has two lines.",
        kind="review",  # publicationTypes ["Review", …]
        publication_types=["Review", "JournalArticle"],
        design="narrative-review",
        left_out=['paperId (Semantic Scholar\'s id) "0000000000000000000000000000000000000001"'],
    )
    assert (second.title, second.year, second.issued.iso) == (
        "A paper known only by its year (test record)",
        2023,
        "2023",
    )


# --- Input-level errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, filename, message",
    [
        (
            '{"title": "A", "authors": "B C",\n "year": }',
            None,
            "The text is not valid JSON: expecting value at line 2, column 10.",
        ),
        (
            '[{"title": "A"}\n{"title": "B"}]',
            "records.json",
            "The text is not valid JSON: expecting ',' delimiter at line 2, column 1.",
        ),
    ],
)
def test_invalid_json_gives_one_error_with_line_and_column(text, filename, message):
    result = parse(text, filename)
    assert result.records == []
    assert [(e.record, e.field, e.message) for e in result.errors] == [("input", "json", message)]


@pytest.mark.parametrize("text", ["", "   \n\n  ", "\ufeff"])
def test_empty_input(text):
    result = parse(text)
    assert result.records == [] and result.format is None
    assert [(e.field, e.message) for e in result.errors] == [
        ("input", "There is nothing to read: the text is empty.")
    ]


def test_unknown_format_names_the_accepted_ones():
    result = parse("Humphreys K, et al. Impact of 12-step groups. 2020.")
    assert result.format is None and result.records == []
    (error,) = result.errors
    assert error.field == "format"
    assert error.message == (
        "This text is in no format we can read. Accepted: RIS (.ris), BibTeX (.bib), "
        "PubMed's MEDLINE format (.nbib or .txt), CSL-JSON, Crossref JSON or Semantic "
        "Scholar JSON (.json)."
    )


def test_json_of_no_known_shape():
    result = parse('{"colour": "blue"}')
    assert [e.field for e in result.errors] == ["format"]
    assert "not a bibliographic record" in result.errors[0].message


# --- Format detection --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, expected_format",
    [
        ("ris/three_records.ris", "ris"),
        ("bibtex/three_entries.bib", "bibtex"),
        ("medline/two_records.nbib", "medline"),
        ("csl/two_items.json", "csl-json"),
        ("crossref/work.json", "crossref"),
        ("crossref/work_list.json", "crossref"),
        ("semantic_scholar/graph_api_papers.json", "semantic-scholar"),
        ("semantic_scholar/seed_003_kepner_humphreys_2025.txt", "semantic-scholar"),
    ],
)
def test_detect_format_from_content(path, expected_format):
    assert detect_format(read(path)) == expected_format
    # The content wins over a misleading extension.
    assert detect_format(read(path), "upload.txt") == expected_format


@pytest.mark.parametrize(
    "filename, expected_format",
    [
        ("refs.ris", "ris"),
        ("refs.RIS", "ris"),
        ("refs.bib", "bibtex"),
        ("pubmed.nbib", "medline"),
        ("pubmed-mutualhelp-set.txt", "medline"),
        ("items.json", "csl-json"),
        ("notes.docx", None),
        (None, None),
    ],
)
def test_detect_format_from_extension_when_content_is_unclear(filename, expected_format):
    unclear = "{}" if filename and filename.endswith(".json") else "some broken text"
    assert detect_format(unclear, filename) == expected_format


def test_broken_ris_upload_is_reported_as_ris():
    result = parse("TI  - A title\nPY  - 2020\n", "refs.ris")
    assert result.format == "ris"
    assert [(e.record, e.field) for e in result.errors] == [('record 1 (RIS, "A title")', "record")]


def test_json_extension_with_text_that_is_not_json():
    result = parse("not json at all", "records.json")
    assert [e.field for e in result.errors] == ["format"]
    assert result.errors[0].message.startswith("records.json is not JSON.")


# --- Abstracts ---------------------------------------------------------------------------


def test_structured_abstract_from_html_strong_labels():
    html = (
        "<p><strong>Purpose of review: </strong>First.</p>"
        "<p><b>Recent findings</b>: Second &amp; more.</p>"
        "<p><strong>Summary</strong> Third.</p>"
    )
    assert abstract_to_markup(html) == (
        "**Purpose of review** First.\n\n**Recent findings** Second & more.\n\n**Summary** Third."
    )


def test_structured_abstract_inline_medline_capitals():
    text = (
        "BACKGROUND AND AIMS: One. DESIGN, SETTING AND PARTICIPANTS: Two (n = 3). "
        "MEASUREMENTS: Three. FINDINGS: Four. CONCLUSIONS: Five. TRIAL REGISTRATION: X1."
    )
    assert abstract_to_markup(text) == (
        "**Background and aims** One.\n\n"
        "**Design, setting and participants** Two (n = 3).\n\n"
        "**Measurements** Three.\n\n**Findings** Four.\n\n**Conclusions** Five.\n\n"
        "**Trial registration** X1."
    )


def test_structured_abstract_from_jats_sections():
    jats = (
        "<jats:title>Abstract</jats:title>"
        "<jats:sec><jats:title>Introduction</jats:title><jats:p>One.</jats:p></jats:sec>"
        "<jats:sec><jats:title>Interpretation</jats:title><jats:p>Two.</jats:p></jats:sec>"
    )
    assert abstract_to_markup(jats) == "**Introduction** One.\n\n**Interpretation** Two."


@pytest.mark.parametrize(
    "text",
    [
        "Background: One.\nMethods: Two.\nResults: Three.",
        "Background\nOne.\nMethods\nTwo.\nResults\nThree.",
        "BACKGROUND: One.\n\nMETHODS: Two.\n\nRESULTS: Three.",
        "Abstract\nBackground: One. Methods: Two. Results: Three.",
        "background One.\nmethods: Two.\nresults: Three.".replace("background", "Background:"),
    ],
)
def test_structured_abstract_from_plain_lines(text):
    assert (
        abstract_to_markup(text) == "**Background** One.\n\n**Methods** Two.\n\n**Results** Three."
    )


@pytest.mark.parametrize(
    "label",
    [
        "Context",
        "Aim",
        "Aims",
        "Objective",
        "Objectives",
        "Purpose",
        "Design",
        "Setting",
        "Settings",
        "Participants",
        "Intervention",
        "Interventions",
        "Measurements",
        "Findings",
        "Summary",
        "Conclusion",
        "Discussion",
        "Limitations",
        "Implications",
    ],
)
def test_every_known_label(label):
    assert abstract_to_markup(f"{label.upper()}: Text here. Results: More.") == (
        f"**{label}** Text here.\n\n**Results** More."
    )


def test_unstructured_abstracts_stay_plain_paragraphs():
    text = "Results of the trial were good. The conclusion is clear.\n\nA second paragraph."
    assert abstract_to_markup(text) == (
        "Results of the trial were good. The conclusion is clear.\n\nA second paragraph."
    )
    wrapped = "A sentence that was\nwrapped over\nthree lines."
    assert abstract_to_markup(wrapped) == "A sentence that was wrapped over three lines."


def test_html_never_survives_as_tags():
    html = (
        '<div class="abstract"><h3>Abstract</h3><p>One<br/>two <sup>a</sup> x<sup>2</sup> '
        "H<sub>2</sub>O <span style='x'>span</span> <a href='https://example.org'>link</a> "
        "<script>alert(1)</script><em>em</em> <i>i</i> <strong>strong</strong> &eacute; "
        "&#8211; &nbsp;</p><jats:p>jats <jats:bold>bold</jats:bold></jats:p></div>"
    )
    markup = abstract_to_markup(html)
    assert not re.search(r"</?[a-z][\w:-]*[^>]*>", markup), markup
    assert markup == ("One\n\ntwo a x² H₂O span link *em* *i* **strong** é –\n\njats **bold**")
    # Escaped twice (&lt;p&gt;) is decoded again, once.
    assert abstract_to_markup("&lt;p&gt;&lt;b&gt;Methods:&lt;/b&gt; Two.&lt;/p&gt;") == (
        "**Methods** Two."
    )


def test_angle_brackets_in_plain_text_are_not_taken_for_tags():
    text = "Risk fell when a<b and x>y (p<0.05; OR >2)."
    assert abstract_to_markup(text) == text
    assert clean_title("Ages <5 and >65: a<b and c>d") == "Ages <5 and >65: a<b and c>d"
    assert clean_title("Smith &amp; Jones &lt;3") == "Smith & Jones <3"


def test_markup_characters_survive_as_literal_text():
    text = (
        r"See [1], *p*<0.05, {#x}, a_b, `code`, back\slash and [[chart:x]] &copy; <https://x.org>"
    )
    escaped = escape_markup(text)
    assert escaped == (
        r"See \[1\], \*p\*<0.05, \{#x\}, a\_b, \`code\`, back\\slash and \[\[chart:x\]\] "
        "&amp;copy; &lt;https://x.org>"
    )
    # Undoing the escapes gives the text back: nothing was lost or added.
    unescaped = re.sub(r"\\(.)", r"\1", escaped).replace("&amp;", "&").replace("&lt;", "<")
    assert unescaped == text
    assert abstract_to_markup(text) == escaped


@pytest.mark.parametrize(
    "line, escaped",
    [
        ("# not a heading", r"\# not a heading"),
        ("> not a quotation", r"\> not a quotation"),
        ("/// supplement | not folded", r"\/// supplement | not folded"),
        ("- not a list", r"\- not a list"),
        ("+ not a list", r"\+ not a list"),
        ("1. not a list", r"1\. not a list"),
        ("12. not a list", r"12\. not a list"),
        ("a # b > c - d 1. e", "a # b > c - d 1. e"),
    ],
)
def test_line_start_markup_is_escaped(line, escaped):
    assert escape_markup(line) == escaped
    assert abstract_to_markup(line) == escaped
    assert escape_markup(f"first line\n{line}") == f"first line\n{escaped}"


def test_titles_are_plain_text_and_keep_markup_characters():
    title = "Counting [1] *p*<0.05 {#x} in _trials_"
    result = parse(
        json.dumps({"type": "article-journal", "title": title + ".", "DOI": "10.5555/1"})
    )
    assert result.records[0].title == title


# --- Normalisers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, doi",
    [
        ("10.1007/S40429-025-00635-W", "10.1007/S40429-025-00635-W"),  # the case kept
        ("https://doi.org/10.1007/s40429-025-00635-w", "10.1007/s40429-025-00635-w"),
        ("http://dx.doi.org/10.1007/s40429-025-00635-w ", "10.1007/s40429-025-00635-w"),
        ("doi:10.1016/j.drugalcdep.2020.108213.", "10.1016/j.drugalcdep.2020.108213"),
        ("DOI: 10.1016/J.DRUGALCDEP.2020.108213", "10.1016/J.DRUGALCDEP.2020.108213"),
        ("https://doi.org/10.1002/14651858.CD012880.pub2", "10.1002/14651858.CD012880.pub2"),
        ("https://doi.org/10.5555%2Fexample", "10.5555/example"),
        (None, ""),
        ("", ""),
    ],
)
def test_normalise_doi(value, doi):
    assert normalise_doi(value) == doi


def test_normalise_title_matches_the_same_title_written_differently():
    assert normalise_title(
        "Effectiveness of Mutual Help Groups…: A Review of the Current Literature."
    ) == normalise_title("Effectiveness of mutual help groups … a review of the current literature")
    assert (
        normalise_title("Évaluation  des groupes d’entraide!")
        == "evaluation des groupes d entraide"
    )
    assert normalise_title("Impact of 12-step groups") != normalise_title(
        "Impact of 12 steps groups"
    )


@pytest.mark.parametrize(
    "title, cleaned",
    [
        ("A Review of the Current Literature.", "A Review of the Current Literature"),
        ("Does it work?", "Does it work?"),
        ("Outcomes in the U.S.", "Outcomes in the U.S."),
        ("To be continued...", "To be continued..."),
        ("  Spaced\n  out  ", "Spaced out"),
        ("CO<sub>2</sub> &amp; <i>you</i>.", "CO₂ & you"),
    ],
)
def test_clean_title(title, cleaned):
    assert clean_title(title) == cleaned


@pytest.mark.parametrize(
    "pages, normalised",
    [
        ("270-279", "270-279"),
        ("270--279", "270-279"),
        ("270–279", "270-279"),
        ("270-9", "270-279"),
        ("1195-205", "1195-1205"),
        ("pp. 65-74", "65-74"),
        ("108213", "108213"),
        ("e108213", "e108213"),
        ("S1-S10", "S1-S10"),
    ],
)
def test_pages(pages, normalised):
    assert normalise_pages(pages) == normalised


@pytest.mark.parametrize(
    "title, types, kind",
    [
        ("A trial", ["Journal Article", "Randomized Controlled Trial"], "study"),
        ("A trial", ["Review"], "review"),
        ("A trial", ["Systematic Review"], "review"),
        ("A trial", ["Meta-Analysis"], "review"),
        ("A trial", ["Practice Guideline", "Review"], "guidance"),
        ("Effectiveness …: A Review of the Current Literature", ["Journal Article"], "review"),
        ("A network meta-analysis of aftercare", [], "review"),
        ("Guidelines for aftercare: a systematic review", [], "review"),
        ("Alcohol use disorders: clinical guideline", [], "guidance"),
        ("Peer-reviewed outcomes of aftercare", [], "study"),
    ],
)
def test_kind_rule(title, types, kind):
    from citations.normalise import kind_of

    assert kind_of(title, types) == kind


@pytest.mark.parametrize(
    "written, parts, cited",
    [
        ("Timko, Christine", ("Timko", "Christine"), "Timko C."),
        ("Keith Humphreys", ("Humphreys", "Keith"), "Humphreys K."),
        ("Humphreys K", ("Humphreys", "K."), "Humphreys K."),
        ("Miller WR.", ("Miller", "W. R."), "Miller W.R."),
        ("Barreto N.B.", ("Barreto", "N. B."), "Barreto N.B."),
        ("Barreto, N. B.", ("Barreto", "N. B."), "Barreto N.B."),
        ("Crits-Christoph, P.", ("Crits-Christoph", "P."), "Crits-Christoph P."),
        ("Kelly, John F", ("Kelly", "John F."), "Kelly J.F."),
        ("Jean-Paul Sartre", ("Sartre", "Jean-Paul"), "Sartre J.-P."),
        ("Sartre, J-P", ("Sartre", "J.-P."), "Sartre J.-P."),
        ("Ludwig van Beethoven", ("van Beethoven", "Ludwig"), "van Beethoven L."),
        ("Van Den Noortgate W.", ("Van Den Noortgate", "W."), "Van Den Noortgate W."),
        ("HUMPHREYS, KEITH", ("Humphreys", "Keith"), "Humphreys K."),
        ("Plato", ("Plato", ""), "Plato"),
    ],
)
def test_names_keep_their_parts_and_are_cited_in_the_house_style(written, parts, cited):
    from citations.importing import parse_name

    name = parse_name(written)
    assert (name.family, name.given, name.corporate) == (*parts, False)
    assert name.cited == cited


def test_suffixes_and_organisations():
    from citations.importing import parse_name

    smith = parse_name("Smith, John, Jr.")
    assert (smith.family, smith.given, smith.suffix) == ("Smith", "John", "Jr.")
    assert (smith.cited, smith.inverted) == ("Smith J. Jr.", "Smith, John, Jr.")
    for organisation in ("World Health Organization", "Department of Health, Scotland"):
        name = parse_name(organisation)
        assert (name.family, name.corporate, name.cited) == (organisation, True, organisation)


def test_package_does_not_import_django():
    import subprocess
    import sys

    code = (
        "import sys, citations.importing; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=Path(__file__).parent.parent, capture_output=True
    )
    assert done.returncode == 0, done.stderr
