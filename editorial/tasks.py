"""Background work run by the django-tasks-db worker (``manage.py db_worker``)."""

from django.db import transaction
from django.tasks import task


@task()
def publish_scheduled():
    """Publish everything whose time has come (idempotent: a late or repeated run is fine)."""
    from .publishing import publish_due

    return [str(obj) for obj in publish_due()]


def schedule_publication(when):
    """Run ``publish_scheduled`` at ``when``, once the current transaction commits."""
    if not publish_scheduled.get_backend().supports_defer:
        return  # the test backend runs at once; tests call publish_due() themselves

    transaction.on_commit(lambda: publish_scheduled.using(run_after=when).enqueue())
