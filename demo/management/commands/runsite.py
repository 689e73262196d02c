"""Serve the site and run the background worker beside it: what `make run` starts."""

import os
import re
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.commands.runserver import naiveip_re

DEFAULT_ADDRPORT = "127.0.0.1:8000"
# Serving on every interface: links must still name one this machine answers on.
WILDCARDS = {"0": "127.0.0.1", "0.0.0.0": "127.0.0.1", "[::]": "[::1]"}


def site_url_for(addrport):
    """The address `runserver addrport` serves on, as SITE_URL (``http://host:port``).

    Takes what runserver takes: ``8001``, ``0.0.0.0:8001``, ``[::1]:8001``, ``localhost:8001``.
    """
    match = re.match(naiveip_re, addrport or DEFAULT_ADDRPORT)
    if match is None:
        raise CommandError(f"{addrport!r} is not an address and port runserver understands")
    addr, port = match["addr"] or "127.0.0.1", match["port"]  # IPv6 keeps its brackets
    return f"http://{WILDCARDS.get(addr, addr)}:{port}"


class Command(BaseCommand):
    help = (
        "Run the development server and the task worker (manage.py db_worker) together, so "
        "scheduled publications and bulletins happen while you work. Stopping it stops both. "
        "Unless SITE_URL is set, links in emails and briefs point at the address served on."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default=DEFAULT_ADDRPORT)

    def handle(self, *args, addrport, **options):
        if not os.environ.get("SITE_URL"):
            # In the environment, so the worker and the autoreloader's child process (which
            # read the settings afresh) have it too; and in this process's settings.
            url = site_url_for(addrport)
            os.environ["SITE_URL"] = url
            settings.SITE_URL = url
        worker = None
        # The autoreloader runs this command again in a child process (RUN_MAIN set): only
        # the first process starts the worker, which starts its own heartbeat.
        if os.environ.get("RUN_MAIN") != "true":
            from readers.apps import start_bulletin_planners

            start_bulletin_planners(sender=None)  # the weekly and monthly bulletins' planners
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "1"],
                cwd=os.getcwd(),
            )
            self.stdout.write(
                f"Task worker started (pid {worker.pid}); links in emails and briefs use "
                f"{os.environ['SITE_URL']}."
            )
        try:
            call_command("runserver", addrport)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
