"""Readers' refresher: a change readers may see starts the automatic mailings, once it is
committed: the "as it happens" bulletin (a few minutes later) and, for a Matrix Bite, the
cell's followers' release email."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from editorial.models import Change

from .tasks import release_bite, send_immediate_bulletin


def start_mailings(writes):
    for write in writes:
        change = write.instance
        if isinstance(change, Change) and write.created and change.public:
            transaction.on_commit(lambda change=change: _enqueue(change))


def _enqueue(change):
    if change.bite:
        release_bite.enqueue(change.pk)
    if send_immediate_bulletin.get_backend().supports_defer:
        later = timezone.now() + timedelta(seconds=settings.READERS_IMMEDIATE_DELAY)
        send_immediate_bulletin.using(run_after=later).enqueue()
