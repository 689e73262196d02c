"""Real `manage.py db_worker` processes against the test database, for tests that need one."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from scripts.serving import database_url

ROOT = Path(__file__).resolve().parent.parent


def worker_env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.test_settings",
        DATABASE_URL=database_url(),
        TEST_TASKS="db",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


@contextmanager
def worker(*args, **extra_env):
    """A running worker, stopped (SIGTERM, then SIGKILL) when the block ends."""
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "--no-reload",
            *args,
        ],
        cwd=ROOT,
        env=worker_env(**extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition, timeout=30, every=0.2):
    """Poll ``condition`` until it is true; False if it never was within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False
