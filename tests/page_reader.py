"""Another app server, for tests: a process of its own that reads pages as an anonymous reader
from the test database, with the page cache in the Redis at argv[1]. One path per line on
stdin; one JSON line per page on stdout: its status, X-Page-Cache and text.

Run by tests/test_redis_down.py with tests.workers.worker_env().
"""

import json
import sys

import django


def main():
    django.setup()
    from django.test import Client, override_settings

    from tests.redis_servers import redis_caches

    with override_settings(CACHES=redis_caches(sys.argv[1]), PAGE_CACHE_ENABLED=True):
        for line in sys.stdin:
            response = Client().get(line.strip())
            answer = {
                "status": response.status_code,
                "cache": response.headers.get("X-Page-Cache"),
                "text": response.content.decode(errors="replace"),
            }
            print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
