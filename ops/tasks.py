"""The task worker's heartbeat: a task that runs every HEALTH_HEARTBEAT_SECONDS and queues the
next, so the last one's finishing time says the worker is taking and finishing tasks.

The worker keeps the chain going itself (ops/management/commands/db_worker.py calls
``ensure_heartbeat`` when it starts, after it gets the database back, and when a heartbeat
failed); nothing on the web side writes it, and /healthz/worker and ``manage.py
check_worker`` only read it (``heartbeat_age``).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

HEARTBEAT_PATH = "ops.tasks.heartbeat"
# Heartbeats older than this are deleted as new ones run (a row every 30 s adds up).
KEEP_FINISHED = timedelta(days=1)


def _results():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=HEARTBEAT_PATH)


def ensure_heartbeat():
    """Queue a heartbeat to run now unless one is already waiting; True if it queued one.

    Only a waiting (READY) heartbeat counts: one left RUNNING by a worker killed or cut off
    from the database mid-task never finishes, and must not stop the chain starting again."""
    if _results().filter(status="READY").exists():
        return False
    heartbeat.enqueue()
    return True


def heartbeat_age():
    """Seconds since a worker last finished a heartbeat; None if none ever has. Reads only."""
    finished = (
        _results()
        .filter(status="SUCCESSFUL", finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    return None if finished is None else (timezone.now() - finished).total_seconds()


@task()
def heartbeat():
    """Runs on a worker: its finishing time is the heartbeat. Queues the next one unless
    another is already waiting, so two chains (two workers starting at once) become one."""
    if heartbeat.get_backend().supports_defer:
        results = _results()
        if not results.filter(status="READY").exists():
            later = timezone.now() + timedelta(seconds=settings.HEALTH_HEARTBEAT_SECONDS)
            heartbeat.using(run_after=later).enqueue()
        old = timezone.now() - KEEP_FINISHED
        # Finished ones, and any a killed worker left RUNNING.
        results.filter(Q(finished_at__lt=old) | Q(status="RUNNING", started_at__lt=old)).delete()
    return timezone.now().isoformat()
