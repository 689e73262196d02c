"""/healthz: the database, the cache, and how long ago the task worker last beat."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .tasks import heartbeat

HEARTBEAT_PATH = "ops.tasks.heartbeat"


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    key, value = "healthz", str(time.time())
    cache.set(key, value, 30)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not keep a value")


def worker_heartbeat_age():
    """Seconds since the worker last finished a heartbeat; None if it never has. Starts the
    heartbeat when none is waiting (a new deployment, or a chain a killed worker broke)."""
    from django_tasks_db.models import DBTaskResult

    results = DBTaskResult.objects.filter(task_path=HEARTBEAT_PATH)
    last = results.filter(status="SUCCESSFUL").order_by("-finished_at").first()
    if not results.filter(status__in=["READY", "RUNNING"]).exists():
        heartbeat.enqueue()
    if last is None or last.finished_at is None:
        return None
    return (timezone.now() - last.finished_at).total_seconds()


@never_cache
def healthz(request):
    report, healthy = {}, True
    for name, check in (("database", check_database), ("cache", check_cache)):
        try:
            check()
            report[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure is the answer
            report[name] = f"down: {exc.__class__.__name__}"
            healthy = False
    try:
        age = worker_heartbeat_age() if report["database"] == "ok" else None
    except Exception as exc:  # noqa: BLE001
        age, report["worker"] = None, f"unknown: {exc.__class__.__name__}"
    else:
        fresh = age is not None and age <= settings.HEALTH_WORKER_MAX_AGE
        report["worker"] = {"heartbeat_age_seconds": age, "ok": fresh}
    if not (isinstance(report.get("worker"), dict) and report["worker"]["ok"]):
        healthy = False
    report["status"] = "ok" if healthy else "unhealthy"
    return JsonResponse(report, status=200 if healthy else 503)
