"""The weekly and monthly bulletins, going out by themselves on the editors' schedule.

``plan`` runs on the task worker, for one schedule at a time: once the schedule's notice
window before its next sending opens, it prepares that bulletin (Scheduled, ``send_at`` set)
and queues its sending for the time; then it queues itself for the next window. Editors see
the prepared bulletin in the bulletins' list, preview it, write an introduction, or hold it
(Hold makes it a draft, which nothing sends by itself). Pausing the schedule holds a prepared
bulletin too. Starting the site (``make run``) and saving a schedule start the planner; two
runs for the same moment leave one chain (``BulletinSchedule.wakes_at``).
"""

import calendar
import datetime

from django.db import transaction
from django.utils import timezone

from .bulletins import default_title
from .models import Bulletin, BulletinSchedule


def next_sending(schedule, after):
    """The schedule's first sending time strictly after ``after``, in UK time."""
    local = timezone.localtime(after)
    tz = local.tzinfo
    day = local.date()
    for _ in range(400):  # a little over a year of days: always enough for either rule
        if _sends_on(schedule, day):
            at = timezone.make_aware(datetime.datetime.combine(day, schedule.time), tz)
            if at > after:
                return at
        day += datetime.timedelta(days=1)
    raise ValueError(f"{schedule} never sends")  # not reachable: every rule matches a day


def _sends_on(schedule, day):
    if schedule.frequency == "weekly":
        return day.weekday() == schedule.weekday
    last = calendar.monthrange(day.year, day.month)[1]
    return day.day == min(schedule.day_of_month, last)


def plan(frequency, *, now=None, force=False):
    """Prepare the schedule's next bulletin if its notice window is open; queue the next run.

    Returns the bulletin prepared (or already prepared) for the next sending, or None.
    ``force`` queues the next run even if one is on record (the planner starting)."""
    from .tasks import plan_bulletins, send_bulletin

    now = now or timezone.now()
    with transaction.atomic():
        schedule = BulletinSchedule.objects.select_for_update().filter(frequency=frequency).first()
        if schedule is None or schedule.paused:
            if schedule is not None:
                BulletinSchedule.objects.filter(pk=schedule.pk).update(wakes_at=None)
            return None
        at = next_sending(schedule, now)
        opens = at - datetime.timedelta(hours=schedule.notice_hours)
        bulletin = None
        if now >= opens:
            bulletin = Bulletin.objects.filter(schedule=schedule, send_at=at).first()
            if bulletin is None:
                bulletin = Bulletin.objects.create(
                    schedule=schedule,
                    frequency=schedule.frequency,
                    title=default_title(schedule.frequency, at),
                    status=Bulletin.Status.SCHEDULED,
                    send_at=at,
                )
                transaction.on_commit(
                    lambda pk=bulletin.pk: send_bulletin.using(run_after=at).enqueue(pk)
                )
            # The next window: the one after this sending.
            following = next_sending(schedule, at)
            wake = following - datetime.timedelta(hours=schedule.notice_hours)
            wake = max(wake, at)  # a notice longer than the gap: plan again once this one went
        else:
            wake = opens
        if force or schedule.wakes_at != wake:
            BulletinSchedule.objects.filter(pk=schedule.pk).update(wakes_at=wake)
            transaction.on_commit(
                lambda: plan_bulletins.using(run_after=wake).enqueue(schedule.frequency)
            )
    return bulletin


def start(now=None):
    """Start (or restart) every schedule's planner: when the site starts, or a schedule is
    saved. What is prepared already is left as it is."""
    return [plan(frequency, now=now, force=True) for frequency in ("weekly", "monthly")]


def hold(bulletin):
    """Keep a prepared bulletin from going by itself: it becomes a draft for editors."""
    return Bulletin.objects.filter(pk=bulletin.pk, status=Bulletin.Status.SCHEDULED).update(
        status=Bulletin.Status.DRAFT
    )


def hold_prepared(schedule):
    """A paused schedule's prepared, unsent bulletin is held."""
    return Bulletin.objects.filter(schedule=schedule, status=Bulletin.Status.SCHEDULED).update(
        status=Bulletin.Status.DRAFT
    )
