"""Redis servers of the test's own, on free ports: a real ``redis-server`` that a test can stop,
start again (with the data it saved) or leave running, and a port that accepts connections
and never answers. Never the shared Redis on 6379."""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """``redis-server`` on a free port, saving to its own folder only when asked (SAVE)."""

    def __init__(self):
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="redis-"))
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--dbfilename", "dump.rdb"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.command("PING") == b"+PONG":
                return self
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


class SilentPort:
    """A port whose connections are accepted (by the kernel's backlog) and never answered."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        self.accepted, self.held = 0, []

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def connections(self):
        """How many connections were made to it so far."""
        self.socket.setblocking(False)
        while True:
            try:
                accepted, _ = self.socket.accept()
            except BlockingIOError:
                return self.accepted
            self.accepted += 1
            self.held.append(accepted)  # kept open: the client still waits for nothing

    def close(self):
        for held in self.held:
            held.close()
        self.socket.close()


@pytest.fixture
def redis_server():
    if not Path(REDIS_SERVER).exists():
        pytest.skip("redis-server is not installed (CI installs it)")
    server = RedisServer().start()
    yield server
    server.close()


@pytest.fixture
def silent_port():
    port = SilentPort()
    yield port
    port.close()


def redis_caches(url):
    """CACHES with the default cache and the page store both in the Redis at ``url``, as in
    production (config/settings.py)."""
    options = {"pool_class": "ops.redis.GuardedPool"}
    backend = "django.core.cache.backends.redis.RedisCache"
    return {
        "default": {"BACKEND": backend, "LOCATION": url, "OPTIONS": options},
        "pages": {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": "pages", "OPTIONS": options},
    }
