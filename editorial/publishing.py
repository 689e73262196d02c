"""Publishing at a set time: what is due, and publishing it."""

import reversion
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from . import services
from .visibility import Workflow


def scheduled_models():
    return [m for m in apps.get_models() if issubclass(m, Workflow)]


def due(now=None):
    """Everything whose publication time has come and that is not yet published."""
    now = now or timezone.now()
    for model in scheduled_models():
        yield from model._default_manager.filter(publish_at__lte=now).exclude(
            status=Workflow.Status.PUBLISHED
        )


def publish_due(now=None):
    """Publish what is due, each in its own transaction and revision; return what was."""
    published = []
    for obj in list(due(now)):
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment("Published at its scheduled time.")
            services.publish(obj, editor=None)
            reversion.add_to_revision(obj)
        published.append(obj)
    return published
