"""Serve the site and run the background worker beside it: what `make run` starts."""

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from ops.tasks import heartbeat


class Command(BaseCommand):
    help = (
        "Run the development server and the task worker (manage.py db_worker) together, so "
        "scheduled publications happen while you work. Stopping it stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        worker = None
        # The autoreloader runs this command again in a child process (RUN_MAIN set): only
        # the first process starts the worker.
        if os.environ.get("RUN_MAIN") != "true":
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "1"],
                cwd=os.getcwd(),
            )
            self.stdout.write(f"Task worker started (pid {worker.pid}).")
            heartbeat.enqueue()  # /healthz reports how long ago the worker last beat
        try:
            call_command("runserver", addrport)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
