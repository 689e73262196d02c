"""Mailings that start by themselves, run by the task worker."""

from django.tasks import task


@task()
def send_immediate_bulletin():
    """The "as it happens" bulletin, a few minutes after something changed (so a burst of
    saves goes out as one email). Repeated runs find nothing new and send nothing."""
    from .bulletins import send_immediate

    return send_immediate()


@task()
def release_bite(change_id):
    from editorial.models import Change

    from .bulletins import release_bite as release

    change = Change.objects.filter(pk=change_id).first()
    return release(change) if change else 0


@task()
def send_bulletin(bulletin_id):
    """A bulletin an editor scheduled, or one a schedule prepared. Held (a draft again) or
    of a paused schedule, it does not go; prepared by a schedule and with nothing to say, it
    is dropped and the next one covers its period."""
    from .bulletins import gather, send
    from .models import Bulletin

    bulletin = (
        Bulletin.objects.select_related("schedule")
        .filter(pk=bulletin_id, status=Bulletin.Status.SCHEDULED)
        .first()
    )
    if bulletin is None or (bulletin.schedule is not None and bulletin.schedule.paused):
        return 0
    if bulletin.schedule is not None:
        gather(bulletin)
        if not bulletin.changes.exists():
            bulletin.delete()
            return 0
    return send(bulletin)


@task()
def plan_bulletins(frequency):
    """The weekly or monthly schedule's planner (``readers.schedules.plan``)."""
    from .schedules import plan

    bulletin = plan(frequency)
    return bulletin.pk if bulletin else None


@task()
def start_planners():
    """Start (or restart) both schedules' planners: queued by migrate and `make run`."""
    from .schedules import start

    return [bulletin.pk if bulletin else None for bulletin in start()]
