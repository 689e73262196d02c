"""The sending task, run by the django-tasks-db worker (``manage.py db_worker``)."""

import os
import socket
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone


@task()
def send_outbox():
    """Send what is due. Several workers may run it at once: each claims its own rows."""
    from .sending import outstanding, send_pending

    if outstanding().exists():
        # If this worker dies mid-send, this later run finds its rows once their lease
        # has run out and sends them; if all went well it finds nothing and stops.
        later = timezone.now() + timedelta(seconds=settings.MAIL_LEASE_SECONDS + 2)
        _enqueue_at(later)
    counts = send_pending(f"{socket.gethostname()}:{os.getpid()}")
    from .models import OutboxMessage

    due = OutboxMessage.objects.due(timezone.now())
    if due.exists():
        send_outbox.enqueue()  # the time budget ran out with more to send
    else:
        retry = (
            OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED)
            .order_by("next_attempt_at")
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        if retry is not None:
            _enqueue_at(retry)  # a temporary failure's retry time
    return counts


def _enqueue_at(when):
    if send_outbox.get_backend().supports_defer:
        send_outbox.using(run_after=when).enqueue()
