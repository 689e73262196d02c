"""``manage.py check_worker``: is the task worker alive? For systemd, Kubernetes or cron.

Exit 0 when a worker finished a heartbeat within HEALTH_WORKER_MAX_AGE seconds (or
``--max-age``), 1 when none has (stale, never, or the database cannot be read). It only
reads: the worker keeps its own heartbeat going (ops/tasks.py).
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from ops.health import check_database
from ops.tasks import heartbeat_age


class Command(BaseCommand):
    help = (
        "Exit 0 if the task worker finished a heartbeat within HEALTH_WORKER_MAX_AGE seconds, "
        "1 if not (an exec probe for whatever supervises the worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age",
            type=float,
            default=None,
            help="seconds a heartbeat may be old (default: HEALTH_WORKER_MAX_AGE)",
        )

    def handle(self, *args, max_age, **options):
        limit = settings.HEALTH_WORKER_MAX_AGE if max_age is None else max_age
        try:
            check_database()
            age = heartbeat_age()
        except Exception as exc:  # noqa: BLE001 - any failure means "not known to be alive"
            self.stderr.write(f"worker: unknown, the database cannot be read ({exc!r})")
            sys.exit(1)
        if age is None:
            self.stderr.write("worker: stale, no heartbeat has ever finished")
            sys.exit(1)
        if age > limit:
            self.stderr.write(f"worker: stale, last heartbeat {age:.0f} s ago (limit {limit:g} s)")
            sys.exit(1)
        self.stdout.write(f"worker: ok, last heartbeat {age:.0f} s ago")
