"""Dropping stored pages: a tag's version moves after a change; when the cache cannot be
reached, a mark in the database drops every page instead."""

import logging
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from .stores import store
from .tags import EVERYTHING

logger = logging.getLogger(__name__)


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
    from ops import redis as guarded

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
