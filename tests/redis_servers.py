"""Redis servers of the test's own, on free ports: a real ``redis-server`` that a test can stop,
start again (with the data it saved) or leave running, and a port that accepts connections
and never answers. Never the shared Redis on 6379."""

import socket
from pathlib import Path

import pytest

from scripts.serving import REDIS_SERVER, RedisServer


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
