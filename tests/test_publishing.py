"""Scheduled publication: the worker `make run` starts publishes a draft at its set time."""

import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone
from reversion.models import Version

from config.test_settings import DATABASE_TASKS
from editorial.models import Change
from editorial.publishing import publish_due
from studies.models import Document
from tests.factories import make_document
from tests.workers import ROOT, wait_for, worker_env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_the_worker_runsite_starts_publishes_a_draft_at_its_time(settings):
    settings.TASKS = DATABASE_TASKS
    document = make_document(slug="scheduled", title="Published by the worker", status="draft")
    document.publish_at = timezone.now() + timedelta(seconds=3)
    document.save()
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.count() == 1  # the publication is queued for its time

    site = subprocess.Popen(
        [sys.executable, "manage.py", "runsite", f"127.0.0.1:{free_port()}"],
        cwd=ROOT,
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        published = wait_for(
            lambda: Document.objects.get(pk=document.pk).status == "published", timeout=60
        )
    finally:
        site.terminate()
        output = site.communicate(timeout=20)[0]
    assert published, output
    assert "Task worker started" in output
    document.refresh_from_db()
    assert document.publish_at is None
    assert document.first_published == timezone.localdate()
    assert Change.objects.about(document).get().kind == "published"
    assert Version.objects.get_for_object(document)[0].revision.comment == (
        "Published at its scheduled time."
    )


@pytest.mark.django_db
def test_nothing_publishes_before_its_time():
    early = make_document(slug="early", status="draft")
    early.publish_at = timezone.now() + timedelta(hours=1)
    early.save()
    due = make_document(slug="due", status="consultation")
    due.publish_at = timezone.now() - timedelta(minutes=1)
    due.save()
    assert [str(d) for d in publish_due()] == [str(due)]
    assert Document.objects.get(slug="early").status == "draft"
    assert Document.objects.get(slug="due").status == "published"
    assert publish_due() == []  # a second run finds nothing more


@pytest.mark.django_db
def test_publish_due_command_for_cron(capsys):
    from django.core.management import call_command

    late = make_document(slug="late", title="Late one", status="draft")
    late.publish_at = timezone.now() - timedelta(minutes=5)
    late.save()
    call_command("publish_due")
    assert "Published document “Late one" in capsys.readouterr().out
