"""The weekly and monthly bulletins go out by themselves on the editors' schedule: prepared a
notice period before their time (for editors to preview, introduce or hold), sent at their
time by the task worker, unless held or paused."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from config.test_settings import DATABASE_TASKS
from editorial.changes import record
from editorial.models import Change
from readers import schedules
from readers.models import Bulletin, BulletinSchedule, Subscriber
from readers.tasks import send_bulletin
from tests.factories import make_document
from tests.smtp import SMTPServer
from tests.workers import wait_for, worker

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")


def uk(*args):
    return datetime.datetime(*args, tzinfo=UK)


def schedule(frequency="weekly", **fields):
    found, _ = BulletinSchedule.objects.get_or_create(frequency=frequency)
    for name, value in fields.items():
        setattr(found, name, value)
    found.save()
    return found


def queued(task):
    from django_tasks_db.models import DBTaskResult

    return list(
        DBTaskResult.objects.filter(task_path=task.module_path, status="READY").order_by(
            "run_after"
        )
    )


def test_the_migration_makes_a_weekly_and_a_monthly_schedule_going_by_themselves():
    from importlib import import_module

    from django.apps import apps

    # Run again on an empty table (a test that commits for real empties it afterwards).
    BulletinSchedule.objects.all().delete()
    import_module("readers.migrations.0002_bulletin_schedules").the_two_schedules(apps, None)
    assert {(s.frequency, s.paused) for s in BulletinSchedule.objects.all()} == {
        ("weekly", False),
        ("monthly", False),
    }


@pytest.mark.parametrize(
    ("fields", "after", "expected"),
    [
        # Monday 08:00: from a Wednesday, the next Monday; from Monday 07:59, that morning.
        ({"frequency": "weekly", "weekday": 0}, uk(2027, 3, 3, 12), uk(2027, 3, 8, 8)),
        ({"frequency": "weekly", "weekday": 0}, uk(2027, 3, 8, 7, 59), uk(2027, 3, 8, 8)),
        ({"frequency": "weekly", "weekday": 0}, uk(2027, 3, 8, 8), uk(2027, 3, 15, 8)),
        # Across the clocks going forward (28 March 2027): still 08:00 UK time.
        ({"frequency": "weekly", "weekday": 0}, uk(2027, 3, 27, 12), uk(2027, 3, 29, 8)),
        ({"frequency": "monthly", "day_of_month": 28}, uk(2027, 2, 28, 9), uk(2027, 3, 28, 8)),
        ({"frequency": "monthly", "day_of_month": 1}, uk(2027, 12, 5), uk(2028, 1, 1, 8)),
    ],
)
def test_the_next_sending_is_the_schedules_next_day_and_time(fields, after, expected):
    found = BulletinSchedule(**fields)
    assert schedules.next_sending(found, after) == expected


@pytest.mark.django_db(transaction=True)
def test_a_bulletin_is_prepared_when_its_notice_opens_and_queued_for_its_time(settings):
    settings.TASKS = DATABASE_TASKS
    weekly = schedule(weekday=0, notice_hours=48)
    schedule("monthly", paused=True)
    # Thursday: the notice for Monday 08:00 opens on Saturday 08:00. Nothing yet.
    assert schedules.plan("weekly", now=uk(2027, 3, 4, 12)) is None
    weekly.refresh_from_db()
    assert weekly.wakes_at == uk(2027, 3, 6, 8)
    assert [t.run_after for t in queued(schedules_task())] == [uk(2027, 3, 6, 8)]
    # Saturday 08:00, the planner wakes: Monday's bulletin is prepared, its sending queued.
    bulletin = schedules.plan("weekly", now=uk(2027, 3, 6, 8))
    assert bulletin.status == "scheduled" and bulletin.send_at == uk(2027, 3, 8, 8)
    assert bulletin.title == "Weekly bulletin, 8 March 2027"
    assert [t.run_after for t in queued(send_bulletin)] == [uk(2027, 3, 8, 8)]
    # …and the planner next wakes for the following week's notice.
    weekly.refresh_from_db()
    assert weekly.wakes_at == uk(2027, 3, 13, 8)
    # Run again at the same moment (a second chain): nothing doubles, and the chains are one.
    assert schedules.plan("weekly", now=uk(2027, 3, 6, 8)).pk == bulletin.pk
    assert Bulletin.objects.count() == 1
    assert len(queued(send_bulletin)) == 1
    assert [t.run_after for t in queued(schedules_task())] == [
        uk(2027, 3, 6, 8),
        uk(2027, 3, 13, 8),
    ]
    # The paused monthly schedule prepares nothing and queues nothing.
    assert schedules.plan("monthly", now=uk(2027, 3, 30, 12)) is None
    assert not Bulletin.objects.filter(frequency="monthly").exists()


def schedules_task():
    from readers.tasks import plan_bulletins

    return plan_bulletins


def test_a_held_or_paused_bulletin_does_not_go(editor_client, settings):
    settings.TASKS = DATABASE_TASKS
    weekly = schedule(notice_hours=24 * 7)
    document = make_document(slug="news", title="News for the week", status="published")
    record(document, Change.Kind.PUBLISHED)
    Subscriber.objects.create(email="r@example.org", confirmed_at=timezone.now(), everything=True)
    bulletin = schedules.plan("weekly")
    url = f"/admin/readers/bulletin/{bulletin.pk}/change/"
    # Editors preview it as it would go now, and may give it an introduction.
    preview = editor_client.get(f"/admin/readers/bulletin/{bulletin.pk}/preview/")
    assert "News for the week" in preview.content.decode()
    form = editor_client.get(url).content.decode()
    assert 'name="introduction"' in form and 'value="hold"' in form
    # Hold: a draft now, which nothing sends by itself.
    response = editor_client.post(
        f"/admin/readers/bulletin/{bulletin.pk}/act/", {"action": "hold"}, follow=True
    )
    assert "Held: it will not go by itself." in response.content.decode()
    bulletin.refresh_from_db()
    assert bulletin.status == "draft"
    assert send_bulletin.call(bulletin.pk) == 0
    assert Bulletin.objects.get(pk=bulletin.pk).status == "draft"

    # Pausing the schedule holds what it had prepared.
    Bulletin.objects.all().delete()
    prepared = schedules.plan("weekly")
    response = editor_client.post(
        f"/admin/readers/bulletinschedule/{weekly.pk}/change/",
        {"weekday": "0", "time": "08:00", "notice_hours": "168", "paused": "on"},
        follow=True,
    )
    assert "The bulletin it had prepared is held" in response.content.decode()
    assert Bulletin.objects.get(pk=prepared.pk).status == "draft"
    assert schedules.plan("weekly") is None


@pytest.mark.django_db(transaction=True)
def test_the_weekly_bulletin_goes_out_by_itself_through_a_real_worker(settings):
    """Nobody presses Send: the schedule prepares it, the worker sends it at its time over
    SMTP to the readers who take the weekly bulletin, and the next one is planned."""
    settings.TASKS = DATABASE_TASKS
    soon = timezone.localtime() + datetime.timedelta(seconds=12)  # the worker starts first
    weekly = schedule(weekday=soon.weekday(), time=soon.time(), notice_hours=1)
    schedule("monthly", paused=True)
    document = make_document(
        slug="weekly-news", title="A study for the weekly bulletin", status="draft"
    )
    document.status = "published"
    document.save()  # recorded as published by the write path's refresher
    Subscriber.objects.create(
        email="weekly@example.org", confirmed_at=timezone.now(), everything=True
    )
    Subscriber.objects.create(
        email="monthly@example.org",
        confirmed_at=timezone.now(),
        everything=True,
        frequency="monthly",
    )
    from readers.tasks import start_planners

    start_planners.enqueue()  # what migrate and `make run` queue; the worker does the rest
    assert not Bulletin.objects.exists()

    with SMTPServer() as smtp:
        env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port)}
        with worker(**env) as running:
            arrived = wait_for(lambda: smtp.recorder.count() >= 1, timeout=90)
            assert arrived, running.stdout.read() if running.poll() is not None else "none"
        messages = smtp.messages
    bulletin = Bulletin.objects.get(schedule=weekly)
    assert [m["To"] for m in messages] == ["weekly@example.org"]
    assert messages[0]["Subject"].startswith("Weekly bulletin, ")
    assert "A study for the weekly bulletin" in messages[0].get_body(("plain",)).get_content()
    bulletin.refresh_from_db()
    assert bulletin.status == "sent" and bulletin.recipients == 1
    assert bulletin.sent_at >= bulletin.send_at
    weekly.refresh_from_db()
    assert weekly.wakes_at > bulletin.send_at  # the next week's planner is queued
