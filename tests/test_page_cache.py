"""Whole pages for anonymous readers: stored, served without touching the database, and
dropped exactly when something they show changes (the pagecache app)."""

import gzip
import os
import socket

import brotli
import pytest
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from matrix.models import Cell, CellEntry
from ops.compression import chosen_encoding
from pagecache.middleware import PageCacheMiddleware
from pagecache.tags import tag_for
from pagecache.versions import forget_everything, invalidate
from studies.models import Document
from tests.admin_forms import form_data
from tests.factories import make_document

pytestmark = pytest.mark.django_db

E4 = "/matrices/alcohol/E4/"
TIMKO = "timko-debenedetti-2007-intensive-referral"


def fetch(path, **headers):
    """An anonymous reader with a fresh browser: no cookies."""
    return Client().get(path, **headers)


def outcome(response):
    return response.headers.get("X-Page-Cache")


def not_on_e4():
    return (
        Document.objects.public()
        .exclude(cell_entries__cell__column__code="E", cell_entries__cell__row__number=4)
        .first()
    )


def test_the_second_reader_gets_the_stored_page_without_a_query(demo):
    first = fetch(E4)
    assert outcome(first) == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = fetch(E4)
    assert outcome(second) == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # The security headers are added to hits as to any response.
    for header in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"):
        assert header in second.headers
    assert second["Cache-Control"] == "no-cache"


def test_an_edit_in_the_admin_is_seen_by_the_next_reader(demo, editor_client):
    document = Document.objects.get(slug=TIMKO)
    assert outcome(fetch(E4)) == "miss" and outcome(fetch(E4)) == "hit"
    url = f"/admin/studies/document/{document.pk}/change/"
    data = form_data(editor_client.get(url))
    assert "(2007)" in fetch(E4).text
    data["year"] = "1999"  # E4 shows the year beside the entry
    assert editor_client.post(url, data).status_code == 302

    after = fetch(E4)
    assert outcome(after) == "miss"
    assert "(1999)" in after.text and "(2007)" not in after.text
    assert outcome(fetch(f"/documents/{TIMKO}/")) == "miss"


def test_a_save_drops_only_the_pages_that_show_it(demo):
    elsewhere = not_on_e4()
    pages = [E4, f"/documents/{TIMKO}/", f"/documents/{elsewhere.slug}/", "/matrices/drug/"]
    for path in pages:
        assert outcome(fetch(path)) == "miss"

    timko = Document.objects.get(slug=TIMKO)
    timko.standfirst = timko.standfirst + " Changed."
    timko.save()

    assert outcome(fetch(E4)) == "miss"
    assert outcome(fetch(f"/documents/{TIMKO}/")) == "miss"
    # A document E4 does not show, and the other matrix, stay stored.
    assert outcome(fetch(f"/documents/{elsewhere.slug}/")) == "hit"
    assert outcome(fetch("/matrices/drug/")) == "hit"


def test_a_new_entry_drops_its_cell_and_a_moved_one_drops_both(demo, e4):
    e3 = Cell.objects.with_labels().by_key("alcohol", "E3")
    for path in (E4, "/matrices/alcohol/E3/"):
        fetch(path)
    entry = e4.entries.order_by("order").first()
    assert outcome(fetch("/matrices/alcohol/E3/")) == "hit"

    entry.cell = e3
    entry.save()
    assert outcome(fetch(E4)) == "miss"
    e3_page = fetch("/matrices/alcohol/E3/")
    assert outcome(e3_page) == "miss"
    assert entry.headline in e3_page.text

    new = make_document(title="A study placed a moment ago", status="published")
    fetch(E4)
    CellEntry(cell=e4, document=new, roles="K", headline="A study placed a moment ago").save()
    shown = fetch(E4)
    assert outcome(shown) == "miss" and "A study placed a moment ago" in shown.text


def test_publishing_and_hiding_reach_pages_that_could_not_load_the_draft(demo, e4):
    draft = make_document(title="A draft study not yet public", status="draft")
    CellEntry(cell=e4, document=draft, roles="K", headline="A draft study not yet public").save()
    before = fetch(E4)
    assert "A draft study not yet public" not in before.text
    assert outcome(fetch(E4)) == "hit"
    home = fetch("/")
    assert "A draft study not yet public" not in home.text

    draft.status = Document.Status.PUBLISHED
    draft.save()
    assert "A draft study not yet public" in fetch(E4).text
    assert "A draft study not yet public" in fetch("/").text  # the newest additions

    draft.status = Document.Status.DRAFT
    draft.save()
    assert "A draft study not yet public" not in fetch(E4).text
    assert "A draft study not yet public" not in fetch("/").text
    assert fetch(f"/documents/{draft.slug}/").status_code == 404


def test_a_cell_unpublished_disappears_from_the_grid_and_its_page(demo, e4):
    fetch("/matrices/alcohol/")
    assert fetch(E4).status_code == 200
    e4.status = Cell.Status.DRAFT
    e4.save()
    assert fetch(E4).status_code == 404
    grid = fetch("/matrices/alcohol/")
    assert outcome(grid) == "miss"


def test_a_sent_bulletin_joins_the_archive_at_once(demo, editor):
    from readers.bulletins import send
    from readers.models import Bulletin

    assert outcome(fetch("/bulletins/")) == "miss"
    assert outcome(fetch("/bulletins/")) == "hit"
    bulletin = Bulletin.objects.create(title="News of the week in the bank")
    send(bulletin)
    assert "News of the week in the bank" in fetch("/bulletins/").text


def test_a_change_made_while_a_page_renders_is_not_stored_over(demo):
    """The page read the row, then an edit landed before the page was stored: keeping it
    would serve the old row until the next edit."""
    document = Document.objects.get(slug=TIMKO)

    def view(request):
        Document.objects.get(pk=document.pk)  # the page reads the row...
        invalidate({tag_for(document)})  # ...and an editor saves it
        return HttpResponse("<p>the old title</p>")

    middleware = PageCacheMiddleware(view)
    request = RequestFactory().get("/documents/x/")
    assert middleware(request).content == b"<p>the old title</p>"
    assert caches["pages"].get(middleware.key(request) + ":identity") is None


def test_signed_in_editors_are_never_served_or_stored(demo, editor_client):
    staff = editor_client.get(E4)
    assert outcome(staff) is None
    assert outcome(fetch(E4)) == "miss"
    assert outcome(editor_client.get(E4)) is None  # never the readers' copy
    # A reader carrying a session cookie (after signing out, say) is not served stored pages.
    client = Client()
    client.cookies["sessionid"] = "anything"
    assert outcome(client.get(E4)) is None


def test_a_page_with_a_csrf_token_is_never_shared(demo):
    suggest = "/matrices/alcohol/E4/suggest/"
    first, second = fetch(suggest), fetch(suggest)
    assert outcome(first) is None and outcome(second) is None
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert "Content-Encoding" not in fetch(suggest, HTTP_ACCEPT_ENCODING="gzip, br").headers


def test_made_up_parameters_are_not_stored_and_known_ones_are_kept_apart(demo):
    assert outcome(fetch(E4 + "?utm=1")) is None
    assert outcome(fetch(E4 + "?bite=open")) == "miss"
    assert outcome(fetch(E4 + "?bite=open")) == "hit"
    assert outcome(fetch(E4)) == "miss"


def test_conditional_requests_get_304(demo):
    first = fetch(E4)
    assert first["ETag"].startswith('W/"') and first["Last-Modified"]
    again = fetch(E4, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = fetch(E4, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    # After a change the old ETag no longer matches.
    timko = Document.objects.get(slug=TIMKO)
    timko.year = 1999
    timko.save()
    assert fetch(E4, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


@pytest.mark.parametrize("encoding, decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_pages_are_compressed_for_clients_that_accept_it(demo, encoding, decode):
    plain = fetch(E4).content
    caches["pages"].clear()
    for expected in ("miss", "hit"):
        response = fetch(E4, HTTP_ACCEPT_ENCODING=f"{encoding}, identity;q=0.5")
        assert outcome(response) == expected
        assert response["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response["Vary"]
        assert decode(response.content) == plain
        assert len(response.content) < len(plain) / 3
    # Search is not stored, but holds no secret: it is compressed as it is built.
    search = fetch("/search/?q=mutual", HTTP_ACCEPT_ENCODING=encoding)
    assert outcome(search) is None and search["Content-Encoding"] == encoding


def test_an_editor_page_holding_a_csrf_token_is_not_compressed(demo, editor_client):
    response = editor_client.get("/admin/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


def test_a_refused_encoding_is_not_used():
    assert chosen_encoding("br;q=0, gzip") == "gzip"
    assert chosen_encoding("gzip;q=0") == "identity"
    assert chosen_encoding("*") == "br"
    assert chosen_encoding("") == "identity"


def test_pages_are_served_when_the_cache_is_down(demo, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches["pages"], "get", broken)
    response = fetch(E4)
    assert response.status_code == 200 and outcome(response) is None


def test_a_bulk_load_forgets_every_page(demo):
    fetch(E4)
    fetch("/")
    forget_everything()
    assert outcome(fetch(E4)) == "miss" and outcome(fetch("/")) == "miss"


@override_settings(PAGE_CACHE_ENABLED=False)
def test_the_page_cache_can_be_switched_off(demo):
    assert outcome(fetch(E4)) is None and outcome(fetch(E4)) is None


def redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(
    not redis_reachable() and not os.environ.get("REQUIRE_REDIS"),
    reason="Redis is not running here (CI sets REQUIRE_REDIS and runs it)",
)
def test_the_same_rules_hold_with_redis(demo, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": f"tests-{os.getpid()}",
        },
    }
    caches["pages"].clear()
    try:
        assert outcome(fetch(E4)) == "miss"
        assert outcome(fetch(E4)) == "hit"
        timko = Document.objects.get(slug=TIMKO)
        timko.year = 1999
        timko.save()
        after = fetch(E4)
        assert outcome(after) == "miss" and "(1999)" in after.text
    finally:
        caches["pages"].clear()
