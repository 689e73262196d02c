"""The task worker's heartbeat, which /healthz reads."""

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone


@task()
def heartbeat():
    """Runs every HEALTH_HEARTBEAT_SECONDS on a worker: its finishing time is the heartbeat."""
    if heartbeat.get_backend().supports_defer:
        later = timezone.now() + timedelta(seconds=settings.HEALTH_HEARTBEAT_SECONDS)
        heartbeat.using(run_after=later).enqueue()
    return timezone.now().isoformat()
