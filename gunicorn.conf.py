"""gunicorn's settings for the Evidence Bank (``gunicorn config.wsgi``), from the environment.

Each variable below can be overridden with an environment variable of the same name in
capitals (WEB_WORKERS, WEB_THREADS, WEB_BIND, WEB_TIMEOUT, WEB_MAX_REQUESTS,
WEB_LIMIT_REQUEST_LINE).

What this assumes of the proxy in front (Caddy or nginx, as docs/deploy.md configures them;
tests/test_proxies.py runs both):

- It reads each request whole, headers and body, before passing it on. A gthread worker gives
  a request one of its threads until it is answered, so a client sending a header line every
  few seconds, straight to gunicorn, holds a thread for as long as it likes: a dozen such
  clients hold every thread and the site stops answering (scripts/slow_clients.py shows it).
  Behind the proxy, gunicorn only ever reads from the proxy, at once.
- It refuses bodies over its limit (3 MB, 10 MB for the citation import) and times out slow
  clients itself; the site refuses what gets past over REQUEST_MAX_BYTES in any case.
- It sets X-Forwarded-For and X-Forwarded-Proto and is the only one who can: gunicorn trusts
  them from FORWARDED_ALLOW_IPS (the proxy on this machine), the site counts PROXY_COUNT
  addresses from the right of X-Forwarded-For for the reader's own.
- It keeps idle connections to gunicorn for less than ``keepalive`` (Caddy: 4 s; nginx opens
  one per request), so gunicorn never closes one the proxy is about to reuse.
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
keepalive = 5  # longer than the proxy keeps an idle connection to us (see above)
# Recycle workers now and then (0: never; the serving benchmark sets it, since a worker
# starting again mid-measurement costs its neighbours a second of both cores).
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = "-"  # access log to stdout; the application logs JSON to stderr
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" id=%({x-request-id}o)s'
# gunicorn 27 opens a control socket in the home folder by default, so two instances on one
# host collide; this site does not use it.
control_socket_disable = True
# The longest request line gunicorn reads (its maximum; its default is 4094): the API draws
# its own line lower (API_MAX_ADDRESS_BYTES) and answers it in its documented 414, which
# gunicorn's own plain page would otherwise pre-empt. 0: 1 MB, gunicorn's "no limit"
# (make test-api, see there).
limit_request_line = int(os.environ.get("WEB_LIMIT_REQUEST_LINE", "8190"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
