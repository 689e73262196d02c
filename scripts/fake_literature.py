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
        self.keep_requests = True  # off while the benchmark measures the client's memory
        self._answers = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                with server._lock:
                    if server.keep_requests:
                        server.requests.append(
                            {"path": parts.path, "params": params,
                             "headers": dict(self.headers), "at": time.monotonic()}
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


# PubMed XML, as efetch writes it (retmode=xml), for the tests' and the benchmark's answers.


def efetch_xml(*articles):
    return (
        '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
        '1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
        f"<PubmedArticleSet>{''.join(articles)}</PubmedArticleSet>"
    )


def pubmed_article(pmid, title, types=("Journal Article",), links=(), doi="", date=None):
    """One PubmedArticle as efetch's XML gives it: its types, its CommentsCorrections
    (``links``: (RefType, PMID)), its DOI and its electronic date ((year, month, day))."""
    types_xml = "".join(f"<PublicationType>{t}</PublicationType>" for t in types)
    links_xml = "".join(
        f'<CommentsCorrections RefType="{kind}"><RefSource>Test Journal</RefSource>'
        f'<PMID Version="1">{linked}</PMID></CommentsCorrections>'
        for kind, linked in links
    )
    date_xml = (
        '<ArticleDate DateType="Electronic"><Year>{}</Year><Month>{:02d}</Month>'
        "<Day>{:02d}</Day></ArticleDate>".format(*date)
        if date
        else ""
    )
    doi_xml = f'<ArticleId IdType="doi">{doi}</ArticleId>' if doi else ""
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
        f'<PMID Version="1">{pmid}</PMID><Article PubModel="Print-Electronic">'
        f"<Journal><JournalIssue><PubDate><Year>2026</Year></PubDate></JournalIssue></Journal>"
        f"<ArticleTitle>{title}</ArticleTitle>{date_xml}"
        f"<PublicationTypeList>{types_xml}</PublicationTypeList></Article>"
        f"<CommentsCorrectionsList>{links_xml}</CommentsCorrectionsList></MedlineCitation>"
        f'<PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId>{doi_xml}'
        "</ArticleIdList></PubmedData></PubmedArticle>"
    )
