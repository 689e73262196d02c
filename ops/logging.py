"""Structured logs: JSON lines with the request id, for production."""

import logging

from pythonjsonlogger.json import JsonFormatter

from .middleware import request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        # Django logs a request's error response after the middleware has finished with it,
        # so the record's own request is asked first.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "id", None) or request_id.get()
        return True


class JsonLogFormatter(JsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level"})
        super().__init__(*args, **kwargs)


class QuietHeartbeatFilter(logging.Filter):
    """On the ``django.tasks`` logger: its "Task … state=RUNNING/SUCCESSFUL" lines about the
    worker's heartbeat (ops/tasks.py, every 30 s) become DEBUG, so they are not printed at
    INFO. A heartbeat that fails is still an ERROR."""

    TASK_PATH = "ops.tasks.heartbeat"

    def filter(self, record):
        if record.levelno >= logging.WARNING or self.TASK_PATH not in (record.args or ()):
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
