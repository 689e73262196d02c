"""The weekly retraction check over a bank of 100,000 documents (part of make bench;
BENCH_ONLY=notices).

The bank is filled with test documents, nine in ten with a DOI and nine in ten with a PMID.
``flag_notices`` (what ``check_retractions`` and the weekly task run) asks about all of them,
fifty a request, at each service's published pace (Crossref and OpenAlex 10 requests a second,
PubMed 10 with an API key), against a local server answering in the services' formats
(scripts.fake_literature): Crossref's notices (``updates:``) and works (``doi:``, with
``updated-by``), OpenAlex's works (``is_retracted``), PubMed's XML (publication types and
linked notices, then the notices' own records). One document in 250 has a notice, from one of
the four places; the benchmark checks that each is recorded, once, through the write path.

The baseline, alternated with it, is the same check with the same answers made in the
process: no network and no pacing, the same parsing, reading and saving. Printed per size:
the median of each, their ratio, the requests sent, the least time the services' pace allows
for them (each client's requests at its interval: the check cannot be faster), how many
documents were flagged, and the peak memory the check allocated
(tracemalloc, in a separate run without pacing): flat memory means ten times the documents
take at most twice the peak.
"""

import json
import os
import statistics
import time
import tracemalloc
from collections import Counter

from django.db import connection

from bench.watch_bench import report_growth

ROUNDS = int(os.environ.get("BENCH_NOTICES_ROUNDS", "1"))
SIZES = [int(n) for n in os.environ.get("BENCH_NOTICES_SIZES", "10000 100000").split()]
TARGET_SECONDS = 30 * 60  # 100,000 documents, a weekly job: within half an hour, pacing included
BENCH_DOI = "10.5555/bench."
PMID_BASE, NOTICE_PMID_BASE = 80_000_000, 90_000_000

# Which documents have a notice, and where it is found (the document's pk modulo 1,000).
CROSSREF_NOTICE, CROSSREF_UPDATED_BY, PUBMED_RETRACTED, OPENALEX_RETRACTED = 7, 500, 300, 900
FLAGGED = {CROSSREF_NOTICE, CROSSREF_UPDATED_BY, PUBMED_RETRACTED, OPENALEX_RETRACTED}


def has_doi(pk):
    return pk % 10 != 8


def has_pmid(pk):
    return pk % 10 != 9


def pk_of_doi(doi):
    return int(doi.rsplit(".", 1)[1]) if doi.startswith(BENCH_DOI) else None


def crossref_answer(params):
    """Crossref's ``works`` for a filter of DOIs: notices naming them (``updates:``), or the
    works themselves with their ``updated-by`` (``doi:``)."""
    kind, _, _ = params["filter"].partition(":")
    dois = [value.partition(":")[2] for value in params["filter"].split(",")]
    items = []
    for doi in dois:
        pk = pk_of_doi(doi)
        if kind == "updates":
            if pk is not None and pk % 1000 == CROSSREF_NOTICE:
                items.append({
                    "DOI": f"10.5555/notice.{pk}", "type": "journal-article",
                    "title": [f"Retraction notice for test record {pk}"],
                    "update-to": [{"DOI": doi, "type": "retraction", "source": "publisher",
                                   "updated": {"date-parts": [[2026, 5, 4]]}}],
                })  # fmt: skip
        else:
            work = {"DOI": doi, "type": "journal-article", "title": [f"Test record {pk}"]}
            if pk is not None and pk % 1000 == CROSSREF_UPDATED_BY:
                work["updated-by"] = [{
                    "DOI": f"10.5555/correction.{pk}", "type": "correction",
                    "source": "retraction-watch", "label": "Correction", "record-id": pk,
                    "updated": {"date-parts": [[2026, 2, 1]]},
                }]  # fmt: skip
            items.append(work)
    message = {"total-results": len(items), "items": items}
    return json.dumps({"status": "ok", "message-type": "work-list", "message": message})


def openalex_answer(params):
    dois = params["filter"].partition(":")[2].split("|")
    results = [
        {"doi": doi, "is_retracted": pk_of_doi(doi.removeprefix("https://doi.org/")) is not None
         and pk_of_doi(doi.removeprefix("https://doi.org/")) % 1000 == OPENALEX_RETRACTED}
        for doi in dois
    ]  # fmt: skip
    return json.dumps({"meta": {"count": len(results)}, "results": results})


def pubmed_answer(params):
    from scripts.fake_literature import efetch_xml, pubmed_article

    articles = []
    for pmid in params["id"].split(","):
        number = int(pmid)
        if number >= NOTICE_PMID_BASE:  # a notice's own record: its DOI and date
            pk = number - NOTICE_PMID_BASE
            articles.append(pubmed_article(
                pmid, f"Retraction: test record {pk}.", types=("Retraction of Publication",),
                links=[("RetractionOf", str(PMID_BASE + pk))],
                doi=f"10.5555/pubmed-notice.{pk}", date=(2026, 6, 2),
            ))  # fmt: skip
        elif (number - PMID_BASE) % 1000 == PUBMED_RETRACTED:
            pk = number - PMID_BASE
            articles.append(pubmed_article(
                pmid, f"Test record {pk}.", types=("Journal Article", "Retracted Publication"),
                links=[("RetractionIn", str(NOTICE_PMID_BASE + pk))],
            ))  # fmt: skip
        else:
            articles.append(pubmed_article(pmid, f"Test record {number - PMID_BASE}."))
    return efetch_xml(*articles)


ANSWERS = {
    "crossref": ("works", crossref_answer),
    "openalex": ("works", openalex_answer),
    "eutils": ("efetch.fcgi", pubmed_answer),
}


class Answered:
    """The answers as a response, for the in-process baseline."""

    status_code = 200

    def __init__(self, body):
        self.content = body.encode()
        self.text = body

    def json(self):
        return json.loads(self.content)


class InProcess:
    """A source's client answering from the same functions as the server, in the process."""

    def __init__(self, service):
        self.path, self.answer = ANSWERS[service]

    def get(self, path, params=None, *, missing_ok=False):
        assert path == self.path, path
        return Answered(self.answer({k: str(v) for k, v in (params or {}).items()}))

    def json(self, path, params=None, *, missing_ok=False):
        return self.get(path, params).json()


def fill(count):
    """``count`` test documents with test DOIs and PMIDs; returns their pks."""
    from bench.search_bench import generate
    from studies.models import Document

    generate(count)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE studies_document SET "
            f"doi = CASE WHEN id % 10 = 8 THEN '' ELSE '{BENCH_DOI}' || CAST(id AS TEXT) END, "
            f"pmid = CASE WHEN id % 10 = 9 THEN '' ELSE CAST({PMID_BASE} + id AS TEXT) END "
            "WHERE slug LIKE 'bench-doc-%%'"
        )
    return list(
        Document.objects.filter(slug__startswith="bench-doc-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def clear_notices():
    from studies.models import Document

    Document.objects.filter(slug__startswith="bench-doc-").exclude(notice="").update(
        notice="", notice_doi="", notice_date="", notice_source="", notice_found_at=None
    )


def run():
    from django.conf import settings

    from scripts.fake_literature import FakeLiterature

    print(
        f"\nThe retraction check against a local server speaking Crossref, OpenAlex and "
        f"E-utilities, paired with the same check answered in the process ({ROUNDS} round(s)):"
    )
    start = time.perf_counter()
    pks = fill(max(SIZES))
    print(f"({len(pks):,} test documents added in {time.perf_counter() - start:.1f} s)")
    print(
        f"{'documents':>10} {'check s':>8} {'in-proc s':>9} {'ratio':>6} {'requests':>8} "
        f"{'pace s':>7} {'flagged':>7} {'peak MiB':>9}"
    )
    peaks = {}
    with FakeLiterature() as server:
        for service, (path, answer) in ANSWERS.items():
            server.answer(f"/{service}/{path}", answer)
        settings.CROSSREF_API_URL = server.url + "crossref/"
        settings.OPENALEX_API_URL = server.url + "openalex/"
        settings.PUBMED_EUTILS_URL = server.url + "eutils/"
        settings.NCBI_API_KEY = "bench"  # NCBI's 10 requests a second
        for size in SIZES:
            peaks[size] = measure(pks[:size], server)
    clear_notices()
    report_growth(peaks, "documents")


def measure(pks, server):
    from studies.models import Document
    from watch.services import flag_notices
    from watch.sources.crossref import Crossref
    from watch.sources.http import PoliteClient
    from watch.sources.openalex import OpenAlex
    from watch.sources.pubmed import PubMed

    size = len(pks)
    expected = sum(1 for pk in pks if pk % 1000 in FLAGGED)
    # Those documents only (a range: no list of 100,000 parameters).
    documents = Document.objects.filter(
        slug__startswith="bench-doc-", pk__gte=pks[0], pk__lte=pks[-1]
    ).order_by("pk")

    def checked(**sources):
        clear_notices()
        before = len(server.requests)
        start = time.perf_counter()
        changed = sum(1 for _ in flag_notices(documents, **sources))  # as the command does
        elapsed = time.perf_counter() - start
        assert changed == expected, (changed, expected)  # it found what it claims
        sent = server.requests[before:]
        # The services' pace alone: each client's requests at its interval (10 a second).
        pace = max(
            (sum(1 for r in sent if r["path"].startswith(f"/{service}/")) - 1) * 0.1
            for service in ANSWERS
        )
        return elapsed, (len(sent), pace)

    def in_process():
        sources = {
            "crossref": Crossref(client=InProcess("crossref")),
            "openalex": OpenAlex(client=InProcess("openalex")),
            "pubmed": PubMed(client=InProcess("eutils")),
        }
        elapsed, (requests, _) = checked(**sources)
        assert requests == 0  # the baseline sends nothing
        return elapsed

    checks, baselines, requests, pace = [], [], 0, 0
    for round_ in range(ROUNDS):
        if round_ % 2:
            baselines.append(in_process())
        seconds, (requests, pace) = checked()  # the clients' defaults: the services' pace
        checks.append(seconds)
        if not round_ % 2:
            baselines.append(in_process())
    by_kind = Counter(documents.exclude(notice="").values_list("notice", flat=True))
    # Peak memory, through the server but without pacing (it changes time, not memory).
    unpaced = {
        "crossref": Crossref(
            client=PoliteClient("Crossref", server.url + "crossref/", min_interval=0)
        ),
        "openalex": OpenAlex(
            client=PoliteClient("OpenAlex", server.url + "openalex/", min_interval=0)
        ),
        "pubmed": PubMed(client=PoliteClient("PubMed", server.url + "eutils/", min_interval=0)),
    }
    clear_notices()
    server.keep_requests = False  # the server runs in this process: its log is not the check's
    tracemalloc.start()
    sum(1 for _ in flag_notices(documents, **unpaced))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    server.keep_requests = True
    c, b = statistics.median(checks), statistics.median(baselines)
    print(
        f"{size:10,} {c:8.1f} {b:9.1f} {c / b:6.1f} {requests:8,} {pace:7.1f} {expected:7,} "
        f"{peak / 2**20:9.1f}",
        flush=True,
    )
    print("  notices recorded: " + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())))
    if size == max(SIZES):
        verdict = "meets" if c <= TARGET_SECONDS else "MISSES"
        print(f"{size:,} documents checked in {c:.0f} s: <= {TARGET_SECONDS} s {verdict}")
    return peak
