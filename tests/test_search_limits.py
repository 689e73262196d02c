"""Search cannot starve the site (search/limits.py): every endpoint that runs the search engine
has a per-IP rate (429), a per-process cap on searches at once (503 at once, with
Retry-After) and a time limit on its SQL (503), each answered in the endpoint's own format.
Run on whichever database the suite runs on; CI runs both."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from search import engine, limits
from tests.factories import make_document
from tests.htmlparse import page


@pytest.fixture(autouse=True)
def _one_rate_window(monkeypatch):
    """The limiter's clock held still: a test that crossed a window's edge (a minute, under a
    loaded machine) had its count start again and saw 200 where 429 was due."""
    import time
    from types import SimpleNamespace

    from django_ratelimit import core

    now = time.time()
    monkeypatch.setattr(core, "time", SimpleNamespace(time=lambda: now))


pytestmark = pytest.mark.django_db

# Every view that runs the search engine, and the form its refusals take.
ENDPOINTS = {
    "/search/?q=mutual+aid": "html",
    "/api/v1/search?q=mutual+aid": "json",
    "/api/v1/documents?kind=study": "json",
    "/cite/search.ris?q=mutual+aid": "text",
    "/feeds/search/?q=mutual+aid": "text",
}


def refused_as(response, kind, words):
    if kind == "html":
        assert response["Content-Type"].startswith("text/html")
        tree = page(response)
        assert words in tree.find("p", role="alert").text
        assert tree.find("input", id="search-q")["value"] == "mutual aid"  # kept in the box
    elif kind == "json":
        body = json.loads(response.content)
        assert words in body["message"] and body["code"] in ("too_many_requests", "unavailable")
    else:
        assert response["Content-Type"].startswith("text/plain")
        assert words in response.content.decode()
    return True


@pytest.mark.parametrize("url,kind", ENDPOINTS.items())
def test_over_the_rate_a_search_gets_429_with_retry_after(client, demo, settings, url, kind):
    settings.SEARCH_RATE = "2/m"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60
    assert refused_as(response, kind, "searched very often")
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200  # another reader


def test_every_search_endpoint_counts_against_one_rate(client, demo, settings):
    settings.SEARCH_RATE = f"{len(ENDPOINTS)}/m"
    for url in ENDPOINTS:
        assert client.get(url).status_code == 200
    assert client.get("/search/?q=aid").status_code == 429


def test_the_rate_is_per_reader_behind_the_proxy(client, demo, settings):
    settings.SEARCH_RATE, settings.PROXY_COUNT = "1/m", 1
    assert client.get("/search/?q=aid", HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 200
    assert client.get("/search/?q=aid", HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert client.get("/search/?q=aid", HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 200


def test_the_search_rate_fails_open_while_the_cache_is_down(client, demo, settings, silent_port):
    from tests.redis_servers import redis_caches

    settings.REDIS_RETRY_SECONDS, settings.REDIS_TIMEOUT = 60, 0.2
    settings.CACHES = redis_caches(silent_port.url)
    settings.SEARCH_RATE = "1/m"
    for _ in range(3):  # the cap, which needs no cache, still holds
        assert client.get("/search/?q=mutual+aid").status_code == 200


@pytest.fixture
def a_search_running(settings, monkeypatch):
    """One search in progress in another thread of this process, until the block ends."""
    settings.SEARCH_CONCURRENCY = 1
    started, finish = threading.Event(), threading.Event()
    answered = []
    search_page = engine.search_page

    def slow_search_page(user, params, **kwargs):
        if threading.current_thread() is runner:
            started.set()
            finish.wait(10)
            return engine.SearchPage(params=params)
        return search_page(user, params, **kwargs)

    monkeypatch.setattr(engine, "search_page", slow_search_page)

    def run():
        try:
            answered.append(Client().get("/search/?q=slow").status_code)
        finally:
            connection.close()  # this thread's own connection

    runner = threading.Thread(target=run)
    runner.start()
    assert started.wait(10)
    yield
    finish.set()
    runner.join(10)
    assert answered == [200]


@pytest.mark.parametrize("url,kind", ENDPOINTS.items())
def test_over_the_cap_a_search_gets_503_at_once(client, demo, a_search_running, url, kind):
    response = client.get(url)
    assert response.status_code == 503 and response["Retry-After"] == str(limits.BUSY_RETRY_AFTER)
    assert refused_as(response, kind, "busy with other searches")


def test_pages_are_served_while_searches_fill_the_cap(client, demo, a_search_running):
    assert client.get("/matrices/alcohol/E4/").status_code == 200
    assert client.get("/documents/manning-2012-active-referral/").status_code == 200


def test_the_cap_frees_as_searches_end(client, demo, settings):
    settings.SEARCH_CONCURRENCY = 1
    for _ in range(3):  # one after the other: each gets the slot
        assert client.get("/search/?q=mutual+aid").status_code == 200
    assert limits.slots()._value == 1


def hold_the_search_index():
    """Another connection locks the search index, so the search's statements wait on it:
    the statement timeout must stop them. (PostgreSQL: its lock waits count.)"""
    import psycopg

    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"] or "postgres",
        host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
    )  # fmt: skip
    other.execute("BEGIN")
    other.execute("LOCK TABLE search_searchentry IN ACCESS EXCLUSIVE MODE")
    return other


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url,kind", list(ENDPOINTS.items())[:2])
def test_a_search_out_of_time_gets_a_clear_503(settings, url, kind):
    for number in range(30):
        make_document(title=f"Mutual aid groups and their members, study {number}")
    client = Client()
    if connection.vendor == "postgresql":
        settings.SEARCH_TIMEOUT = 0.3
        held = hold_the_search_index()
    else:
        settings.SEARCH_TIMEOUT = 1e-6  # interrupted at the first look at the clock
        held = None
    try:
        response = client.get(url)
    finally:
        if held is not None:
            held.close()
    assert response.status_code == 503
    assert refused_as(response, kind, "took too long")
    # The slot is free again, and the next search runs in time.
    settings.SEARCH_TIMEOUT = 3
    assert client.get(url).status_code == 200


def test_over_the_machines_cap_a_search_waits_then_gets_503(client, demo, settings, monkeypatch):
    """Another worker process holds the machine's only search slot."""
    import subprocess
    import sys
    from pathlib import Path

    settings.SEARCH_MACHINE_CONCURRENCY = 1
    monkeypatch.setattr(limits, "MACHINE_WAIT", 0.2)
    slot = Path(settings.SEARCH_SLOTS_DIR) / "slot-0"
    slot.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time; "
         f"f = os.open({str(slot)!r}, os.O_RDWR | os.O_CREAT); fcntl.flock(f, fcntl.LOCK_EX); "
         "print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        response = client.get("/search/?q=mutual+aid")
        assert response.status_code == 503 and refused_as(response, "html", "busy")
    finally:
        holder.kill()
        holder.wait()
    assert client.get("/search/?q=mutual+aid").status_code == 200  # the kernel freed it
    assert limits.slots()._value == settings.SEARCH_CONCURRENCY


def test_a_refused_export_format_leaves_the_callers_transaction_usable(client, demo):
    """The time limit's block runs without a savepoint; a 404 raised through it (an export
    format that does not exist) must not mark an enclosing transaction as broken. Here the
    test's own transaction encloses both requests, as a caller's would; on PostgreSQL the
    second answered 500 before."""
    assert client.get("/cite/search.nope", {"q": "mutual aid"}).status_code == 404
    assert client.get("/cite/search.ris", {"q": "mutual aid"}).status_code == 200
    assert client.get("/search/", {"q": "mutual aid"}).status_code == 200


def test_after_a_search_the_machines_slot_rests_for_its_share(client, demo, settings, monkeypatch):
    """At a share of a half, a slot that ran a search of t seconds is not taken again for t
    seconds, by this process or another (the rest is written in the slot's file)."""
    settings.SEARCH_MACHINE_CONCURRENCY = 1
    settings.SEARCH_MACHINE_SHARE = 0.5
    held = limits.machine_slot(0)
    assert held is not None
    limits.release_machine_slot(held, searched_for=30.0)  # as if a search took 30 s
    assert limits.machine_slot(0) is None  # resting: a search waiting 0 s is refused
    monkeypatch.setattr(limits, "MACHINE_WAIT", 0)
    response = client.get("/search/?q=mutual+aid")
    assert response.status_code == 503 and refused_as(response, "html", "busy")
    settings.SEARCH_MACHINE_SHARE = 1.0  # no rest after this one
    slot = limits.Path(settings.SEARCH_SLOTS_DIR) / "slot-0"
    slot.write_text("0")  # the rest is over
    assert client.get("/search/?q=mutual+aid").status_code == 200
    held = limits.machine_slot(0)
    assert held is not None  # a search at a share of 1 left no rest
    limits.release_machine_slot(held)
