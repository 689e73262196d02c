"""Health: /healthz answers for the web tier alone and only reads; the worker has its own
check (/healthz/worker, `manage.py check_worker`) and keeps its own heartbeat going; `make
run` links to the address it serves on and prints each log line once."""

import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.test_settings import DATABASE_TASKS
from tests.workers import wait_for, worker

ROOT = Path(__file__).resolve().parent.parent
HEARTBEAT = "ops.tasks.heartbeat"


def heartbeats():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=HEARTBEAT)


def beat(settings, seconds_ago):
    """A heartbeat a worker finished that long ago."""
    from ops.tasks import heartbeat

    settings.TASKS = DATABASE_TASKS
    result = heartbeat.enqueue()
    heartbeats().filter(id=result.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


# /healthz: the web tier


@pytest.mark.django_db
def test_healthz_is_ok_without_a_worker_and_reports_it(client, settings):
    settings.TASKS = DATABASE_TASKS
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok", "cache": "ok", "status": "ok",
        "worker": {"heartbeat_age_seconds": None, "ok": False},
    }  # fmt: skip
    assert not heartbeats().exists()  # the probe started nothing


@pytest.mark.django_db
def test_healthz_reports_a_fresh_and_a_stale_worker_and_stays_200(client, settings):
    beat(settings, seconds_ago=5)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert response.json()["worker"]["ok"] is True
    assert 5 <= response.json()["worker"]["heartbeat_age_seconds"] < 60

    heartbeats().update(finished_at=timezone.now() - timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert response.json()["worker"]["ok"] is False


@pytest.mark.django_db
def test_healthz_writes_nothing_to_the_database_or_the_cache(client, settings, monkeypatch):
    beat(settings, seconds_ago=5)
    rows = list(heartbeats().values_list("id", "status", "finished_at"))

    def no_writes(*args, **kwargs):
        raise AssertionError("the health check wrote to the cache")

    for method in ("set", "add", "delete", "incr", "touch", "set_many", "get_or_set"):
        monkeypatch.setattr(LocMemCache, method, no_writes)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get("/healthz").status_code == 200
    statements = [q["sql"].lstrip().upper() for q in queries.captured_queries]
    assert statements and all(s.startswith("SELECT") for s in statements), statements
    assert list(heartbeats().values_list("id", "status", "finished_at")) == rows


@pytest.mark.django_db
def test_healthz_with_the_cache_down_is_degraded_not_down(client, monkeypatch):
    """The site serves uncached while Redis is down (ops/redis.py): no reason to take this
    server out of rotation."""

    def down(*args, **kwargs):
        raise redis.ConnectionError("Connection refused")

    monkeypatch.setattr(LocMemCache, "get", down)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "down: ConnectionError"
    assert response.json()["status"] == "degraded"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    from ops import health

    def down():
        raise ConnectionError("no route to the database")

    monkeypatch.setattr(health, "check_database", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down: ConnectionError"
    assert response.json()["status"] == "unhealthy"


@pytest.mark.django_db(transaction=True)
def test_the_first_probe_after_a_dropped_connection_is_200():
    """A connection kept for CONN_MAX_AGE that the database dropped (a restart) made the probe
    fail, and, not closed, fail again. It is a dead connection, not a dead database."""
    client = Client()
    assert client.get("/healthz").status_code == 200
    connection.connection.close()  # what the server's end going away leaves behind
    for _ in range(3):
        response = client.get("/healthz")
        assert response.status_code == 200, response.json()
        assert response.json()["database"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_the_first_probe_after_postgresql_kills_the_connection_is_200():
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    import psycopg

    client = Client()
    assert client.get("/healthz").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"], user=params["USER"] or "postgres",
        host=params["HOST"] or "127.0.0.1", port=params["PORT"] or 5432, autocommit=True,
    ) as other:  # fmt: skip
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    for _ in range(3):
        response = client.get("/healthz")
        assert response.status_code == 200, response.json()


# The worker's own check


@pytest.mark.django_db
def test_the_worker_check_is_503_until_a_heartbeat_and_when_stale(client, settings):
    settings.TASKS = DATABASE_TASKS
    response = client.get("/healthz/worker")
    assert response.status_code == 503 and response.json()["status"] == "stale"
    beat(settings, seconds_ago=5)
    response = client.get("/healthz/worker")
    assert response.status_code == 200 and response.json()["worker"]["ok"] is True
    heartbeats().update(finished_at=timezone.now() - timedelta(minutes=10))
    assert client.get("/healthz/worker").status_code == 503
    assert not heartbeats().filter(status="READY").exists()  # it started nothing either


@pytest.mark.django_db
def test_check_worker_exits_1_when_stale_and_0_when_fresh(settings, capsys):
    settings.TASKS = DATABASE_TASKS
    with pytest.raises(SystemExit) as exit:
        call_command("check_worker")
    assert exit.value.code == 1
    assert "no heartbeat has ever finished" in capsys.readouterr().err

    beat(settings, seconds_ago=200)
    with pytest.raises(SystemExit) as exit:
        call_command("check_worker")
    assert exit.value.code == 1 and "stale" in capsys.readouterr().err
    call_command("check_worker", "--max-age", "300")  # returns: exit 0
    assert "worker: ok" in capsys.readouterr().out

    beat(settings, seconds_ago=1)
    call_command("check_worker")
    assert "worker: ok" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_heartbeat_is_queued_unless_one_is_waiting(settings):
    """Only a waiting heartbeat counts: one a killed worker left RUNNING never finishes."""
    from ops.tasks import ensure_heartbeat

    settings.TASKS = DATABASE_TASKS
    assert ensure_heartbeat() is True
    assert ensure_heartbeat() is False  # one waits already
    heartbeats().update(status="RUNNING", started_at=timezone.now())
    assert ensure_heartbeat() is True
    assert heartbeats().filter(status="READY").count() == 1


@pytest.mark.django_db
def test_a_heartbeat_queues_the_next_once_and_drops_old_rows(settings):
    from ops.tasks import heartbeat

    settings.TASKS = DATABASE_TASKS
    long_ago = timezone.now() - timedelta(days=2)
    old = heartbeat.enqueue()
    heartbeats().filter(id=old.id).update(status="SUCCESSFUL", finished_at=long_ago)
    orphan = heartbeat.enqueue()
    heartbeats().filter(id=orphan.id).update(status="RUNNING", started_at=long_ago)

    heartbeat.call()
    waiting = heartbeats().filter(status="READY").get()
    due_in = (waiting.run_after - timezone.now()).total_seconds()
    assert settings.HEALTH_HEARTBEAT_SECONDS - 5 < due_in <= settings.HEALTH_HEARTBEAT_SECONDS
    assert not heartbeats().filter(id__in=[old.id, orphan.id]).exists()

    heartbeat.call()  # another chain's beat: one is waiting, so it queues none
    assert heartbeats().filter(status="READY").count() == 1


def test_the_worker_keeps_its_heartbeat_through_database_errors(monkeypatch):
    """It queues a heartbeat (unless one waits) when it starts and each time it has the
    database back, and after a heartbeat that failed before queuing the next."""
    from django.db import OperationalError
    from django_tasks_db.management.commands import db_worker as library

    from ops.management.commands import db_worker

    runs, kept = [], []

    def flaky(worker):
        runs.append(worker)
        if len(runs) < 3:
            raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(library.Worker, "run", flaky)
    monkeypatch.setattr(db_worker.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(db_worker, "ensure_heartbeat", lambda: kept.append(len(runs)))
    options = dict(
        queue_names=["default"], interval=0.1, batch=False, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[],
    )  # fmt: skip
    db_worker.Worker(**options).run()
    assert kept == [0, 1, 2]  # before each run: at the start and after each failure

    class Failed:
        task_path, status = HEARTBEAT, "FAILED"

    monkeypatch.setattr(library.Worker, "run_task", lambda worker, result: None)
    db_worker.Worker(**options).run_task(Failed())
    assert len(kept) == 4
    Failed.status = "SUCCESSFUL"  # it queued the next one itself
    db_worker.Worker(**options).run_task(Failed())
    assert len(kept) == 4

    # Not a worker for the heartbeat's queue, nor a batch run: it starts none.
    for other in ({"queue_names": ["mail"]}, {"batch": True}, {"backend_name": "other"}):
        assert not db_worker.Worker(**{**options, **other}).runs_heartbeat()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_starts_its_heartbeat_quietly_and_survives_a_killed_connection(settings):
    settings.TASKS = DATABASE_TASKS
    with worker() as process:
        assert wait_for(lambda: heartbeats().filter(status="SUCCESSFUL").exists()), (
            "no heartbeat from a fresh worker"
        )
        call_command("check_worker")  # exits 0
        assert heartbeats().filter(status="READY").count() == 1  # the next, for later
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                assert cursor.fetchone()[0] >= 1  # the worker's
            from ops.tasks import heartbeat

            again = heartbeat.enqueue()
            assert wait_for(
                lambda: heartbeats().filter(id=again.id, status="SUCCESSFUL").exists()
            ), "the worker stopped taking tasks after losing its connection"
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert "Starting worker" in output  # its INFO lines are printed...
    assert HEARTBEAT not in output  # ...but not the heartbeat's, every 30 s


# Logging


def test_a_heartbeat_logs_at_debug_only_and_a_failure_still_shows(caplog):
    from ops.tasks import heartbeat

    tasks_logger = logging.getLogger("django.tasks")
    caplog.set_level(logging.INFO)
    heartbeat.enqueue()  # the immediate backend: started and finished, logged at once
    assert not [r for r in caplog.records if r.name == "django.tasks"]

    caplog.set_level(logging.DEBUG, logger="django.tasks")
    heartbeat.enqueue()
    lines = [r for r in caplog.records if r.name == "django.tasks"]
    assert len(lines) >= 2 and {r.levelname for r in lines} == {"DEBUG"}

    caplog.clear()
    caplog.set_level(logging.INFO, logger="django.tasks")
    tasks_logger.error("Task id=%s path=%s state=%s", "x", HEARTBEAT, "FAILED")
    tasks_logger.info("Task id=%s path=%s state=%s", "y", "mail.tasks.send", "SUCCESSFUL")
    assert [r.levelname for r in caplog.records] == ["ERROR", "INFO"]


def test_each_log_line_is_printed_once_with_debug_on():
    """Django gives its "django" logger a console handler of its own with DEBUG on; the
    root's printed every line of it a second time."""
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env["DATABASE_URL"] = "sqlite://:memory:"  # never the developer's own database
    env.pop("LOG_FORMAT", None)
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('django.tasks').info('a task line'); "
        "logging.getLogger('ops.worker').warning('a worker line')"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    printed = run.stdout + run.stderr
    assert printed.count("a task line") == 1, printed
    assert printed.count("a worker line") == 1, printed


# make run: SITE_URL


class FakeWorker:
    pid = 4242

    def __init__(self, args, **kwargs):
        self.args, self.site_url = args, os.environ.get("SITE_URL")
        started.append(self)

    def terminate(self):
        pass

    def wait(self, timeout=None):
        return 0


started = []


@pytest.mark.parametrize(
    "addrport,expected",
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("8123", "http://127.0.0.1:8123"),
        ("0.0.0.0:8124", "http://127.0.0.1:8124"),
        ("localhost:8125", "http://localhost:8125"),
        ("[::1]:8126", "http://[::1]:8126"),
    ],
)
def test_runsite_links_to_the_address_it_serves_on(addrport, expected, monkeypatch, settings):
    from demo.management.commands import runsite

    served = []
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("RUN_MAIN", raising=False)
    settings.SITE_URL = "http://127.0.0.1:8000"  # restored after the test
    monkeypatch.setattr(runsite.subprocess, "Popen", FakeWorker)
    monkeypatch.setattr(runsite, "call_command", lambda name, where: served.append((name, where)))
    started.clear()
    call_command("runsite", addrport)
    assert served == [("runserver", addrport)]
    # The worker and the autoreloader's child (which serves) read it from the environment.
    assert started[0].site_url == expected == os.environ["SITE_URL"]
    assert settings.SITE_URL == expected


def test_runsite_keeps_a_site_url_that_is_set(monkeypatch, settings):
    from demo.management.commands import runsite

    monkeypatch.setenv("SITE_URL", "https://evidence.example.org")
    monkeypatch.delenv("RUN_MAIN", raising=False)
    settings.SITE_URL = "https://evidence.example.org"
    monkeypatch.setattr(runsite.subprocess, "Popen", FakeWorker)
    monkeypatch.setattr(runsite, "call_command", lambda name, where: None)
    started.clear()
    call_command("runsite", "0.0.0.0:9000")
    assert started[0].site_url == "https://evidence.example.org"
    assert settings.SITE_URL == "https://evidence.example.org"
