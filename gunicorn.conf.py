"""gunicorn's settings for the Evidence Bank (``gunicorn config.wsgi``), from the environment.

Each variable below can be overridden with an environment variable of the same name in
capitals (WEB_WORKERS, WEB_THREADS, WEB_BIND, WEB_TIMEOUT).
"""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
# Threads serve the I/O-bound requests (database, cache); processes use the cores.
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", "2"))
worker_class = "gthread"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 5000  # recycle workers now and then
max_requests_jitter = 500
accesslog = "-"  # access log to stdout; the application logs JSON to stderr
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" id=%({x-request-id}o)s'
# gunicorn 27 opens a control socket in the home folder by default, so two instances on one
# host collide; this site does not use it.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
