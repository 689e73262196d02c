"""Redis that degrades instead of breaking: short timeouts, no retries, and a circuit breaker.

Every connection to Redis, the page store's and Django's cache's (``OPTIONS: pool_class``),
comes from ``GuardedPool``. Connecting waits at most ``REDIS_CONNECT_TIMEOUT`` seconds and a
reply ``REDIS_TIMEOUT``. After a failure this process stops asking that server for
``REDIS_RETRY_SECONDS`` (callers get ``RedisUnavailable`` at once); then one request tries
again, and the first reply closes the breaker. So a Redis that is down or hangs costs each
process one timeout per pause, not one per request.

Each connection also learns the server's ``run_id`` when it connects: it changes when Redis
restarts, so the page store can tell a restarted Redis (perhaps reloaded from an old snapshot)
from the one it wrote to.
"""

import logging
import threading
import time

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.retry import Retry

logger = logging.getLogger(__name__)


class RedisUnavailable(redis.ConnectionError):
    """Not asked: the breaker is open after a recent failure."""


# What a cache call raises when the cache cannot answer (Redis, or a cache's files).
CACHE_ERRORS = (redis.RedisError, OSError)


class Breaker:
    """One server's state in this process: closed (ask it), open until a time (do not), or
    one thread's trial once the pause is over."""

    def __init__(self, name):
        self.name = name
        self.open_until = 0.0
        self.trial = None  # the thread trying again after the pause
        self._lock = threading.Lock()

    def check(self):
        if not self.open_until:
            return
        with self._lock:
            if self.trial == threading.get_ident():
                return
            now = time.monotonic()
            if now < self.open_until:
                raise RedisUnavailable(f"Redis at {self.name} failed recently; not asked")
            # The pause is over: this thread tries; the others are refused until it knows.
            self.trial = threading.get_ident()
            self.open_until = now + settings.REDIS_RETRY_SECONDS

    def failed(self, error):
        global _failures
        with self._lock:
            first = not self.open_until
            self.open_until = time.monotonic() + settings.REDIS_RETRY_SECONDS
            self.trial = None
            _failures += 1
        if first:
            logger.warning(
                "Redis at %s failed (%s): not asked for %s s",
                self.name,
                error.__class__.__name__,
                settings.REDIS_RETRY_SECONDS,
            )

    def succeeded(self):
        if self.open_until:
            with self._lock:
                self.open_until, self.trial = 0.0, None
            logger.warning("Redis at %s answers again", self.name)


_breakers = {}
_failures = 0


def breaker(name):
    if name not in _breakers:
        _breakers.setdefault(name, Breaker(name))
    return _breakers[name]


def failures():
    """How many times any Redis has failed in this process (it only grows)."""
    return _failures


def reset():
    """Close every breaker (tests)."""
    _breakers.clear()


TRIPPING = (redis.ConnectionError, redis.TimeoutError, OSError)


class Guarded:
    """Mixed into redis-py's connection classes: consults the breaker before each command,
    trips it on a connection error or timeout, and records the server's run_id."""

    run_id = ""

    @property
    def breaker(self):
        where = getattr(self, "path", None) or f"{self.host}:{self.port}"
        return breaker(where)

    def connect(self):
        self.breaker.check()
        try:
            return super().connect()
        except RedisUnavailable:
            raise
        except TRIPPING as error:
            self.breaker.failed(error)
            raise

    def on_connect_check_health(self, check_health=True):
        super().on_connect_check_health(check_health=check_health)
        try:
            self.send_command("INFO", "server", check_health=False)
            info = self.read_response()
        except redis.ResponseError:  # INFO refused (a managed Redis may rename it)
            self.run_id = ""
            return
        text = info.decode() if isinstance(info, bytes) else str(info)
        self.run_id = next(
            (line[7:].strip() for line in text.splitlines() if line.startswith("run_id:")), ""
        )

    def send_packed_command(self, command, check_health=True):
        self.breaker.check()
        try:
            return super().send_packed_command(command, check_health=check_health)
        except TRIPPING as error:
            self.breaker.failed(error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            response = super().read_response(*args, **kwargs)
        except TRIPPING as error:
            self.breaker.failed(error)
            raise
        self.breaker.succeeded()
        return response


class GuardedConnection(Guarded, Connection):
    pass


class GuardedSSLConnection(Guarded, SSLConnection):
    pass


class GuardedUnixConnection(Guarded, UnixDomainSocketConnection):
    pass


GUARDED = {
    Connection: GuardedConnection,
    SSLConnection: GuardedSSLConnection,
    UnixDomainSocketConnection: GuardedUnixConnection,
}


class GuardedPool(redis.ConnectionPool):
    """A connection pool whose connections time out quickly, never retry, and stop asking a
    failed server for a while (``CACHES[...]["OPTIONS"]["pool_class"]``)."""

    @classmethod
    def from_url(cls, url, **kwargs):
        kwargs.setdefault("socket_connect_timeout", settings.REDIS_CONNECT_TIMEOUT)
        kwargs.setdefault("socket_timeout", settings.REDIS_TIMEOUT)
        # One try: the breaker, not a retry loop, decides when to ask again.
        kwargs.setdefault("retry", Retry(NoBackoff(), 0))
        pool = super().from_url(url, **kwargs)
        pool.connection_class = GUARDED.get(pool.connection_class, pool.connection_class)
        return pool
