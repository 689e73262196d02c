"""A local server speaking the literature services' documented formats (NCBI E-utilities,
Crossref's REST API, OpenAlex), and their failures, for the watches' tests. Nothing reaches
the internet: the clients' base addresses point here.

Answers are set per test: ``server.answer(path_start, body, status=200, headers=None)``
queues answers for requests whose path starts so (the last one repeats); ``server.requests``
records each request's path, parameters and headers.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# Test content in our own words: no real paper's facts.
ESEARCH = {
    "header": {"type": "esearch"},
    "esearchresult": {"count": "2", "idlist": ["9000001", "9000002"]},
}
EFETCH = """PMID- 9000001
TI  - A trial of linking patients to peer groups after treatment.
AU  - Tester A
AU  - Example B
DP  - 2026 Mar
TA  - J Test Stud
AID - 10.5555/test.0001 [doi]
AB  - Patients were linked to groups; attendance rose.

PMID- 9000002
TI  - Mutual aid meetings and outcomes: a cohort.
AU  - Sample C
DP  - 2025
TA  - Test Rev
AB  - A cohort followed for a year.
"""
CROSSREF_WORKS = {
    "status": "ok",
    "message-type": "work-list",
    "message": {
        "items": [
            {
                "DOI": "10.5555/test.0003",
                "type": "journal-article",
                "title": ["Peer referral to mutual aid: a test record"],
                "author": [{"family": "Tester", "given": "Ann"}],
                "container-title": ["Journal of Test Studies"],
                "issued": {"date-parts": [[2026, 2]]},
            },
            {
                "DOI": "10.5555/test.0004",
                "type": "journal-article",
                "title": ["A second test record about aftercare"],
                "author": [{"family": "Example", "given": "Ben"}],
                "issued": {"date-parts": [[2025]]},
            },
        ]
    },
}
CROSSREF_NOTICES = {
    "status": "ok",
    "message": {
        "items": [
            {
                "DOI": "10.5555/notice.0001",
                "update-to": [
                    {
                        "DOI": "10.5555/TEST.0001",
                        "type": "retraction",
                        "source": "retraction-watch",
                        "updated": {"date-parts": [[2026, 5, 4]]},
                    },
                    {"DOI": "10.5555/other", "type": "correction"},
                ],
            }
        ]
    },
}
OPENALEX_WORK = {
    "id": "https://openalex.org/W100",
    "doi": "https://doi.org/10.5555/test.0001",
    "display_name": "A trial of linking patients",
    "is_retracted": True,
}
OPENALEX_CITING = {
    "meta": {"count": 1},
    "results": [
        {
            "id": "https://openalex.org/W200",
            "doi": "https://doi.org/10.5555/test.0005",
            "display_name": "A later test study that cites the trial",
            "publication_year": 2026,
            "authorships": [{"author": {"display_name": "Cara Citer"}}],
            "primary_location": {"source": {"display_name": "Test Journal"}},
            "ids": {"pmid": "https://pubmed.ncbi.nlm.nih.gov/9000009"},
            "abstract_inverted_index": {"Linking": [0], "patients": [1], "helped.": [2]},
        }
    ],
}  # fmt: skip


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
