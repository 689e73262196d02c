"""Rate limits (django-ratelimit, counted in the cache) and what each does when the cache is
down. Each limit chooses, and docs/production.md (Abuse limits) says why:

- ``OPEN``: allow (the limit is not what protects the site; a cap is, or nothing is at risk);
- ``CLOSED``: refuse, as unavailable for now (what it guards is costly and nothing else
  guards it);
- ``LOCAL``: count in this process's memory instead, until the cache is back (the limit
  still holds, per process: at most ``processes × rate`` in all).
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django_ratelimit.core import get_usage

from .ip import client_ip
from .redis import CACHE_ERRORS

logger = logging.getLogger(__name__)

OPEN, CLOSED, LOCAL = "open", "closed", "local"
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Verdict:
    limited: bool = False  # over the rate: answer 429
    unavailable: bool = False  # the count could not be kept and the limit fails closed: 503
    retry_after: int = 0  # seconds until the count starts again (or to wait for the cache)

    def __bool__(self):
        return self.limited or self.unavailable


def check(request, group, key, rate, when_down):
    """Count this request against ``rate`` (e.g. ``"10/h"``) for ``key`` (``"ip"`` or a
    function of the group and request), and say whether it is over."""
    try:
        usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    except CACHE_ERRORS as error:
        logger.warning(
            "rate limit %s fails %s: the cache is down (%s)",
            group,
            when_down,
            error.__class__.__name__,
        )
        if when_down == OPEN:
            return Verdict()
        if when_down == CLOSED:
            return Verdict(unavailable=True, retry_after=max(1, int(settings.REDIS_RETRY_SECONDS)))
        return _local.check(group, _value(request, group, key), rate)
    if usage is None or not usage["should_limit"]:
        return Verdict()
    return Verdict(limited=True, retry_after=max(1, usage["time_left"]))


def _value(request, group, key):
    return client_ip(request) if key == "ip" else key(group, request)


def split_rate(rate):
    """``"10/h"`` → (10, 3600); ``"5/10m"`` → (5, 600)."""
    count, _, per = rate.partition("/")
    number = per.rstrip("smhd") or "1"
    return int(count), int(number) * PERIODS[per[-1:] if per[-1:] in PERIODS else "s"]


class LocalCounts:
    """Fixed windows counted in this process's memory, while the cache is away."""

    def __init__(self):
        self.counts = {}
        self.lock = threading.Lock()

    def check(self, group, value, rate):
        limit, period = split_rate(rate)
        now = time.time()
        window = int(now // period)
        with self.lock:
            if len(self.counts) > 10_000:  # old windows: forget them all rather than grow
                self.counts = {k: v for k, v in self.counts.items() if k[2] == window}
            key = (group, value, window)
            self.counts[key] = count = self.counts.get(key, 0) + 1
        if count <= limit:
            return Verdict()
        return Verdict(limited=True, retry_after=max(1, int((window + 1) * period - now)))

    def clear(self):
        with self.lock:
            self.counts.clear()


_local = LocalCounts()


def forget_local_counts():
    """Tests: each starts with no count kept in memory."""
    _local.clear()
