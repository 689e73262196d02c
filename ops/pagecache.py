"""Whole pages for anonymous readers, kept in the cache and dropped the moment they go stale.

How a page knows what it shows: while a cacheable request is rendered, every instance of a
content model that is loaded (``post_init``) adds a tag, ``"studies.document:42"``, to the
request's set; views that list rows they did not reach through a loaded object (the newest
documents, every topic) add ``"list:studies.document"`` with ``shows_lists``. The page is
stored with those tags and the cache clock's value when rendering began.

How a page goes stale: saving, deleting or re-rendering a content object moves the version of
its tag, and of the tags of the rows its foreign keys point at, before and after the change
(so a new entry drops its cell's pages, and a moved one drops both cells'). Creating or
deleting one, or publishing or hiding it, moves its list tag too, and a visibility change
moves the tags of every row that points at it (a document's entries, and through them their
cells). A stored page is served only while every one of its tags is at or below the clock
value it was rendered at; a missing tag (evicted) counts as changed.

Versions come from one counter in the cache (atomic in Redis), read before the page's data
is read, and bumped after the change is committed (and once at once, for the same process
and for tests, whose transactions never commit): a page rendered from data older than a
change can never outlive it.

When the cache cannot be reached (Redis down, hanging, or the breaker in ``ops/redis.py``
open): pages are served uncached, and a change whose pages could not be dropped writes a mark
in the database instead (``PageCacheMark``), in the change's transaction, so the save
succeeds. The number of marks is part of every page's key, and each process reads it at most
a second apart and again after any failure, so pages stored before the mark are never served
again, by any process, once a second has passed. In Redis every key is also under the
server's ``run_id``: a Redis restarted from an old snapshot starts an empty set of pages,
whose invalidations it may have lost.

Never stored: anything but a plain 200 to a GET without a session or message cookie; a
response that set a cookie, used the CSRF token or a CSP nonce, or asked not to be cached;
and the paths in ``PAGE_CACHE_SKIP_PATHS``. So no reader gets another's token or session.
"""

import contextvars
import copy
import functools
import gzip
import hashlib
import logging
import pickle
import time
from pathlib import Path

import brotli
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from redis import exceptions as redis_errors

logger = logging.getLogger(__name__)

CLOCK_KEY = "clock"
GENERATION_KEY = "generation"  # counts bumps: unchanged since a check, nothing has moved
EVERYTHING = "*"  # a tag on every page: bumped by bulk loads and restores
ENCODINGS = ("br", "gzip", "identity")
# Headers the middleware outside this one adds again to every response, and our own.
NOT_STORED = {"content-length", "content-encoding", "etag", "last-modified", "x-page-cache"}

_collecting = contextvars.ContextVar("page_cache_tags", default=None)


class DjangoCacheStore:
    """The page cache in any Django cache (memory in tests, files on one machine)."""

    def __init__(self, alias):
        self.cache = caches[alias]

    def pinned(self):
        return self

    def get_many(self, keys):
        return self.cache.get_many(keys)

    def set_many(self, mapping, timeout):
        self.cache.set_many(mapping, timeout=timeout)

    def add(self, key, value):
        self.cache.add(key, value, timeout=None)

    def incr(self, key):
        try:
            return self.cache.incr(key)
        except ValueError:  # the first time, or the cache was emptied
            self.cache.add(key, counter_start(), timeout=None)
            return self.cache.incr(key)

    def bump(self, tags):
        self.set_many({f"pt:{tag}": self.incr(CLOCK_KEY) for tag in tags}, timeout=None)
        # After the tags: a reader who sees the generation unchanged has seen these versions.
        self.incr(GENERATION_KEY)


class RedisRestarted(redis_errors.RedisError):
    """The Redis a request began with was replaced (restarted) before it ended."""


# Every tag takes the clock's next value, then the generation moves: in one step, so a tag
# can never be set from one server's clock on another.
BUMP = """
for _, key in ipairs({KEYS[1], KEYS[2]}) do
  if redis.call('EXISTS', key) == 0 then redis.call('SET', key, ARGV[1]) end
end
local version = redis.call('INCR', KEYS[1])
for i = 3, #KEYS do redis.call('SET', KEYS[i], version) end
return redis.call('INCR', KEYS[2])
"""


class RedisStore:
    """The page cache in Redis, through redis-py's connections directly: a stored page is
    served with one MGET, without the Django cache layer's per-call client set-up (a third of
    a hit's time). Counters are stored as digits (INCR is atomic), everything else pickled.

    Keys are under the run_id of the server the connection reached (``ops/redis.py``), read
    on the connection each command goes out on; a ``pinned()`` store, one request's, refuses
    to go on when that changes, so nothing read from one run of Redis is written to the next.
    """

    def __init__(self, url, prefix):
        from .redis import GuardedPool

        self.pool = GuardedPool.from_url(url)
        self.prefix = f"{prefix}:pc:"
        self.run_id = None
        self.pinning = False

    def pinned(self):
        pinned = copy.copy(self)
        pinned.pinning = True
        return pinned

    def _run(self, commands):
        """Send ``commands(prefix)`` in one round trip; their replies."""
        conn = self.pool.get_connection()
        try:
            if self.run_id is not None and conn.run_id != self.run_id:
                raise RedisRestarted("Redis was restarted during this request")
            sent = commands(f"{self.prefix}{conn.run_id}:")
            conn.send_packed_command(conn.pack_commands(sent))
            replies = [conn.read_response() for _ in sent]
        except BaseException:
            conn.disconnect()  # a reply may be left unread
            raise
        finally:
            self.pool.release(conn)
        if self.pinning:
            self.run_id = conn.run_id
        return replies

    def get_many(self, keys):
        if not keys:
            return {}
        (values,) = self._run(lambda prefix: [("MGET", *(prefix + key for key in keys))])
        return {
            key: _loads(value) for key, value in zip(keys, values, strict=True) if value is not None
        }

    def set_many(self, mapping, timeout):
        def commands(prefix):
            expiry = () if timeout is None else ("EX", timeout)
            return [("SET", prefix + key, _dumps(value), *expiry) for key, value in mapping.items()]

        if mapping:
            self._run(commands)

    def add(self, key, value):
        self._run(lambda prefix: [("SET", prefix + key, _dumps(value), "NX")])

    def incr(self, key):
        # SET NX then INCR: whatever else runs between them, the counter starts once.
        _, value = self._run(
            lambda prefix: [("SET", prefix + key, counter_start(), "NX"), ("INCR", prefix + key)]
        )
        return value

    def bump(self, tags):
        keys = [CLOCK_KEY, GENERATION_KEY, *(f"pt:{tag}" for tag in tags)]
        self._run(
            lambda prefix: [
                ("EVAL", BUMP, len(keys), *(prefix + key for key in keys), counter_start())
            ]
        )


def counter_start():
    """Where a counter starts: microseconds since 1970, so a counter lost (evicted, the cache
    emptied) starts again above every value it ever had, and no old page can match it."""
    return time.time_ns() // 1000


def _dumps(value):
    return str(value).encode() if type(value) is int else pickle.dumps(value, protocol=5)


def _loads(data):
    return pickle.loads(data) if data[:1] == b"\x80" else int(data)


_stores = {}


def store():
    """This process's page store, from the cache alias ``PAGE_CACHE_ALIAS``."""
    alias = settings.PAGE_CACHE_ALIAS
    if alias not in _stores:
        config = settings.CACHES[alias]
        if config["BACKEND"].endswith("RedisCache"):
            location = config["LOCATION"]
            location = location if isinstance(location, str) else location[0]
            _stores[alias] = RedisStore(location, config.get("KEY_PREFIX", ""))
        else:
            _stores[alias] = DjangoCacheStore(alias)
    return _stores[alias]


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting in ("CACHES", "PAGE_CACHE_ALIAS"):
        _stores.clear()


def label_of(model):
    """A proxy's rows are its concrete model's (a subject is a taggit tag)."""
    return model._meta.concrete_model._meta.label_lower


def tag_for(instance):
    return f"{label_of(type(instance))}:{instance.pk}"


def list_tag(model):
    label = model.lower() if isinstance(model, str) else label_of(model)
    return f"list:{label}"


# Collecting what a page shows ----------------------------------------------------------


def note(*tags):
    """Add tags to the page being rendered, if one is."""
    collected = _collecting.get()
    if collected is not None:
        collected.update(tags)


def shows_lists(*models):
    """A view showing rows of ``models`` it did not reach through a loaded object (the newest
    documents, every topic) is dropped when one is added, deleted, published or hidden."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            note(*(list_tag(model) for model in models))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def uncached(view):
    """A view whose page must never be stored (it depends on the hour, say)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request.page_cache_skip = True
        return view(request, *args, **kwargs)

    return wrapped


# Versions ------------------------------------------------------------------------------


def _bump(tags):
    """Move the tags' versions; False if the cache could not be reached."""
    try:
        store().bump(tags)
    except Exception:  # noqa: BLE001 - whatever the cache's failure, the save goes on
        logger.warning("page cache unavailable: marking instead", exc_info=True)
        return False
    return True


def invalidate(tags):
    """Drop every stored page showing any of ``tags``: now, and again once the change is
    committed (a page rendered in between, from the old rows, must not survive it). When the
    cache cannot be reached, a mark in the database drops every page instead."""
    tags = set(tags)
    if not tags or not settings.PAGE_CACHE_ENABLED:
        return
    if not _bump(tags):
        mark(f"could not drop {len(tags)} tag(s), e.g. {min(tags)}")
        return  # the mark commits with the change: nothing more to do at commit
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(tags) or mark(f"could not drop {min(tags)}"))


def forget_everything():
    """Drop every stored page (after a bulk load, an import or a restore)."""
    invalidate({EVERYTHING})


# Marks: changes whose pages could not be dropped -----------------------------------------

MARKS_SECONDS = 1.0  # how old this process's count of the marks may be


class _Marks:
    count = None  # as last read by this process
    read_at = 0.0
    failures = -1  # ops.redis.failures() when it was read


_marks = _Marks()


def _committed_mark():
    """Stands in the transaction's on-commit list while it holds a mark (see ``mark``)."""


def mark(reason):
    """Record that some pages could not be dropped, in the current transaction when there
    is one (so it commits with the change or not at all): once in each transaction."""
    from .models import PageCacheMark

    atomic = transaction.get_connection().in_atomic_block
    # Django forgets the callbacks of a savepoint rolled back, with that savepoint's mark.
    if atomic and any(f is _committed_mark for _, f, _ in connection.run_on_commit):
        return
    PageCacheMark.objects.create(reason=reason[:200])
    if atomic:
        transaction.on_commit(_committed_mark)
    _marks.count = None  # this process reads it before it next uses the cache


def forget_marks():
    """Read the count again before the next page (tests, whose marks are rolled back)."""
    _marks.count = None


def marks():
    """How many marks there are: part of every page's key. Read at most ``MARKS_SECONDS``
    apart, and again after any Redis failure in this process, with one small query that is
    not the page's (so it is not counted with the page's queries)."""
    from . import redis as guarded
    from .models import PageCacheMark

    now, failures = time.monotonic(), guarded.failures()
    if _marks.count is not None and _marks.failures == failures:
        if now - _marks.read_at < MARKS_SECONDS:
            return _marks.count
    try:
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        try:
            cursor.execute(f"SELECT COUNT(*) FROM {PageCacheMark._meta.db_table}")
            count = cursor.fetchone()[0]
        finally:
            cursor.close()
    except DatabaseError:
        # The database is away: no change can commit without it, so the count read last
        # still holds. Asked again in a second.
        _marks.read_at = now
        if _marks.count is None:
            raise
        return _marks.count
    _marks.count, _marks.read_at, _marks.failures = count, now, failures
    return count


# Which rows a change touches -------------------------------------------------------------


@functools.cache
def tracked_models():
    """The models whose rows pages show, from ``PAGE_CACHE_CONTENT`` (app labels, or
    ``app.model`` for one model of an app)."""
    found = []
    for name in settings.PAGE_CACHE_CONTENT:
        if "." in name:
            found.append(apps.get_model(name))
        else:
            found.extend(apps.get_app_config(name).get_models())
    # Proxies of those models, wherever they are defined, load the same rows.
    found += [
        model
        for model in apps.get_models()
        if model._meta.proxy and model._meta.concrete_model in found and model not in found
    ]
    return tuple(found)


@functools.cache
def _pointers(model):
    """(foreign key attnames with the target's label), (generic keys) of ``model``."""
    keys = [
        (field.attname, label_of(field.related_model))
        for field in model._meta.concrete_fields
        if field.many_to_one or field.one_to_one
        if field.target_field.primary_key
    ]
    generic = [
        (field.ct_field + "_id", field.fk_field)
        for field in model._meta.private_fields
        if isinstance(field, GenericForeignKey)
    ]
    return keys, generic


def _pointed_at(instance):
    # Read from __dict__: a deferred field must not cost a query per loaded row.
    values = instance.__dict__
    keys, generic = _pointers(type(instance))
    found = {f"{label}:{value}" for attname, label in keys if (value := values.get(attname))}
    for ct_attname, fk_attname in generic:
        ct_id, object_id = values.get(ct_attname), values.get(fk_attname)
        if ct_id and object_id is not None:
            model = ContentType.objects.get_for_id(ct_id).model_class()
            if model is not None:
                found.add(f"{label_of(model)}:{object_id}")
    return found


def _seen(sender, instance, **kwargs):
    # Remember where the row pointed when loaded, so a change of parent drops both parents.
    instance._page_cache_pointed = _pointed_at(instance) if instance.pk is not None else set()
    if instance.pk is not None:
        note(tag_for(instance))


def _saved(sender, instance, created=False, **kwargs):
    tags = {tag_for(instance)} | _pointed_at(instance)
    tags |= getattr(instance, "_page_cache_pointed", set())
    if created:
        tags.add(list_tag(sender))
    instance._page_cache_pointed = _pointed_at(instance)
    invalidate(tags)


def _deleted(sender, instance, **kwargs):
    tags = {tag_for(instance), list_tag(sender)} | _pointed_at(instance)
    invalidate(tags | getattr(instance, "_page_cache_pointed", set()))


def _related_changed(sender, instance, action, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    tracked = tracked_models()
    tags = {tag_for(instance)} if isinstance(instance, tracked) else set()
    if model in tracked:
        tags |= {f"{label_of(model)}:{pk}" for pk in pk_set or ()}
    invalidate(tags)


def _visibility_changed(sender, instance, **kwargs):
    """Published or hidden: lists change, and so does every page that reaches it through a
    row pointing at it, which did not load it while it was hidden (an entry's cell)."""
    if not isinstance(instance, tracked_models()):
        return
    tracked = tracked_models()
    tags = {tag_for(instance), list_tag(sender)}
    for relation in sender._meta.related_objects:
        if not issubclass(relation.related_model, tracked):
            continue
        rows = relation.related_model._default_manager.filter(**{relation.field.name: instance})
        for row in rows.iterator():
            tags |= {tag_for(row)} | _pointed_at(row)
    content_type = ContentType.objects.get_for_model(sender)
    for model in tracked:
        for field in model._meta.private_fields:
            if isinstance(field, GenericForeignKey):
                rows = model._default_manager.filter(
                    **{field.ct_field: content_type, field.fk_field: instance.pk}
                )
                for row in rows.iterator():
                    tags |= {tag_for(row)} | _pointed_at(row)
    invalidate(tags)


def _content_changed(sender, instance, listed=False, **kwargs):
    """Stored HTML or state written without ``save()`` (texts rendered again, a bulletin
    marked sent)."""
    if isinstance(instance, tracked_models()):
        invalidate({tag_for(instance)} | ({list_tag(sender)} if listed else set()))


def connect():
    """Called from OpsConfig.ready()."""
    from editorial.signals import content_changed, visibility_changed

    for model in tracked_models():
        uid = f"page_cache:{model._meta.label_lower}"
        post_init.connect(_seen, sender=model, dispatch_uid=uid)
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    m2m_changed.connect(_related_changed, dispatch_uid="page_cache")
    visibility_changed.connect(_visibility_changed, dispatch_uid="page_cache")
    content_changed.connect(_content_changed, dispatch_uid="page_cache")


# The code and templates a page was rendered with ----------------------------------------


@functools.cache
def release():
    """A digest of the code, templates and static manifest: a deploy starts a fresh set of
    pages without anyone clearing anything. ``PAGE_CACHE_RELEASE`` overrides it."""
    if settings.PAGE_CACHE_RELEASE:
        return settings.PAGE_CACHE_RELEASE
    digest = hashlib.sha1()
    base = Path(settings.BASE_DIR)
    folders = {base / "templates", base / "static", base / "config"}
    folders |= {
        Path(app.path)
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(base) and ".venv" not in Path(app.path).parts
    }
    for path in sorted(p for folder in folders for p in folder.rglob("*") if p.is_file()):
        if "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:12]


# The middleware ------------------------------------------------------------------------


def chosen_encoding(accept):
    """br, gzip or identity, from an Accept-Encoding header (q=0 refuses one)."""
    offered = {}
    for part in accept.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = params.strip()
        refused = quality.startswith("q=") and quality[2:].strip() in {"0", "0.0", "0.00", "0.000"}
        offered[name.strip()] = not refused
    for name in ("br", "gzip"):
        if offered.get(name, offered.get("*", False)):
            return name
    return "identity"


def compress(body, encoding, quality=None):
    if encoding == "br":
        return brotli.compress(body, quality=8 if quality is None else quality)
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=6 if quality is None else quality, mtime=0)
    return body


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
                _, _, _, headers, body, etag, modified = stored
                return self.respond(headers, body, encoding, etag, modified, "hit")
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
        token = _collecting.set(collected)
        try:
            response = self.get_response(request)
        finally:
            _collecting.reset(token)
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
        if generation in (stored[0], found.get(f"{key}:checked")):
            return stored
        clock, tag_keys = stored[1], stored[2]
        versions = pages.get_many(tag_keys)
        if len(versions) != len(tag_keys) or max(versions.values()) > clock:
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
            f"{key}:{name}": (
                generation,
                clock,
                tag_keys,
                headers,
                compress(body, name),
                etag,
                modified,
            )
            for name in ENCODINGS
        }
        pages.set_many(entries, timeout=settings.PAGE_CACHE_SECONDS)
        return self.respond(headers, entries[f"{key}:{encoding}"][4], encoding, etag, modified,
                            "miss")  # fmt: skip

    @staticmethod
    def respond(headers, body, encoding, etag, modified, outcome):
        response = HttpResponse(body)
        for name, value in headers:
            response.headers[name] = value
        if encoding != "identity":
            response.headers["Content-Encoding"] = encoding
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = modified
        # Shared: any browser may keep it, but must ask again each time (a 304 is cheap).
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Page-Cache"] = outcome
        return response
