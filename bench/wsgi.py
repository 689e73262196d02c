"""Timing pages as gunicorn serves them, against a baseline timed alternately with them.

Requests go through Django's WSGI handler: every middleware, the view and its templates. Not
the test client, which (after ``setup_test_environment()``) copies every template's context
for a test to inspect, a cost no reader pays.

Every figure is paired: each run times the page and its baseline one after the other, the
first of the two alternating, so noise from the machine falls on both alike. What is printed
is the medians and the median of the per-run ratios with their min and max.
"""

import statistics
import time
from dataclasses import dataclass

from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory


class Server:
    """GET through the WSGI handler, optionally with a cookie (a signed-in session)."""

    def __init__(self, cookie=""):
        self.handler = WSGIHandler()
        self.factory = RequestFactory()
        self.cookie = cookie

    def get(self, url, **headers):
        if self.cookie:
            headers.setdefault("HTTP_COOKIE", self.cookie)
        status = []
        environ = self.factory.get(url, **headers).environ
        body = self.handler(environ, lambda s, h, e=None: status.append(s))
        content = b"".join(body)
        body.close()
        assert status[0].startswith("200"), (url, status[0])
        return content


def statements_of(server, url):
    """The SQL one request runs, with its parameters, to replay as its baseline."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        server.get(url)
    return statements


def replay(statements):
    """A baseline: run ``statements`` on a cursor, fetching every row; ms."""
    connection.ensure_connection()  # the handler closes it between requests
    with connection.cursor() as cursor:
        start = time.perf_counter()
        for sql, params in statements:
            cursor.execute(sql, params)
            if cursor.description is not None:
                cursor.fetchall()
        return (time.perf_counter() - start) * 1000


def timed(action):
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def paired(measure, baseline, runs):
    """``runs`` pairs of (measure ms, baseline ms), the first of each pair alternating."""
    pairs = []
    for run in range(runs):
        if run % 2:
            b = baseline()
            m = measure()
        else:
            m = measure()
            b = baseline()
        pairs.append((m, b))
    return pairs


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


@dataclass
class Paired:
    measured: list
    baselines: list

    @classmethod
    def of(cls, pairs):
        return cls([m for m, _ in pairs], [b for _, b in pairs])

    @property
    def ratios(self):
        return [m / b for m, b in zip(self.measured, self.baselines, strict=True) if b > 0]

    @property
    def p50(self):
        return statistics.median(self.measured)

    @property
    def p95(self):
        return percentile(self.measured, 95)

    @property
    def baseline_p50(self):
        return statistics.median(self.baselines)

    @property
    def ratio(self):
        return statistics.median(self.ratios)

    def ratio_range(self):
        ratios = self.ratios
        return min(ratios), max(ratios)
