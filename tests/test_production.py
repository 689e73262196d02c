"""Production grade: security headers everywhere, a clean `check --deploy`, sign-in throttling,
limits on public forms and request ids (health: tests/test_health.py)."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from feedback.models import EditorMessage

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
STRICT_CSP_PARTS = (
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
)


def assert_secure_headers(response, *, html=True):
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    csp = headers["Content-Security-Policy"]
    for part in STRICT_CSP_PARTS:
        assert part in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Request-ID"]


@pytest.mark.parametrize(
    "url, status",
    [
        ("/matrices/alcohol/E4/", 200),
        ("/static/css/site.css", 200),
        ("/admin/login/", 200),
        ("/documents/no-such-document/", 404),
    ],
)
def test_every_kind_of_response_carries_the_security_headers(client, demo, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert_secure_headers(response)


def test_an_admin_page_keeps_the_strict_policy_with_a_nonce(client, demo):
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    response = client.get("/admin/")
    csp = response.headers["Content-Security-Policy"]
    assert "'nonce-" in csp and "unsafe-inline" not in csp
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in response.text


def test_hsts_lasts_a_year_with_subdomains_over_https(client, settings, demo):
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response.headers["Strict-Transport-Security"]


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DEBUG"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "a-real-key-" + "x9!" * 20,
        "ALLOWED_HOSTS": "evidence.example.org",
        "HTTPS": "1",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "SITE_URL": "https://evidence.example.org",
        "DATABASE_URL": "sqlite://:memory:",  # never the developer's own database
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_admin_sign_in_locks_after_repeated_failures(client, db):
    from django.core.management import call_command

    User.objects.create_user("editor1", password="the right one", is_staff=True)
    for _ in range(4):
        response = client.post("/admin/login/", {"username": "editor1", "password": "wrong"})
        assert response.status_code == 200
    fifth = client.post("/admin/login/", {"username": "editor1", "password": "wrong"})
    assert fifth.status_code == 429
    locked = client.post("/admin/login/", {"username": "editor1", "password": "the right one"})
    assert locked.status_code == 429
    assert "Signing in is locked for now" in locked.text
    assert "axes_reset_username" in locked.text
    call_command("axes_reset_username", "editor1")
    response = client.post("/admin/login/", {"username": "editor1", "password": "the right one"})
    assert response.status_code == 302


def test_public_forms_are_limited_per_ip_and_keep_what_was_typed(client, settings, demo):
    settings.FEEDBACK_RATE = "3/h"
    data = {"name": "Ann", "email": "ann@example.org", "message": "A question."}
    for _ in range(3):
        assert client.post("/matrices/alcohol/E4/comment/", data).status_code == 302
    data["message"] = "The words of the fourth message."
    response = client.post("/matrices/alcohol/E4/comment/", data)
    assert response.status_code == 429
    assert "Too many messages" in response.text
    assert "The words of the fourth message." in response.text
    assert EditorMessage.objects.count() == 3


def test_a_message_is_capped_at_ten_thousand_characters(client, demo):
    long = "x" * 10_001
    response = client.post(
        "/matrices/alcohol/E4/comment/", {"name": "A", "email": "a@example.org", "message": long}
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 10000 characters" in response.text
    assert not EditorMessage.objects.exists()


def test_logs_are_json_lines_with_the_request_id(client, demo):
    from ops.logging import JsonLogFormatter, RequestIdFilter

    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Keep()
    handler.setFormatter(JsonLogFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/documents/no-such-document/", HTTP_X_REQUEST_ID="abc123def456")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "abc123def456"
    line = json.loads(records[-1])
    assert line["request_id"] == "abc123def456" and line["level"] == "WARNING"
    assert "Not Found" in line["message"]


def test_the_task_worker_carries_on_after_losing_the_database(monkeypatch):
    """The library's worker exits on a database error; ours waits and carries on (make soak
    shows it through a real PostgreSQL restart)."""
    from django.db import OperationalError
    from django_tasks_db.management.commands import db_worker as library

    from ops.management.commands import db_worker

    runs, waits = [], []

    def flaky(worker):
        runs.append(worker)
        if len(runs) < 3:
            raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(library.Worker, "run", flaky)
    monkeypatch.setattr(db_worker.time, "sleep", waits.append)
    monkeypatch.setattr(db_worker, "ensure_heartbeat", lambda: False)  # tests/test_health.py
    worker = db_worker.Worker(
        queue_names=["default"], interval=0.1, batch=False, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[],
    )  # fmt: skip
    worker.run()
    assert len(runs) == 3 and waits == [0.5, 1.0]
    # The command people run is ours, not the library's.
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "ops"
