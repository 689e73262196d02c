"""Search cannot starve the site. Every view that runs the search engine (the search page, the
API's search and document listing, search exports and the search feed) is ``guarded``:

- a per-IP rate (``SEARCH_RATE``; over it, 429 with ``Retry-After``). It fails open while the
  cache is down: the cap below, which needs no cache, is what protects the site;
- at most ``SEARCH_CONCURRENCY`` searches at once in each process, never every thread of a
  gunicorn worker (over it, 503 with ``Retry-After`` at once: waiting would hold the thread
  the cap keeps free for pages);
- at most ``SEARCH_MACHINE_CONCURRENCY`` at once on the machine, over all its processes
  (a lock file each in ``SEARCH_SLOTS_DIR``), so searches leave a core for pages; a search
  holding its process's slot waits up to ``MACHINE_WAIT`` seconds for one, then gets 503.
  A slot also rests after each search, so that searches keep it busy for at most
  ``SEARCH_MACHINE_SHARE`` of the time (a search of 60 ms rests 60 ms at 0.5): under a
  flood of searches the search's own CPU and its SQL's leave room for pages on the
  machine's other core as well;
- a time limit on the search's SQL (``SEARCH_TIMEOUT``; over it, 503): PostgreSQL's
  ``statement_timeout`` for each statement, set in a transaction around them; on SQLite a
  progress handler that interrupts the search's statements once the whole search is over it.
"""

import fcntl
import functools
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from ops import ratelimits

from .pages import SearchPage
from .params import SearchParams

BUSY_RETRY_AFTER = 2  # seconds: a search takes tens of milliseconds; a slot frees soon
MACHINE_WAIT = 1.0  # seconds a search may wait for the machine's slot, holding one thread
SQLITE_STEPS = 1_000  # SQLite virtual machine steps between two looks at the clock (some µs)

RATE = (
    429,
    "You have searched very often in the last minute. Please wait a moment and search again.",
)
BUSY = (503, "The search is busy with other searches just now. Please try again in a few seconds.")
SLOW = (
    503,
    "This search took too long and was stopped. Try more particular words, or narrow it with "
    "a filter (a kind of document, or years).",
)


class SearchTimedOut(Exception):
    pass


_slots = {}


def slots():
    """This process's search slots (``SEARCH_CONCURRENCY`` of them)."""
    size = settings.SEARCH_CONCURRENCY
    if size not in _slots:
        _slots[size] = threading.BoundedSemaphore(size)
    return _slots[size]


def machine_slot(wait):
    """One of the machine's ``SEARCH_MACHINE_CONCURRENCY`` search slots: an open lock file
    to give back to ``release_machine_slot``, or None after ``wait`` seconds. The kernel
    frees a slot whose process dies."""
    folder = Path(settings.SEARCH_SLOTS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    while True:
        for number in range(settings.SEARCH_MACHINE_CONCURRENCY):
            held = os.open(folder / f"slot-{number}", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(held)
                continue
            if time.time() >= resting_until(held):
                return held
            release_machine_slot(held)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.01)


def resting_until(held):
    """When the slot's rest after its last search ends (a wall-clock time, written in the
    file by whichever process ran that search); 0 for a slot never used."""
    try:
        return float(os.pread(held, 32, 0) or 0)
    except ValueError:
        return 0.0


def release_machine_slot(held, searched_for=0.0):
    """Give the slot back; after a search of ``searched_for`` seconds it rests so that
    searches use it for at most ``SEARCH_MACHINE_SHARE`` of the time."""
    share = settings.SEARCH_MACHINE_SHARE
    if searched_for > 0 and share < 1:
        rest = searched_for * (1 / share - 1)
        os.pwrite(held, f"{time.time() + rest:<31.6f}".encode(), 0)
    fcntl.flock(held, fcntl.LOCK_UN)
    os.close(held)


@contextmanager
def time_limit(seconds):
    """Stop the SQL run inside the block after ``seconds``: SearchTimedOut."""
    if connection.vendor == "postgresql":
        from psycopg.errors import QueryCanceled

        # savepoint=False: outside a transaction (every request) this is the transaction;
        # inside one, no SAVEPOINT statements are added to the search's.
        raised = None
        with transaction.atomic(savepoint=False):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true)", [f"{int(seconds * 1000)}ms"]
                )
            try:
                yield
            except OperationalError as error:
                if isinstance(error.__cause__, QueryCanceled):
                    raise SearchTimedOut from error
                raise
            except DatabaseError:
                raise
            except Exception as error:  # noqa: BLE001 - raised again below
                # Not the database's fault (Http404 for an unknown export format, say):
                # leave the block normally, as autocommit would have, and raise it after.
                # Raised through a savepoint-less block it would mark an enclosing
                # transaction (a test's, a caller's) as broken for every later query.
                raised = error
        if raised is not None:
            raise raised
        return
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    deadline = time.monotonic() + seconds
    stopped = []

    def over_time():
        if time.monotonic() > deadline:
            stopped.append(True)
            return 1  # interrupts the statement: OperationalError "interrupted"
        return 0

    raw.set_progress_handler(over_time, SQLITE_STEPS)
    try:
        yield
    except OperationalError as error:
        if stopped:
            raise SearchTimedOut from error
        raise
    finally:
        raw.set_progress_handler(None, SQLITE_STEPS)


def guarded(kind):
    """Limit a search view; refusals are a page (``"html"``), JSON (``"json"``, the API's
    ``{"code": …, "message": …}``) or plain text (``"text"``: feeds and exports)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            verdict = ratelimits.check(
                request, "search", "ip", settings.SEARCH_RATE, when_down=ratelimits.OPEN
            )
            if verdict:
                return refusal(request, kind, RATE, verdict.retry_after)
            search_slots = slots()
            if not search_slots.acquire(blocking=False):
                return refusal(request, kind, BUSY, BUSY_RETRY_AFTER)
            try:
                held = machine_slot(MACHINE_WAIT)
                if held is None:
                    return refusal(request, kind, BUSY, BUSY_RETRY_AFTER)
                began = time.monotonic()
                try:
                    with time_limit(settings.SEARCH_TIMEOUT):
                        return view(request, *args, **kwargs)
                finally:
                    release_machine_slot(held, time.monotonic() - began)
            except SearchTimedOut:
                return refusal(request, kind, SLOW)
            finally:
                search_slots.release()

        return wrapped

    return decorator


def refusal(request, kind, reason, retry_after=None):
    status, message = reason
    if kind == "html":
        params = SearchParams.from_query_dict(request.GET)
        page = SearchPage(params=params)
        page.error = message
        context = {"page": page, "params": params, "sorts": {}}
        response = render(request, "search/search.html", context, status=status)
    elif kind == "json":
        # The API's one error shape (api/errors.py): a code for programs, a message for people.
        code = {429: "too_many_requests", 503: "unavailable"}.get(status, "error")
        response = JsonResponse({"code": code, "message": message, "fields": []}, status=status)
    else:
        response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
