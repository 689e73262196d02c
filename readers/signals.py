"""A change readers may see starts the automatic mailings: the "as it happens" bulletin
(a few minutes later) and, for a Matrix Bite, the cell's followers' release email."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from editorial.models import Change

from .tasks import release_bite, send_immediate_bulletin


@receiver(post_save, sender=Change)
def change_recorded(sender, instance, created, **kwargs):
    if not (created and instance.public):
        return

    def enqueue():
        if instance.bite:
            release_bite.enqueue(instance.pk)
        if send_immediate_bulletin.get_backend().supports_defer:
            later = timezone.now() + timedelta(seconds=settings.READERS_IMMEDIATE_DELAY)
            send_immediate_bulletin.using(run_after=later).enqueue()

    transaction.on_commit(enqueue)
