"""The watches on the task worker: run what is due, daily, once an editor turns it on."""

import datetime

from django.tasks import task


@task()
def run_watches(watch_ids):
    """Watches an editor asked to run now (the admin's "Run now")."""
    from .models import Watch
    from .services import run_watch

    runs = [run_watch(w) for w in Watch.objects.filter(pk__in=watch_ids, active=True)]
    return [run.pk for run in runs]


def schedule_daily_runs(at=None):
    """Queue the daily run for ``at`` (now by default) as the one that is due: when an editor
    turns scheduling on, and after each migrate (a deployment) while it is on."""
    from django.utils import timezone

    from .models import WatchSwitch

    switch = WatchSwitch.current()
    if not switch.running:
        return None
    at = at or timezone.now()
    WatchSwitch.objects.filter(pk=switch.pk).update(next_run_at=at)
    run_due_watches.using(run_after=at).enqueue(at.isoformat())
    return at


@task()
def run_due_watches(planned_for=None):
    """Each active watch whose time has come, then this again in a day, while scheduling is
    on (``WATCH_SCHEDULING`` and the admin's switch). A failed watch does not stop the rest;
    it is due again next time, from its last success."""
    from django.utils import timezone

    from .models import WatchSwitch
    from .services import due_watches, flag_notices, run_watch
    from .sources import SourceError

    switch = WatchSwitch.current()
    if not switch.running:
        return []
    if planned_for and switch.next_run_at and planned_for != switch.next_run_at.isoformat():
        return []  # another chain's run: only the one due goes on
    done = [run_watch(watch).pk for watch in due_watches()]
    now = timezone.now()
    last = switch.notices_checked_at
    if last is None or now - last >= datetime.timedelta(days=7):
        try:
            for _flagged in flag_notices():  # recorded and told as found; none kept here
                pass
        except SourceError:
            pass  # tried again tomorrow: the check's time is not moved on
        else:
            WatchSwitch.objects.filter(pk=switch.pk).update(notices_checked_at=now)
    schedule_daily_runs(now + datetime.timedelta(days=1))
    return done
