"""Settings come from the environment; production never runs on a made-up secret key."""

import os
import subprocess
import sys
from pathlib import Path


def test_the_site_refuses_to_serve_without_a_secret_key_but_commands_run():
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["DATABASE_URL"] = "sqlite://:memory:"  # never the developer's own database
    serve = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"], cwd=root, env=env, capture_output=True
    )
    assert serve.returncode != 0
    assert b"Set SECRET_KEY in the environment" in serve.stderr
    command = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=root, env=env, capture_output=True
    )
    assert command.returncode == 0, command.stderr
    env["SECRET_KEY"] = "a-real-key-from-the-environment-for-this-test-only"
    served = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"], cwd=root, env=env, capture_output=True
    )
    assert served.returncode == 0, served.stderr
