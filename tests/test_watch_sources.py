"""The literature sources' clients against a local server speaking their formats: what they
send (queries, dates, the contact address, the API key), what they read back, and how they
behave when the service is slow, refusing or answering nonsense."""

import datetime
import time

import pytest

from tests.fake_literature import (
    CROSSREF_NOTICES,
    CROSSREF_UPDATED_BY,
    CROSSREF_WORKS,
    EFETCH,
    ESEARCH,
    ESEARCH_XML,
    ESEARCH_XML_ERROR,
    OPENALEX_CITING,
    OPENALEX_WORK,
    FakeLiterature,
    crossref_by_filter,
    efetch_xml,
    pubmed_article,
)
from watch.sources import SourceAnswerInvalid, SourceUnavailable
from watch.sources.crossref import Crossref
from watch.sources.http import PoliteClient
from watch.sources.openalex import OpenAlex
from watch.sources.pubmed import PubMed

SINCE = datetime.date(2026, 11, 1)


@pytest.fixture
def fake(settings):
    with FakeLiterature() as server:
        settings.PUBMED_EUTILS_URL = server.url + "eutils/"
        settings.CROSSREF_API_URL = server.url + "crossref/"
        settings.OPENALEX_API_URL = server.url + "openalex/"
        settings.WATCH_CONTACT_EMAIL = "watch@example.org"
        settings.NCBI_API_KEY = ""
        yield server


def quick(fake, prefix, name="PubMed", **options):
    """A client that retries twice, briefly: the failures' tests stay fast."""
    options = {"min_interval": 0, "retries": 2, "backoff": 0.05, **options}
    return PoliteClient(name, fake.url + prefix, **options)


def test_pubmed_searches_since_the_last_run_and_reads_medline(fake):
    fake.answer("/eutils/esearch", ESEARCH)
    fake.answer("/eutils/efetch", EFETCH)
    records = list(PubMed().records('"mutual aid"[Title/Abstract]', SINCE))
    assert [(r.title, r.pmid, r.year) for r in records] == [
        ("A trial of linking patients to peer groups after treatment", "9000001", 2026),
        ("Mutual aid meetings and outcomes: a cohort", "9000002", 2025),
    ]
    assert records[0].doi == "10.5555/test.0001"
    search, fetch = fake.requests
    assert search["params"]["term"] == '"mutual aid"[Title/Abstract]'
    assert search["params"]["mindate"] == "2026/11/01" and search["params"]["datetype"] == "edat"
    assert search["params"]["usehistory"] == "y" and search["params"]["retmax"] == "0"
    assert search["params"]["email"] == "watch@example.org"
    assert search["params"]["tool"] == "evidencebank"
    assert "api_key" not in search["params"]
    assert "mailto:watch@example.org" in search["headers"]["User-Agent"]
    assert (fetch["params"]["WebEnv"], fetch["params"]["query_key"]) == ("MCID_TEST", "1")
    assert (fetch["params"]["retstart"], fetch["params"]["retmax"]) == ("0", "200")
    assert fetch["params"]["rettype"] == "medline"


def test_pubmed_keeps_to_three_a_second_and_sends_its_key(fake, settings):
    settings.NCBI_API_KEY = "k123"
    fake.answer("/eutils/esearch", {"esearchresult": {"idlist": []}})
    keyed = PubMed()
    assert keyed.client.min_interval == 0.1
    keyed.search("x")
    assert fake.requests[-1]["params"]["api_key"] == "k123"
    settings.NCBI_API_KEY = ""
    plain = PubMed()
    assert plain.client.min_interval == 0.34
    for _ in range(3):
        plain.search("x")
    last = fake.requests[-3:]
    gaps = [b["at"] - a["at"] for a, b in zip(last, last[1:], strict=False)]
    assert min(gaps) >= 0.3, gaps


def test_crossref_finds_works_indexed_since_and_notices_about_a_doi(fake):
    fake.answer("/crossref/works", CROSSREF_WORKS)
    records = Crossref().records("mutual aid referral", SINCE)
    assert [r.doi for r in records] == ["10.5555/test.0003", "10.5555/test.0004"]
    assert records[0].title == "Peer referral to mutual aid: a test record"
    sent = fake.requests[0]["params"]
    assert sent["query.bibliographic"] == "mutual aid referral"
    assert sent["filter"] == "from-index-date:2026-11-01"
    assert sent["mailto"] == "watch@example.org"
    fake._answers.clear()  # now the notices: a notice naming the DOI, the work's own list
    fake.answer("/crossref/works", crossref_by_filter(CROSSREF_NOTICES, CROSSREF_UPDATED_BY))
    notices = Crossref().updates("10.5555/test.0001")
    assert notices == [
        {
            "kind": "retraction",
            "notice_doi": "10.5555/notice.0001",
            "date": "2026-05-04",
            "source": "retraction-watch",
        },
        {
            "kind": "expression_of_concern",
            "notice_doi": "10.5555/eoc.0001",
            "date": "2026-03-01",
            "source": "publisher",
        },
        {
            "kind": "retraction",
            "notice_doi": "10.5555/rw.0001",
            "date": "2026-07-09",
            "source": "retraction-watch",
        },
    ]
    filters = [r["params"]["filter"] for r in fake.requests[-2:]]
    assert filters == ["updates:10.5555/test.0001", "doi:10.5555/test.0001"]


def test_crossref_asks_about_fifty_dois_in_one_request_each_and_tells_each_its_own(fake):
    dois = [f"10.5555/test.{n:04d}" for n in range(50)]
    fake.answer("/crossref/works", crossref_by_filter(CROSSREF_NOTICES, CROSSREF_UPDATED_BY))
    found = Crossref().updates_of(dois + ["10.5555/TEST.0001"])  # told twice, asked once
    assert sorted(found) == ["10.5555/test.0001"]
    assert len(found["10.5555/test.0001"]) == 3
    assert len(fake.requests) == 2
    assert fake.requests[1]["params"]["filter"].count("doi:") == 50


def test_pubmed_reads_esearch_xml_as_well_as_json(fake):
    fake.answer("/eutils/esearch", ESEARCH_XML)
    fake.answer("/eutils/efetch", EFETCH)
    records = list(PubMed().records('"mutual aid"[Title/Abstract]', SINCE))
    assert [r.pmid for r in records] == ["9000001", "9000002"]
    assert fake.requests[1]["params"]["WebEnv"] == "MCID_TEST"
    fake.answer("/eutils/esearch", ESEARCH_XML_ERROR)
    fake._answers["/eutils/esearch"].pop(0)
    with pytest.raises(SourceAnswerInvalid, match="not a list of PMIDs: Invalid query_key"):
        PubMed().search("x")


def test_pubmed_xml_says_which_records_are_retracted_corrected_or_of_concern(fake):
    fake.answer(
        "/eutils/efetch",
        efetch_xml(
            pubmed_article("9000001", "Retracted.", types=("Retracted Publication",)),
            pubmed_article("9000002", "Corrected.", links=[("ErratumIn", "9000020")]),
            pubmed_article("9000003", "Concern.", links=[("ExpressionOfConcernIn", "9000030")]),
            pubmed_article("9000004", "Untouched.", links=[("CommentIn", "9000040")]),
        ),
    )
    fake.answer(
        "/eutils/efetch",
        efetch_xml(
            pubmed_article("9000020", "Erratum.", types=("Published Erratum",),
                           doi="10.5555/err", date=(2026, 1, 5)),
            pubmed_article("9000030", "Concern notice.", doi="10.5555/eoc"),
        ),
    )  # fmt: skip
    found = PubMed().notices_of(["9000001", "9000002", "9000003", "9000004"])
    assert found == {
        "9000001": [{"kind": "retraction", "notice_doi": "", "date": "", "source": "pubmed"}],
        "9000002": [
            {"kind": "correction", "notice_doi": "10.5555/err", "date": "2026-01-05",
             "source": "pubmed"}
        ],
        "9000003": [
            {"kind": "expression_of_concern", "notice_doi": "10.5555/eoc", "date": "2026",
             "source": "pubmed"}
        ],
    }  # fmt: skip
    first, notices = (r["params"] for r in fake.requests)
    assert first["id"] == "9000001,9000002,9000003,9000004" and first["retmode"] == "xml"
    assert notices["id"] == "9000020,9000030"


def test_pubmed_xml_expands_no_entity_and_fetches_no_dtd(fake):
    """An answer carrying an entity bomb or an external entity is read without expanding
    either: the check goes on, finding nothing in it."""
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
        "<ArticleTitle>&c;&x;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        "</PubmedArticleSet>"
    )
    fake.answer("/eutils/efetch", bomb)
    assert PubMed().notices_of(["1"]) == {}
    assert len(fake.requests) == 1


def test_openalex_finds_works_citing_a_doi_and_whether_it_is_retracted(fake):
    fake.answer("/openalex/works/https://doi.org/", OPENALEX_WORK)
    fake.answer("/openalex/works", OPENALEX_CITING)
    openalex = OpenAlex()
    works = openalex.citing("10.5555/test.0001", SINCE)
    assert fake.requests[-1]["params"]["filter"] == "cites:W100,from_created_date:2026-11-01"
    [record] = openalex.records_from(works)
    assert record.title == "A later test study that cites the trial"
    assert (record.doi, record.pmid, record.year) == ("10.5555/test.0005", "9000009", 2026)
    assert [n.inverted for n in record.authors] == ["Citer, Cara"]
    assert record.journal == "Test Journal"
    assert "Linking patients helped." in record.abstract
    assert openalex.is_retracted("10.5555/test.0001") is True


def test_openalex_answers_none_for_a_doi_it_does_not_know(fake):
    fake.answer("/openalex/works/https://doi.org/", {"error": "not found"}, status=404)
    assert OpenAlex().work_by_doi("10.5555/unknown") is None
    assert OpenAlex().citing("10.5555/unknown") == []


def test_429_with_retry_after_is_waited_for_then_retried(fake):
    fake.answer("/eutils/esearch", "slow down", status=429, headers={"Retry-After": "1"})
    fake.answer("/eutils/esearch", ESEARCH)
    started = time.monotonic()
    assert PubMed(client=quick(fake, "eutils/")).search("x") == ["9000001", "9000002"]
    assert time.monotonic() - started >= 1.0
    assert len(fake.requests) == 2


def test_503_twice_then_an_answer_succeeds(fake):
    fake.answer("/crossref/works", "busy", status=503)
    fake.answer("/crossref/works", "busy", status=503)
    fake.answer("/crossref/works", CROSSREF_WORKS)
    assert len(Crossref(client=quick(fake, "crossref/", "Crossref")).works("x")) == 2
    assert len(fake.requests) == 3


def test_a_service_that_keeps_failing_says_so(fake):
    fake.answer("/crossref/works", "broken", status=500)
    with pytest.raises(SourceUnavailable, match="Crossref answered 500 after 2 retries"):
        Crossref(client=quick(fake, "crossref/", "Crossref")).works("x")
    assert len(fake.requests) == 3  # the first try and two retries


def test_a_service_slower_than_the_timeout_says_so(fake):
    fake.answer("/eutils/esearch", ESEARCH, delay=2)
    client = quick(fake, "eutils/", timeout=(1, 0.5), retries=0)
    with pytest.raises(SourceUnavailable, match="PubMed did not answer within 0.5 s"):
        PubMed(client=client).search("x")


def test_an_unreachable_service_says_so(settings):
    client = PoliteClient("OpenAlex", "http://127.0.0.1:9/", min_interval=0, retries=0)
    with pytest.raises(SourceUnavailable, match="OpenAlex could not be reached"):
        OpenAlex(client=client).citing("10.5555/x")


@pytest.mark.parametrize(
    ("prefix", "body", "call", "message"),
    [
        ("/eutils/esearch", "<html>maintenance</html>", lambda: PubMed().search("x"),
         "neither esearch's JSON nor its XML"),
        ("/eutils/esearch", "Service unavailable", lambda: PubMed().search("x"),
         "neither esearch's JSON nor its XML"),
        ("/eutils/efetch", "<html>no</html>", lambda: PubMed().notices_of(["1"]), "PubMed XML"),
        ("/eutils/efetch", "PMID- 1", lambda: PubMed().notices_of(["1"]), "PubMed XML"),
        ("/eutils/esearch", {"esearchresult": {"ERROR": "bad term"}},
         lambda: PubMed().search("x"), "not a list of PMIDs: bad term"),
        ("/crossref/works", {"status": "failed", "message": "x"},
         lambda: Crossref().works("x"), "no list of works"),
        ("/openalex/works/https://doi.org/", {"unexpected": True},
         lambda: OpenAlex().work_by_doi("10.5555/x"), "not a work"),
    ],
)  # fmt: skip
def test_nonsense_answers_are_refused_with_a_reason(fake, prefix, body, call, message):
    fake.answer(prefix, body)
    with pytest.raises(SourceAnswerInvalid, match=message):
        call()


def test_a_long_retry_after_is_capped_and_a_single_timeout_is_both(fake):
    """A service asking for an hour's wait is not waited on for an hour: the run fails and is
    due again."""
    client = PoliteClient("Crossref", fake.url, min_interval=0, timeout=5, backoff_max=60)
    assert client.session.get_adapter("http://").max_retries.parse_retry_after("3600") == 60
    assert client.timeout == (5, 5)


def test_efetch_answering_anything_but_medline_fails_the_search(fake):
    fake.answer("/eutils/esearch", ESEARCH)
    fake.answer("/eutils/efetch", "<html>no</html>")
    with pytest.raises(SourceAnswerInvalid, match="not in MEDLINE format"):
        list(PubMed().records("x"))
