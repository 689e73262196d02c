"""Redis down or hanging degrades the site and never breaks it (ops/redis.py, pagecache/,
ops/ratelimits.py): saves succeed, pages are served uncached, and no page stored before a
save that could not drop it is served afterwards, whichever process asks and even when Redis
comes back with its old data. Each test runs its own redis-server, or a port that never
answers (tests/redis_servers.py)."""

import json
import subprocess
import sys
import time

import pytest
from django.core.cache import caches
from django.test import Client

from ops import redis as guarded
from pagecache.models import PageCacheMark
from pagecache.versions import MARKS_SECONDS
from studies.models import Document
from tests.admin_forms import form_data
from tests.factories import make_document
from tests.redis_servers import SilentPort, redis_caches
from tests.workers import ROOT, worker_env

pytestmark = pytest.mark.django_db

E4 = "/matrices/alcohol/E4/"
TIMKO = "timko-debenedetti-2007-intensive-referral"


def fetch(path, **extra):
    return Client().get(path, **extra)


def outcome(response):
    return response.headers.get("X-Page-Cache")


@pytest.fixture
def in_redis(settings):
    """Point the default cache and the page store at a Redis: ``in_redis(url)``."""

    def use(url, retry_seconds=0.1):
        settings.REDIS_RETRY_SECONDS = retry_seconds
        settings.REDIS_CONNECT_TIMEOUT = 0.25
        settings.REDIS_TIMEOUT = 0.25
        settings.CACHES = redis_caches(url)
        guarded.reset()

    return use


def edit_year_in_the_admin(client, year):
    document = Document.objects.get(slug=TIMKO)
    url = f"/admin/studies/document/{document.pk}/change/"
    data = form_data(client.get(url))
    data["year"] = str(year)
    return client.post(url, data)


def test_with_redis_stopped_saves_succeed_pages_are_served_and_none_is_stale_when_it_returns(
    demo, editor_client, redis_server, in_redis
):
    in_redis(redis_server.url)
    assert outcome(fetch(E4)) == "miss" and outcome(fetch(E4)) == "hit"
    redis_server.stop(save=True)  # E4 as it was is in the saved data

    # The editor's save goes through; the change is marked for the cache.
    assert edit_year_in_the_admin(editor_client, 1999).status_code == 302
    assert Document.objects.get(slug=TIMKO).year == 1999
    assert PageCacheMark.objects.count() == 1
    # Readers get every page, uncached: the cell, the document (its citations were cached
    # in Redis too), a brief.
    page = fetch(E4)
    assert page.status_code == 200 and outcome(page) is None and "(1999)" in page.text
    assert fetch(f"/documents/{TIMKO}/").status_code == 200
    assert fetch("/brief/?cells=alcohol/E4").status_code == 200

    # Redis comes back with what it had saved, E4's old page included.
    redis_server.start()
    assert int(redis_server.command("DBSIZE")[1:]) > 0
    time.sleep(0.15)  # the breaker's pause
    after = fetch(E4)
    assert outcome(after) == "miss" and "(1999)" in after.text and "(2007)" not in after.text
    assert outcome(fetch(E4)) == "hit"


def test_a_redis_restored_from_an_older_snapshot_serves_none_of_its_pages(
    demo, redis_server, in_redis
):
    """Its pages may predate changes whose invalidations were lost with it."""
    in_redis(redis_server.url)
    assert outcome(fetch(E4)) == "miss"
    redis_server.stop(save=True)
    redis_server.start()
    time.sleep(0.15)
    timko = Document.objects.get(slug=TIMKO)
    timko.year = 1999
    timko.save()  # dropped in this Redis, which is then lost without saving again...
    assert PageCacheMark.objects.count() == 0
    redis_server.stop()
    redis_server.start()  # ...and comes back from the snapshot taken before the edit
    time.sleep(0.15)
    after = fetch(E4)
    assert outcome(after) == "miss" and "(1999)" in after.text


def test_a_hanging_redis_costs_one_timeout_per_pause_and_saves_still_succeed(
    demo, silent_port, in_redis
):
    in_redis(silent_port.url, retry_seconds=60)
    pages = [fetch(E4), fetch(E4), fetch(f"/documents/{TIMKO}/"), fetch("/")]
    assert [p.status_code for p in pages] == [200] * 4
    assert all(outcome(p) is None for p in pages)
    timko = Document.objects.get(slug=TIMKO)
    timko.year = 1999
    timko.save()
    assert PageCacheMark.objects.count() == 1
    # One connection was tried, for the page store and Django's cache together; after it
    # timed out nothing asked again during the pause.
    assert silent_port.connections() == 1


def test_the_breaker_asks_again_after_its_pause(redis_server, in_redis):
    in_redis(redis_server.url, retry_seconds=0.2)
    cache = caches["default"]
    cache.set("k", 1)
    redis_server.stop()
    with pytest.raises(guarded.CACHE_ERRORS):
        cache.get("k")
    with pytest.raises(guarded.RedisUnavailable):  # not asked: refused at once
        cache.get("k")
    redis_server.start()
    with pytest.raises(guarded.RedisUnavailable):
        cache.get("k")
    time.sleep(0.25)
    assert cache.get("k") is None  # asked again: a new, empty Redis
    cache.set("k", 2)
    assert cache.get("k") == 2


def test_saves_inside_one_transaction_write_one_mark(db, silent_port, in_redis):
    from django.db import transaction

    in_redis(silent_port.url, retry_seconds=60)
    with transaction.atomic():
        # A savepoint rolled back takes its mark with it...
        with pytest.raises(RuntimeError), transaction.atomic():
            make_document(title="Rolled back")
            assert PageCacheMark.objects.count() == 1
            raise RuntimeError
        assert PageCacheMark.objects.count() == 0
        # ...so the next failure marks again, once for the whole transaction.
        for number in range(5):
            make_document(title=f"Imported {number}")
    assert PageCacheMark.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_another_process_does_not_serve_a_page_a_failed_save_could_not_drop(
    redis_server, in_redis, settings
):
    """The saving process cannot reach Redis (it hangs, for it); a second app server can,
    and holds the old page. Within a second of the save's commit it no longer serves it."""
    document = make_document(title="The title before")
    path = f"/documents/{document.slug}/"
    reader = subprocess.Popen(
        [sys.executable, "-m", "tests.page_reader", redis_server.url],
        cwd=ROOT, env=worker_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip

    def read():
        reader.stdin.write(path + "\n")
        reader.stdin.flush()
        return json.loads(reader.stdout.readline())

    try:
        first = read()
        assert first["status"] == 200 and "The title before" in first["text"]
        assert read()["cache"] == "hit"
        # This process's Redis hangs: the save goes through and leaves a mark.
        silent = SilentPort()
        try:
            in_redis(silent.url, retry_seconds=60)
            document.title = "The title after"
            document.save()
        finally:
            silent.close()
        assert PageCacheMark.objects.count() == 1
        time.sleep(MARKS_SECONDS + 0.1)
        after = read()
        assert after["cache"] == "miss" and "The title after" in after["text"]
    finally:
        reader.stdin.close()
        reader.wait(timeout=10)


def test_document_pages_and_briefs_are_served_with_the_cache_down(
    demo, redis_server, in_redis, settings
):
    """Their formatted citations are kept in the cache; with it down they are made afresh."""
    in_redis(redis_server.url)
    settings.PAGE_CACHE_ENABLED = False  # the citation cache alone
    assert "Timko" in fetch(f"/documents/{TIMKO}/").text  # cached in Redis
    redis_server.stop()
    for path in (f"/documents/{TIMKO}/", "/brief/?cells=alcohol/E4"):
        response = fetch(path)
        assert response.status_code == 200 and "Timko" in response.text


# What each rate limit does when the cache is down (docs/production.md: Abuse limits).


def test_sign_ups_are_counted_in_the_process_while_the_cache_is_down(
    client, demo, silent_port, in_redis, settings
):
    in_redis(silent_port.url, retry_seconds=60)
    settings.READERS_SUBSCRIBE_RATE_EMAIL = "2/h"
    settings.READERS_SUBSCRIBE_RATE_IP = "3/h"
    for _ in range(2):
        assert client.post("/subscribe/", {"email": "victim@example.org"}).status_code == 200
    refused = client.post("/subscribe/", {"email": "victim@example.org"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert 'value="victim@example.org"' in refused.text
    # The address's count and the IP's are each kept: a fourth address from this IP is over.
    assert client.post("/subscribe/", {"email": "someone@example.org"}).status_code == 429
    assert (
        client.post("/subscribe/", {"email": "x@example.org"}, REMOTE_ADDR="10.0.0.9").status_code
        == 200
    )


def test_messages_to_the_editors_are_counted_in_the_process_while_the_cache_is_down(
    client, demo, redis_server, in_redis, settings
):
    from feedback.models import EditorMessage

    in_redis(redis_server.url, retry_seconds=60)
    redis_server.stop()
    settings.FEEDBACK_RATE = "2/h"
    message = {"name": "Ann", "email": "ann@example.org", "message": "A question about E4."}
    for _ in range(2):
        assert client.post("/matrices/alcohol/E4/comment/", message).status_code == 302
    refused = client.post("/matrices/alcohol/E4/comment/", message)
    assert refused.status_code == 429 and "A question about E4." in refused.text
    assert EditorMessage.objects.count() == 2


def test_brief_pdfs_fail_closed_while_the_cache_is_down(client, demo, redis_server, in_redis):
    in_redis(redis_server.url, retry_seconds=60)
    redis_server.stop()
    response = client.get("/brief/pdf/?cells=drug/E4")
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    assert "PDFs are paused for a moment" in response.text
    assert 'href="/brief/?cells=drug/E4"' in response.text  # the brief as a page still is
