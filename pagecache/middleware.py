"""Serve stored pages to anonymous readers; store what they may share."""

import hashlib
import logging
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

from ops.compression import chosen_encoding, compress

from .release import release
from .stores import CLOCK_KEY, GENERATION_KEY, store
from .tags import EVERYTHING, collecting
from .versions import marks

logger = logging.getLogger(__name__)

ENCODINGS = ("br", "gzip", "identity")
# Headers the middleware outside this one adds again to every response, and our own.
NOT_STORED = {"content-length", "content-encoding", "etag", "last-modified", "x-page-cache"}


class StoredPage(NamedTuple):
    """A page as kept in the store, one per encoding."""

    generation: int  # the generation when it was rendered or last found true
    clock: int  # the clock when rendering began: any tag above it has changed since
    tag_keys: list  # the store keys of the versions of what it shows
    headers: list  # (name, value) pairs to send again
    body: bytes  # compressed in this entry's encoding
    etag: str
    modified: str  # Last-Modified


class PageCacheMiddleware:
    """Serve stored pages to anonymous readers; store what they may share. Sits after the
    header middleware (so hits still carry the security headers and request id) and before
    sessions, CSRF and authentication (so a hit costs none of them)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.skip_paths = tuple(settings.PAGE_CACHE_SKIP_PATHS)
        self.query_keys = frozenset(settings.PAGE_CACHE_QUERY_KEYS)
        self.private_cookies = (settings.SESSION_COOKIE_NAME, "messages")

    def __call__(self, request):
        key = self.key(request) if settings.PAGE_CACHE_ENABLED else None
        if key is None:
            return self.get_response(request)
        encoding = chosen_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        try:
            pages = store().pinned()
            stored = self.lookup(pages, key, encoding)
            if stored is not None:
                return self.respond(stored, encoding, "hit")
            # Read before the page's data is: a change after this point has a higher
            # version than ``clock`` and counts the generation up.
            generation = pages.get_many([GENERATION_KEY]).get(GENERATION_KEY)
            if generation is None:
                generation = pages.incr(GENERATION_KEY)
            clock = pages.incr(CLOCK_KEY)
        except Exception:  # the cache is down: serve the page as if it did not exist
            logger.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)

        collected = set()
        token = collecting.set(collected)
        try:
            response = self.get_response(request)
        finally:
            collecting.reset(token)
        if not self.shareable(request, response):
            return response
        try:
            return self.store(pages, key, generation, clock, collected, response, encoding)
        except Exception:
            logger.warning("page cache unavailable", exc_info=True)
            return response

    @staticmethod
    def lookup(pages, key, encoding):
        """The stored page, if it is still true. One round trip when nothing has changed
        since the page was rendered or last checked; else its tags are compared too."""
        found = pages.get_many([f"{key}:{encoding}", f"{key}:checked", GENERATION_KEY])
        stored = found.get(f"{key}:{encoding}")
        generation = found.get(GENERATION_KEY)
        if stored is None or generation is None:
            return None
        if generation in (stored.generation, found.get(f"{key}:checked")):
            return stored
        versions = pages.get_many(stored.tag_keys)
        if len(versions) != len(stored.tag_keys) or max(versions.values()) > stored.clock:
            return None
        # Nothing it shows has changed up to ``generation`` (read before the versions).
        pages.set_many({f"{key}:checked": generation}, timeout=settings.PAGE_CACHE_SECONDS)
        return stored

    def key(self, request):
        """The cache key of a request that may be served from the cache, else None."""
        if request.method != "GET" or request.path.startswith(self.skip_paths):
            return None
        cookies = request.COOKIES
        if any(name in cookies for name in self.private_cookies):
            return None
        if "HTTP_AUTHORIZATION" in request.META:
            return None
        query = request.GET
        if query and not (
            query.keys() <= self.query_keys
            and all(len(values) == 1 and len(values[0]) <= 100 for _, values in query.lists())
        ):
            return None  # unknown parameters would let anyone fill the cache
        try:
            host = request.get_host()
        except Exception:  # DisallowedHost: let Django answer it
            return None
        where = f"{request.scheme}://{host}{request.path}?{sorted(query.items())}"
        try:
            # Read before the page's data is: a mark committed after this is a new key.
            epoch = marks()
        except DatabaseError:
            return None  # neither the database nor a count read before: do not cache
        return f"pc:{release()}:{epoch}:{hashlib.sha1(where.encode()).hexdigest()}"

    def shareable(self, request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if getattr(request, "page_cache_skip", False) or response.has_header("Content-Encoding"):
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds a CSRF token
            return False
        if getattr(request, "_csp_nonce", None):  # a nonce is good for one response only
            return False
        control = response.get("Cache-Control", "").lower()
        if any(word in control for word in ("private", "no-store", "no-cache", "max-age=0")):
            return False
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
        return vary <= {"cookie", "accept-encoding"}

    def store(self, pages, key, generation, clock, collected, response, encoding):
        tag_keys = [f"pt:{tag}" for tag in sorted(collected | {EVERYTHING})]
        versions = pages.get_many(tag_keys)
        if versions and max(versions.values()) > clock:
            return response  # changed while it was rendered: serve it, keep nothing
        for missing in set(tag_keys) - versions.keys():
            pages.add(missing, clock)
        patch_vary_headers(response, ("Accept-Encoding",))
        headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_STORED]
        body = response.content
        etag = f'W/"{hashlib.sha1(body).hexdigest()[:24]}"'
        modified = http_date()
        entries = {
            f"{key}:{name}": StoredPage(
                generation, clock, tag_keys, headers, compress(body, name), etag, modified
            )
            for name in ENCODINGS
        }
        pages.set_many(entries, timeout=settings.PAGE_CACHE_SECONDS)
        return self.respond(entries[f"{key}:{encoding}"], encoding, "miss")

    @staticmethod
    def respond(page, encoding, outcome):
        response = HttpResponse(page.body)
        for name, value in page.headers:
            response.headers[name] = value
        if encoding != "identity":
            response.headers["Content-Encoding"] = encoding
        response.headers["ETag"] = page.etag
        response.headers["Last-Modified"] = page.modified
        # Shared: any browser may keep it, but must ask again each time (a 304 is cheap).
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Page-Cache"] = outcome
        return response
