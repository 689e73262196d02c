"""Canned answers in the literature services' formats, for the watches' tests (the server
is scripts.fake_literature, shared with the benchmark). Test records are plainly test records.
"""

from scripts.fake_literature import (  # noqa: F401  (the tests' server, PubMed XML's writers)
    FakeLiterature,
    efetch_xml,
    pubmed_article,
)

# Test content in our own words: no real paper's facts.
ESEARCH = {
    "header": {"type": "esearch"},
    # As esearch answers with usehistory=y: the count, and where the set is kept.
    "esearchresult": {
        "count": "2",
        "idlist": ["9000001", "9000002"],
        "webenv": "MCID_TEST",
        "querykey": "1",
    },
}
EFETCH = """PMID- 9000001
TI  - A trial of linking patients to peer groups after treatment.
AU  - Tester A
AU  - Example B
DP  - 2026 Mar
TA  - J Test Stud
AID - 10.5555/test.0001 [doi]
AB  - Patients were linked to groups; attendance rose.

PMID- 9000002
TI  - Mutual aid meetings and outcomes: a cohort.
AU  - Sample C
DP  - 2025
TA  - Test Rev
AB  - A cohort followed for a year.
"""
CROSSREF_WORKS = {
    "status": "ok",
    "message-type": "work-list",
    "message": {
        "items": [
            {
                "DOI": "10.5555/test.0003",
                "type": "journal-article",
                "title": ["Peer referral to mutual aid: a test record"],
                "author": [{"family": "Tester", "given": "Ann"}],
                "container-title": ["Journal of Test Studies"],
                "issued": {"date-parts": [[2026, 2]]},
            },
            {
                "DOI": "10.5555/test.0004",
                "type": "journal-article",
                "title": ["A second test record about aftercare"],
                "author": [{"family": "Example", "given": "Ben"}],
                "issued": {"date-parts": [[2025]]},
            },
        ]
    },
}
CROSSREF_NOTICES = {
    "status": "ok",
    "message": {
        "items": [
            {
                "DOI": "10.5555/notice.0001",
                "update-to": [
                    {
                        "DOI": "10.5555/TEST.0001",
                        "type": "retraction",
                        "source": "retraction-watch",
                        "updated": {"date-parts": [[2026, 5, 4]]},
                    },
                    {"DOI": "10.5555/other", "type": "correction"},
                ],
            }
        ]
    },
}
OPENALEX_WORK = {
    "id": "https://openalex.org/W100",
    "doi": "https://doi.org/10.5555/test.0001",
    "display_name": "A trial of linking patients",
    "is_retracted": True,
}
OPENALEX_CITING = {
    "meta": {"count": 1},
    "results": [
        {
            "id": "https://openalex.org/W200",
            "doi": "https://doi.org/10.5555/test.0005",
            "display_name": "A later test study that cites the trial",
            "publication_year": 2026,
            "authorships": [{"author": {"display_name": "Cara Citer"}}],
            "primary_location": {"source": {"display_name": "Test Journal"}},
            "ids": {"pmid": "https://pubmed.ncbi.nlm.nih.gov/9000009"},
            "abstract_inverted_index": {"Linking": [0], "patients": [1], "helped.": [2]},
        }
    ],
}  # fmt: skip

# The same search answered in esearch's XML (its documented default format, and the form some
# of its error answers take whatever was asked).
ESEARCH_XML = """<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">
<eSearchResult><Count>2</Count><RetMax>0</RetMax><RetStart>0</RetStart><QueryKey>1</QueryKey><WebEnv>MCID_TEST</WebEnv><IdList><Id>9000001</Id><Id>9000002</Id></IdList><TranslationSet/><QueryTranslation>"mutual aid"[Title/Abstract]</QueryTranslation></eSearchResult>
"""  # noqa: E501
ESEARCH_XML_ERROR = """<?xml version="1.0" encoding="UTF-8" ?>
<eSearchResult><ERROR>Invalid query_key</ERROR></eSearchResult>
"""


# A test record PubMed says was retracted, and the retraction notice's own record.
EFETCH_XML_RETRACTED = efetch_xml(
    pubmed_article(
        "9000001",
        "A trial of linking patients to peer groups after treatment.",
        types=("Journal Article", "Retracted Publication"),
        links=[("RetractionIn", "9000010")],
    )
)
EFETCH_XML_NOTICE = efetch_xml(
    pubmed_article(
        "9000010",
        "Retraction: a trial of linking patients (a test notice).",
        types=("Retraction of Publication",),
        links=[("RetractionOf", "9000001")],
        doi="10.5555/notice.0010",
        date=(2026, 6, 2),
    )
)

# A work's own record listing its notices (``updated-by``), as Crossref serves the Retraction
# Watch records: here an expression of concern, then a retraction.
CROSSREF_UPDATED_BY = {
    "status": "ok",
    "message-type": "work-list",
    "message": {
        "items": [
            {
                "DOI": "10.5555/TEST.0001",
                "type": "journal-article",
                "title": ["A trial of linking patients to peer groups after treatment"],
                "updated-by": [
                    {
                        "DOI": "10.5555/eoc.0001",
                        "type": "expression_of_concern",
                        "source": "publisher",
                        "label": "Expression of concern",
                        "updated": {"date-parts": [[2026, 3, 1]]},
                    },
                    {
                        "DOI": "10.5555/rw.0001",
                        "type": "retraction",
                        "source": "retraction-watch",
                        "label": "Retraction",
                        "record-id": 99999,
                        "updated": {"date-parts": [[2026, 7, 9]]},
                    },
                ],
            }
        ]
    },
}
CROSSREF_NONE = {"status": "ok", "message-type": "work-list", "message": {"items": []}}


def crossref_by_filter(notices=CROSSREF_NONE, works=CROSSREF_NONE):
    """A Crossref ``works`` answer chosen by the request's filter, as Crossref chooses:
    ``updates:`` finds notices, ``doi:`` the works themselves."""
    import json

    def answer(params):
        chosen = notices if params.get("filter", "").startswith("updates:") else works
        return json.dumps(chosen)

    return answer
