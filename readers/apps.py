from django.apps import AppConfig
from django.db.models.signals import post_migrate


def start_bulletin_planners(sender, **kwargs):
    """After every migrate (each deployment, and `make run`), the weekly and monthly
    bulletins' planners are queued for the task worker, which runs them: nothing is written
    here but the queued tasks (a database migrated to receive an imported bank stays empty).
    A task backend that cannot run a task later (the tests' immediate one) has no planner."""
    from django.tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return
    from .tasks import start_planners

    start_planners.enqueue()


class ReadersConfig(AppConfig):
    name = "readers"
    verbose_name = "Readers and bulletins"

    def ready(self):
        post_migrate.connect(start_bulletin_planners, sender=self)
