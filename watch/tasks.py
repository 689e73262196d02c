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


@task()
def run_due_watches():
    """Each active watch whose time has come, then this again in a day, while scheduling is
    on (``WATCH_SCHEDULING`` and the admin's switch). A failed watch does not stop the rest;
    it is due again next time, from its last success."""
    from django.utils import timezone

    from .models import WatchSwitch
    from .services import check_notices, due_watches, run_watch
    from .sources import SourceError

    switch = WatchSwitch.current()
    if not switch.running:
        return []
    done = [run_watch(watch).pk for watch in due_watches()]
    now = timezone.now()
    last = switch.notices_checked_at
    if last is None or now - last >= datetime.timedelta(days=7):
        try:
            check_notices()
        except SourceError:
            pass  # tried again tomorrow: the check's time is not moved on
        else:
            WatchSwitch.objects.filter(pk=switch.pk).update(notices_checked_at=now)
    run_due_watches.using(run_after=now + datetime.timedelta(days=1)).enqueue()
    return done
