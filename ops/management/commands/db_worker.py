"""``manage.py db_worker``: django-tasks-db's worker, kept alive through a database outage.

The library's worker exits on the first database error that is not a locked SQLite file, so
a PostgreSQL restart or failover would stop every task worker (scheduled publication, mail)
until someone restarted them. This one logs the error, drops the broken connection and tries
again, waiting a little longer each time (at most 30 s), with every option of the original.

It also keeps the heartbeat going (ops/tasks.py) that /healthz/worker and ``check_worker``
read: it queues one when it starts, whenever it gets the database back, and when a heartbeat
failed, unless one is already waiting. So a new deployment, a worker killed mid-heartbeat or a
database restart that broke the chain beats again without anything on the web side writing.
"""

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

from ops.tasks import HEARTBEAT_PATH, ensure_heartbeat, heartbeat

logger = logging.getLogger("ops.worker")
LONGEST_WAIT = 30.0


class Worker(db_worker.Worker):
    def run(self):
        wait, last_failure = 0.5, 0.0
        while self.running:
            try:
                self.keep_heartbeat()
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

    def runs_heartbeat(self):
        """Whether this worker takes the heartbeat's tasks: a batch run ends when the queue is
        empty, so it is nobody's heartbeat."""
        queue = heartbeat.queue_name
        return (
            not self.batch
            and self.backend_name == heartbeat.backend
            and (self.process_all_queues or queue in self.queue_names)
            and queue not in self.excluded_queue_names
        )

    def keep_heartbeat(self):
        if self.runs_heartbeat() and ensure_heartbeat():
            logger.debug("Queued a heartbeat: none was waiting")

    def run_task(self, db_task_result):
        super().run_task(db_task_result)
        if db_task_result.task_path == HEARTBEAT_PATH and db_task_result.status != "SUCCESSFUL":
            self.keep_heartbeat()  # it failed before queuing the next one


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
