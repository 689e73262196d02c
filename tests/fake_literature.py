"""Canned answers in the literature services' formats, for the watches' tests (the server
is scripts.fake_literature, shared with the benchmark). Test records are plainly test records.
"""

from scripts.fake_literature import FakeLiterature  # noqa: F401  (the tests' server)

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
