from django.apps import AppConfig
from django.db.models.signals import post_migrate


def restart_daily_runs(sender, **kwargs):
    """After each migrate (a deployment), the daily run is queued again if scheduling is on,
    so a restored or moved database does not leave the watches stopped. A task backend that
    cannot run a task later (the tests' immediate one) has no schedule to keep."""
    from django.tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return
    from .tasks import schedule_daily_runs

    schedule_daily_runs()


class WatchConfig(AppConfig):
    name = "watch"
    verbose_name = "Living evidence"

    def ready(self):
        post_migrate.connect(restart_daily_runs, sender=self)
