"""Where stored pages are kept: any Django cache (memory in tests, files on one machine), or
Redis through redis-py directly."""

import copy
import pickle
import time

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from redis import exceptions as redis_errors

CLOCK_KEY = "clock"
GENERATION_KEY = "generation"  # counts bumps: unchanged since a check, nothing has moved


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
        from ops.redis import GuardedPool

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
