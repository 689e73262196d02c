"""``manage.py db_worker``: django-tasks-db's worker, kept alive through a database outage.

The library's worker exits on the first database error that is not a locked SQLite file, so
a PostgreSQL restart or failover would stop every task worker (scheduled publication, mail)
until someone restarted them. This one logs the error, drops the broken connection and tries
again, waiting a little longer each time (at most 30 s), with every option of the original.
"""

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("ops.worker")
LONGEST_WAIT = 30.0


class Worker(db_worker.Worker):
    def run(self):
        wait, last_failure = 0.5, 0.0
        while self.running:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                if time.monotonic() - last_failure > 2 * LONGEST_WAIT:
                    wait = 0.5  # a new outage, not the same one going on
                last_failure = time.monotonic()
                logger.warning(
                    "The task worker lost the database (%s); trying again in %.1f s",
                    str(error).splitlines()[0] if str(error) else error.__class__.__name__,
                    wait,
                )
                for connection in connections.all(initialized_only=True):
                    try:
                        connection.close()
                    except (OperationalError, InterfaceError):
                        pass  # already gone; Django opens a new one on the next query
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
        return None


class Command(db_worker.Command):
    help = db_worker.Command.help

    def handle(self, *args, **options):
        # The library's handle() builds its Worker by name from its own module.
        original = db_worker.Worker
        db_worker.Worker = Worker
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
