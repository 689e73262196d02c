"""A local server speaking the literature services' documented formats (NCBI E-utilities,
Crossref's REST API, OpenAlex), and their failures, for the watches' tests and benchmark.
Nothing reaches the internet: the clients' base addresses point here.

Answers are set per test: ``server.answer(path_start, body, status=200, headers=None,
delay=0)`` queues answers for requests whose path starts so (the last one repeats; a callable
body is called with the request's parameters); ``server.requests`` records each request's
path, parameters, headers and time.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeLiterature:
    def __init__(self):
        self.requests = []
        self._answers = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                with server._lock:
                    server.requests.append(
                        {"path": parts.path, "params": params, "headers": dict(self.headers),
                         "at": time.monotonic()}
                    )  # fmt: skip
                status, headers, body, delay = server._next(parts.path)
                if callable(body):
                    body = body(params)
                    body = body.encode() if isinstance(body, str) else body
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def answer(self, path_start, body, status=200, headers=None, delay=0):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            headers = {"Content-Type": "application/json", **(headers or {})}
        if isinstance(body, str):
            body = body.encode()
        # A callable body is answered per request (see the handler): bytes or text.
        with self._lock:
            self._answers.setdefault(path_start, []).append((status, headers or {}, body, delay))

    def _next(self, path):
        with self._lock:
            for start in sorted(self._answers, key=len, reverse=True):
                if path.startswith(start):
                    queue = self._answers[start]
                    return queue.pop(0) if len(queue) > 1 else queue[0]
        return 404, {}, b"not found", 0

    def paths(self):
        return [r["path"] for r in self.requests]

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
