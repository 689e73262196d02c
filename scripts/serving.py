"""The site served as in production, for make soak, make bench and the two-servers check:
gunicorn (gunicorn.conf.py) with DEBUG off, a throwaway database, Redis when it runs here,
and everything on 127.0.0.1."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def database_url():
    """The database this process uses (a test's, for one), as a URL another process can
    open: a worker or a server started beside a test or a benchmark."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or ""
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


# The static files with the manifest production's storage reads, without compressing them.
COLLECT_STATIC_UNCOMPRESSED = """
from django.core.management import call_command
from django.test import override_settings
manifest = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
with override_settings(STORAGES={"staticfiles": {"BACKEND": manifest}}):
    call_command("collectstatic", interactive=False, verbosity=0)
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """``redis-server`` on a free port (never the shared one), saving to its own folder only
    when asked (SAVE), so a restart can bring back what it had."""

    def __init__(self):
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="redis-"))
        self.process = None
        self.started = False  # once started, its address is what its users hold

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        """Start it. On a free port another process may take first (tests run in parallel), the
        server that answers must be this one: a first start moves to another port, a restart,
        which must keep its address, fails."""
        for _ in range(5):
            self._start()
            if self._answering_pid() == self.process.pid:
                self.started = True
                return self
            self.process.wait(timeout=10)  # it could not bind: the port was taken
            self.process = None
            if self.started:
                raise RuntimeError(f"port {self.port} was taken while redis-server was stopped")
            self.port = free_port()
        raise RuntimeError("redis-server found no free port")

    def _answering_pid(self):
        """The process id of the Redis answering on this server's port, if one does."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"INFO server\r\n")
                reply = b""
                while b"process_id:" not in reply or not reply.endswith(b"\r\n"):
                    chunk = s.recv(1 << 16)
                    if not chunk:
                        break
                    reply += chunk
        except OSError:
            return None
        found = re.search(rb"process_id:(\d+)", reply)
        return int(found.group(1)) if found else None

    def _start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--dbfilename", "dump.rdb"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.command("PING") == b"+PONG":
                return
            time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def command(self, *words):
        """One command's first reply line, or None if nothing answers."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(" ".join(words).encode() + b"\r\n")
                return s.recv(1 << 16).split(b"\r\n")[0]
        except OSError:
            return None

    def stop(self, save=False):
        """Stop it; with ``save``, its data is written first and read back by ``start``."""
        if self.process is None:
            return
        if save:
            assert self.command("SAVE") == b"+OK"
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None

    def close(self):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def redis_up():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Site:
    """A throwaway copy of the site: its database (a PostgreSQL database on DATABASE_URL's
    server, or an SQLite file), its static files and its cache keys, removed by close()."""

    def __init__(self, name, redis_db=15, **settings):
        self.name = f"evidence_bank_{name}"
        self.folder = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        given = os.environ.get("DATABASE_URL", "")
        if given.startswith("postgres"):
            self.server_url = given.rpartition("/")[0]
            self.database_url = f"{self.server_url}/{self.name}"
        else:
            self.server_url = None
            self.database_url = f"sqlite:///{self.folder / 'site.sqlite3'}"
        self.env = {
            k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            SECRET_KEY=f"{name}-" + uuid.uuid4().hex * 2,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=self.database_url,
            CONN_MAX_AGE="60",
            STATIC_ROOT=str(self.folder / "static"),
            PAGE_CACHE_DIR=str(self.folder / "page-cache"),
            LOG_LEVEL="ERROR",
            PYTHONUNBUFFERED="1",
            **settings,
        )
        if redis_up() and "REDIS_URL" not in settings:
            self.env["REDIS_URL"] = f"redis://127.0.0.1:6379/{redis_db}"
        self.processes = []

    @property
    def cache(self):
        return "Redis" if self.env.get("REDIS_URL") else "files"

    @property
    def database(self):
        return "PostgreSQL" if self.server_url else "SQLite"

    def manage(self, *args, **kwargs):
        return subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=self.env, check=True, **kwargs
        )

    def orm(self, code):
        """Run Python in a fresh process with the site's settings (an editor's save, say)."""
        result = subprocess.run(
            [PY, "manage.py", "shell", "-c", code],
            cwd=ROOT, env=self.env, capture_output=True, text=True,
        )  # fmt: skip
        return result.stdout.strip() + result.stderr.strip()[-2000:]

    def prepare(self, demo=True, compress=True):
        """Create and migrate the database, load the demo (unless ``demo`` is false) and
        collect the static files; ``compress=False`` leaves out WhiteNoise's compression
        (half a minute), for a check that needs the pages and not fast static files."""
        if self.server_url:
            self._psql(f"DROP DATABASE IF EXISTS {self.name}", f"CREATE DATABASE {self.name}")
        self.manage("migrate", "--noinput", "-v0")
        if demo:
            self.manage("load_demo", "-v0", stdout=subprocess.DEVNULL)
        if compress:
            self.manage("collectstatic", "--noinput", "-v0")
        else:
            self.orm(COLLECT_STATIC_UNCOMPRESSED)
        if self.env.get("REDIS_URL"):
            self.orm("from django.core.cache import caches; [caches[a].clear() for a in caches]")

    def serve(self, port=None, workers=None, **extra):
        """Start gunicorn; returns its port once it answers."""
        port = port or free_port()
        env = {**self.env, "WEB_BIND": f"127.0.0.1:{port}", "SITE_URL": f"http://127.0.0.1:{port}"}
        if workers:
            env["WEB_WORKERS"] = str(workers)
        env.update(extra)
        # The log goes to a file: a pipe nobody reads fills up under load (a database restart
        # logs a traceback per failed request) and then blocks every worker writing to it.
        log = Path(self.folder) / f"gunicorn-{port}.log"
        with open(log, "w") as stream:
            process = subprocess.Popen(
                [GUNICORN, "--config", "gunicorn.conf.py", "config.wsgi"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stream,
            )  # fmt: skip
        self.processes.append(process)
        if not wait_until_serving(port):
            process.kill()
            raise RuntimeError(f"gunicorn did not start: {log.read_text()[-2000:]}")
        return port

    def work(self):
        """Start a task worker (db_worker)."""
        process = subprocess.Popen(
            [PY, "manage.py", "db_worker", "--no-reload", "--interval", "0.5"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.processes.append(process)
        return process

    def stop(self, process=None):
        for each in [process] if process else list(self.processes):
            each.terminate()
            try:
                each.wait(timeout=30)
            except subprocess.TimeoutExpired:
                each.kill()
            self.processes.remove(each)

    def close(self):
        self.stop()
        if self.server_url:
            self._psql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        shutil.rmtree(self.folder, ignore_errors=True)

    def _psql(self, *commands):
        args = ["psql", f"{self.server_url}/postgres", "-q"]
        for command in commands:
            args += ["-c", command]
        subprocess.run(args, cwd=ROOT, check=True, capture_output=True)


def wait_until_serving(port, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status in (200, 503):
                    return True
        except urllib.error.HTTPError as error:
            if error.code == 503:  # serving, though it cannot reach the database yet
                return True
            time.sleep(0.3)
        except OSError:
            time.sleep(0.3)
    return False


def get(port, path, headers=None):
    """(status, headers, body) of one GET."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except OSError as error:  # refused, reset, timed out: a failure to report, not a crash
        return f"{error.__class__.__name__}: {error}", {}, b""
