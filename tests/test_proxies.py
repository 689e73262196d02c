"""The request limits through a real gunicorn (gunicorn.conf.py, the production settings),
and the proxy configurations of docs/deploy.md, Caddy's and nginx's, taken from the guide's
code blocks as written, in front of it: slow-header clients do not keep pages from being
served, and a body over the limit is refused by the proxy with 413.

The guide's blocks are changed only where a test must: the site's address and ports (free
ones on 127.0.0.1), plain HTTP instead of certificates, and for Caddy the admin endpoint off
(so two runs never share its port). nginx runs as one process (no user switch) with its pid,
logs and temporary files in a folder of its own; Caddy keeps its data there too.

Each proxy's test skips only where its binary is missing; CI installs both and sets
REQUIRE_PROXIES so they cannot skip there.
"""

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from scripts.serving import Site, free_port
from scripts.slow_clients import SlowClients

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "deploy.md"
LIMIT = 2_621_440
SLOW_CLIENTS = 16  # more than gunicorn's threads here (one worker of two) many times over
BINARIES = {
    "caddy": shutil.which("caddy"),
    "nginx": shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin"),
}


def guide_block(language):
    """The one code block of ``language`` in docs/deploy.md, as the reader copies it."""
    blocks = re.findall(rf"^```{language}\n(.*?)^```", GUIDE.read_text(), re.S | re.M)
    assert len(blocks) == 1, f"docs/deploy.md should have one {language} block"
    return blocks[0]


def replace(text, old, new, count=1):
    """``text`` with ``old`` replaced, failing if the guide no longer says ``old``."""
    assert text.count(old) == count, f"the guide no longer says {old!r}"
    return text.replace(old, new)


@pytest.fixture(scope="module")
def gunicorn():
    """The site under gunicorn, one worker of two threads, with its own temporary folder, so
    any upload written to disk would be seen there."""
    # Rate-limit counters in this process's memory, not a Redis shared with other runs.
    site = Site(f"proxies_{os.getpid()}", REDIS_URL="")
    try:
        # No demo needed; static files uncompressed (compressing them is not what is tested).
        site.prepare(demo=False, compress=False)
        temp = site.folder / "tmp"
        temp.mkdir()
        port = site.serve(workers=1, WEB_THREADS="2", TMPDIR=str(temp), PROXY_COUNT="1")
        yield port, temp
    finally:
        site.close()


def raw_request(port, head, body=b"", timeout=30):
    """Send a request's head (and what body there is) on a socket of our own, and return the
    status code and the response as far as it was read."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(head.replace(b"\n", b"\r\n") + b"\r\n" + body)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer) < 200:
            piece = s.recv(65536)
            if not piece:
                break
            answer += piece
    return int(answer.split(b" ", 2)[1]), answer


def chunked(size):
    """``size`` bytes of body in chunks of 64 KiB, with the last chunk."""
    sizes = [65536] * (size // 65536) + [size % 65536]
    return b"".join(b"%x\r\n%s\r\n" % (n, b"x" * n) for n in sizes if n) + b"0\r\n\r\n"


def test_gunicorn_refuses_a_100_mb_upload_before_reading_it(gunicorn):
    port, temp = gunicorn
    head = (
        f"POST /subscribe/ HTTP/1.1\nHost: 127.0.0.1\nContent-Length: {100 * 1024 * 1024}\n"
        "Content-Type: multipart/form-data; boundary=b\n"
    ).encode()
    part = b'--b\r\nContent-Disposition: form-data; name="f"; filename="f.bin"\r\n\r\n'
    status, answer = raw_request(port, head, part + b"x" * 65536)  # and no more is sent
    assert status == 413
    assert list(temp.iterdir()) == []


def test_gunicorn_refuses_a_chunked_body_over_the_limit(gunicorn):
    port, temp = gunicorn
    head = (
        b"POST /subscribe/ HTTP/1.1\nHost: 127.0.0.1\nTransfer-Encoding: chunked\n"
        b"Content-Type: application/x-www-form-urlencoded\n"
    )
    status, _ = raw_request(port, head, chunked(LIMIT + 1000))
    assert status == 413
    assert list(temp.iterdir()) == []
    # Within the limit, a chunked form is read and answered.
    form = b"email=chunked%40example.org"
    status, answer = raw_request(port, head, b"%x\r\n%s\r\n0\r\n\r\n" % (len(form), form))
    assert status == 200


class Proxy:
    """A proxy from the guide's block, on a free port, in front of gunicorn's."""

    def __init__(self, kind, upstream, folder):
        self.kind, self.upstream, self.folder = kind, upstream, folder
        self.port = free_port()
        self.process = None

    def caddy(self):
        config = guide_block("caddyfile")
        config = replace(config, "{\n    servers {", "{\n    admin off\n    servers {")
        config = replace(config, "evidence.example.org {", f"http://127.0.0.1:{self.port} {{")
        config = replace(config, "127.0.0.1:8000", f"127.0.0.1:{self.upstream}")
        path = self.folder / "Caddyfile"
        path.write_text(config)
        env = {
            **os.environ,
            "HOME": str(self.folder),
            "XDG_DATA_HOME": str(self.folder),
            "XDG_CONFIG_HOME": str(self.folder),
        }
        command = [BINARIES["caddy"], "run", "--config", str(path), "--adapter", "caddyfile"]
        return command, env

    def nginx(self):
        server = guide_block("nginx")
        server = replace(server, "listen 443 ssl http2;", f"listen 127.0.0.1:{self.port};")
        server = re.sub(r"\n\s*ssl_certificate(_key)? [^\n]*", "", server)
        server = replace(server, "127.0.0.1:8000", f"127.0.0.1:{self.upstream}", count=2)
        server = re.sub(r"\nserver \{ listen 80;[^\n]*", "", server)  # the HTTPS redirect
        temp = self.folder / "temp"
        temp.mkdir()
        config = f"""
daemon off;
master_process off;
pid {self.folder}/nginx.pid;
error_log {self.folder}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{server}
}}
"""
        path = self.folder / "nginx.conf"
        path.write_text(config)
        command = [
            BINARIES["nginx"],
            "-p",
            str(self.folder),
            "-e",
            str(self.folder / "error.log"),
            "-c",
            str(path),
        ]
        return command, dict(os.environ)

    def __enter__(self):
        command, env = getattr(self, self.kind)()
        self.log = open(self.folder / "proxy.log", "w")
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.kind} did not start: {self.output()}")

    def output(self):
        self.log.flush()
        return (self.folder / "proxy.log").read_text()[-3000:]

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def fetch(port, path, data=None, headers=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data, headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # generous, not timed
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize("kind", ["caddy", "nginx"])
def test_the_guides_proxy_serves_beside_slow_clients_and_refuses_big_bodies(
    kind, gunicorn, tmp_path
):
    if not BINARIES[kind]:
        if os.environ.get("REQUIRE_PROXIES"):
            pytest.fail(f"{kind} is not installed, and REQUIRE_PROXIES says it must be")
        pytest.skip(f"{kind} is not installed here (CI installs it and sets REQUIRE_PROXIES)")
    upstream, temp = gunicorn
    with Proxy(kind, upstream, tmp_path) as proxy:
        assert fetch(proxy.port, "/subscribe/")[0] == 200, proxy.output()
        slow = SlowClients("127.0.0.1", proxy.port, count=SLOW_CLIENTS, every=1.0).start()
        try:
            while slow.lines_sent < SLOW_CLIENTS:  # every one has sent a line more
                time.sleep(0.1)
            assert slow.still_open() == SLOW_CLIENTS
            # Straight to gunicorn, these would hold both its threads; through the proxy,
            # pages, the API and forms are answered meanwhile.
            for path in ["/subscribe/", "/api/v1/matrices", "/healthz", "/static/css/site.css"]:
                status, _ = fetch(proxy.port, path)
                assert status in (200, 503) if path == "/healthz" else status == 200, path
            status, body = fetch(
                proxy.port,
                "/subscribe/",
                f"email={kind}%40example.org".encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert status == 200 and b"Check your inbox" in body
        finally:
            slow.stop()
        # A body declared over the proxy's 3 MB is refused by the proxy, not the site, before
        # it is sent (the client sends a little of it and waits).
        head = (
            b"POST /subscribe/ HTTP/1.1\nHost: 127.0.0.1\nContent-Length: 4000000\n"
            b"Content-Type: application/x-www-form-urlencoded\n"
        )
        status, answer = raw_request(proxy.port, head, b"email=" + b"x" * 1000)
        assert status == 413 and b"Too much was sent at once" not in answer
        # A chunked body (no Content-Length) over the limit is refused as it is read.
        head = (
            b"POST /subscribe/ HTTP/1.1\nHost: 127.0.0.1\nTransfer-Encoding: chunked\n"
            b"Content-Type: application/x-www-form-urlencoded\n"
        )
        status, answer = raw_request(proxy.port, head, chunked(4_000_000))
        assert status == 413, answer[:300]
        # The import's larger limit lets the same body through to the site, whose own limit
        # for someone not signed in as staff refuses it with its page.
        status, body = fetch(
            proxy.port,
            "/admin/studies/document/import/",
            b"x" * 4_000_000,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 413 and b"Too much was sent at once" in body
    assert list(temp.iterdir()) == []
