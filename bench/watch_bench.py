"""A literature watch over 10,000 records (part of make bench; BENCH_ONLY=watch).

A PubMed watch runs against a local server speaking E-utilities (scripts.fake_literature):
``esearch`` keeps N test records on the history server, ``efetch`` gives their MEDLINE, 200 a
request, at NCBI's
pace for a client with an API key (10 requests a second: the politeness is part of the cost).
Every record is new, so each is checked against the bank and the queue and saved as a
candidate. The baseline, alternated with it round by round, parses the same records from
the same text with no network and no database. Printed for 1,000 and 10,000 records: the
median time of each, their ratio, and the peak memory the run allocated (tracemalloc, in a
separate run): flat memory means ten times the records take at most twice the peak.
"""

import os
import statistics
import time
import tracemalloc

ROUNDS = int(os.environ.get("BENCH_WATCH_ROUNDS", "3"))
SIZES = [int(n) for n in os.environ.get("BENCH_WATCH_SIZES", "1000 10000").split()]
TARGET_SECONDS = 120  # 10,000 records, pacing included


def pmids_for(count):
    return [str(70_000_000 + n) for n in range(count)]


def medline(pmids):
    """Test records, plainly: numbered titles, a test author, a year, an abstract."""
    return "\n\n".join(
        f"PMID- {p}\nTI  - Test record {p} on linking patients to mutual aid.\n"
        f"AU  - Tester A\nDP  - 2026\nTA  - Test J\n"
        f"AB  - A test abstract for record {p}: patients were linked to groups after "
        "treatment and followed for a year.\n"
        for p in pmids
    )


def run():
    from django.conf import settings

    from matrix.models import Cell
    from scripts.fake_literature import FakeLiterature
    from watch.models import Watch

    print(
        f"\nA PubMed watch against a local E-utilities server, paired round by round with "
        f"parsing the same records offline ({ROUNDS} rounds):"
    )
    print(
        f"{'records':>8} {'watch s':>8} {'parse s':>8} {'ratio':>6} {'requests':>8} "
        f"{'new':>6} {'peak MiB':>9}"
    )
    cell = Cell.objects.with_labels().by_key("alcohol", "E4")
    watch, _ = Watch.objects.get_or_create(
        cell=cell, source="pubmed", kind="search", defaults={"query": "mutual aid"}
    )
    peaks, texts = {}, {}
    with FakeLiterature() as server:
        settings.PUBMED_EUTILS_URL = server.url + "eutils/"
        settings.NCBI_API_KEY = "bench"  # NCBI's 10 requests a second
        for size in SIZES:
            peaks[size] = measure(size, watch, server)
            texts[size] = len(medline(pmids_for(size)).encode())
    # Flat: the run holds a batch of 200, never the whole answer, so ten times the records
    # must not take anything like ten times the memory. (What does grow, about 55 bytes a
    # record, is Django's and psycopg's bookkeeping of the queries, not the records.)
    if texts:
        report_growth(peaks, "records", f"the records' text {max(texts.values()) / 2**20:.1f} MiB")


def report_growth(peaks, what, aside=""):
    """Flat memory: ten times the ``what`` take at most twice the peak (``peaks``: size ->
    bytes)."""
    if len(peaks) < 2:
        return
    small, large = min(peaks), max(peaks)
    growth = peaks[large] / peaks[small]
    aside = f"; {aside}" if aside else ""
    print(
        f"peak memory: {growth:.2f}x for {large // small}x the {what} "
        f"({peaks[small] / 2**20:.1f} -> {peaks[large] / 2**20:.1f} MiB{aside}): "
        f"{'flat' if growth <= 2 else 'GROWS'} (target <= 2x)"
    )


def measure(size, watch, server):
    """One size: the watch and the parse, alternated; then the watch's peak memory."""
    from citations.importing import parse
    from watch.models import Candidate, Watch, WatchRun
    from watch.services import run_watch

    pmids = pmids_for(size)
    text = medline(pmids)
    server._answers.clear()
    # As NCBI answers a search kept on its history server: a count, then a batch a fetch.
    server.answer(
        "/eutils/esearch",
        {"esearchresult": {"count": str(size), "webenv": "MCID_BENCH", "querykey": "1"}},
    )

    def batch(params):
        start = int(params["retstart"])
        return medline(pmids[start : start + int(params["retmax"])])

    server.answer("/eutils/efetch", batch)

    def fresh():
        Candidate.objects.filter(watch=watch).delete()
        WatchRun.objects.filter(watch=watch).delete()
        Watch.objects.filter(pk=watch.pk).update(last_success_at=None)
        watch.last_success_at = None

    def watched():
        fresh()
        requests_before = len(server.requests)
        start = time.perf_counter()
        result = run_watch(watch)
        elapsed = time.perf_counter() - start
        assert not result.failed, result.error
        assert result.new == size, (result.new, size)  # it holds what it claims
        return elapsed, len(server.requests) - requests_before

    def parsed():
        start = time.perf_counter()
        records = parse(text, filename="bench.nbib").records
        elapsed = time.perf_counter() - start
        assert len(records) == size
        return elapsed

    watches, parses, requests = [], [], 0
    for round_ in range(ROUNDS):
        if round_ % 2:
            parses.append(parsed())
        seconds, requests = watched()
        watches.append(seconds)
        if not round_ % 2:
            parses.append(parsed())
    fresh()
    tracemalloc.start()
    result = run_watch(watch)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    fresh()
    w, p = statistics.median(watches), statistics.median(parses)
    print(
        f"{size:8,} {w:8.2f} {p:8.2f} {w / p:6.1f} {requests:8d} {result.new:6,} "
        f"{peak / 2**20:9.1f}",
        flush=True,
    )
    if size == max(SIZES):
        verdict = "meets" if w <= TARGET_SECONDS else "MISSES"
        print(f"{size:,} records in {w:.1f} s: <= {TARGET_SECONDS} s {verdict}")
    return peak
