"""Health checks, one for each thing that is restarted on its own.

``/healthz`` is the web tier's, for a load balancer: it answers 503 only when this server
cannot reach the database, the one thing it cannot serve without. A cache that is down is
200 "degraded" (the site serves uncached then, ops/redis.py), and the task worker is reported
but never fails it: a stopped worker must not take every web server out of rotation.

``/healthz/worker`` and ``manage.py check_worker`` are the task worker's, for whatever
supervises it: 503 (exit 1) when no heartbeat has finished within HEALTH_WORKER_MAX_AGE.

Every probe only reads. A probe that wrote (a row, a cache key) would cost a write per
probe, and concurrent probes writing one shared key read each other's values and disagreed.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .tasks import heartbeat_age

# Read, never written: a miss still proves the cache answered.
CACHE_PROBE_KEY = "healthz-probe"


def _select_one():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_database():
    """Raises unless the database answers. A kept connection (CONN_MAX_AGE) that died with a
    database restart is not a database that is down: it is closed and the question asked
    once more on a new one, so the first probe after the database is back says so."""
    try:
        _select_one()
    except DatabaseError:
        try:
            connection.close()
        except DatabaseError:
            pass  # already broken; closing still forgets it
        _select_one()


def check_cache():
    cache.get(CACHE_PROBE_KEY)


def worker_report():
    """The worker's heartbeat: (report, fresh). Raises if the database cannot be read."""
    age = heartbeat_age()
    fresh = age is not None and age <= settings.HEALTH_WORKER_MAX_AGE
    return {"heartbeat_age_seconds": age, "ok": fresh}, fresh


def _failure(exc):
    return exc.__class__.__name__


@never_cache
def healthz(request):
    report = {}
    try:
        check_database()
        report["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        report["database"] = f"down: {_failure(exc)}"
    try:
        check_cache()
        report["cache"] = "ok"
    except Exception as exc:  # noqa: BLE001
        report["cache"] = f"down: {_failure(exc)}"
    if report["database"] == "ok":
        try:
            report["worker"] = worker_report()[0]
        except Exception as exc:  # noqa: BLE001
            report["worker"] = f"unknown: {_failure(exc)}"
    else:
        report["worker"] = "unknown: database down"
    if report["database"] != "ok":
        report["status"], status = "unhealthy", 503
    elif report["cache"] != "ok":
        report["status"], status = "degraded", 200
    else:
        report["status"], status = "ok", 200
    return JsonResponse(report, status=status)


@never_cache
def healthz_worker(request):
    try:
        check_database()
        worker, fresh = worker_report()
    except Exception as exc:  # noqa: BLE001
        worker, fresh = f"unknown: {_failure(exc)}", False
    report = {"worker": worker, "status": "ok" if fresh else "stale"}
    return JsonResponse(report, status=200 if fresh else 503)
