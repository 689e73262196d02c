"""make test-api: Schemathesis, the property-based API tester, against a running site.

gunicorn with the production settings on a throwaway database with the demo content (SQLite,
or PostgreSQL when DATABASE_URL names a server), then ``schemathesis run`` on its OpenAPI
description with every check, all its phases (examples, coverage, fuzzing and the stateful
tests that follow links between operations), API_EXAMPLES examples an operation (100), once
with a fixed seed and once with a random one (printed, so a failure can be replayed). Exits
non-zero on any failure.

The fuzzer is one address making thousands of requests, so the per-address search limit is
lifted for the run; the 429 and 503 it would meet are described and have their own tests
(tests/test_search_limits.py). schemathesis.toml adds 414, which the API answers for an
address over API_MAX_ADDRESS_BYTES whatever its parameters, to the statuses Schemathesis
takes for a valid or an invalid request.
"""

import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.serving import Site  # noqa: E402

SCHEMATHESIS = str(ROOT / ".venv" / "bin" / "schemathesis")
EXAMPLES = os.environ.get("API_EXAMPLES", "100")
FIXED_SEED = 1


def run(url, seed):
    print(f"\nSchemathesis, seed {seed}, {EXAMPLES} examples an operation: {url}", flush=True)
    start = time.monotonic()
    result = subprocess.run(
        [SCHEMATHESIS, "run", url, "--checks", "all", "--max-examples", EXAMPLES,
         "--seed", str(seed)],
        cwd=ROOT,
    )  # fmt: skip
    print(f"(seed {seed}: {time.monotonic() - start:.0f} s)", flush=True)
    return result.returncode


def main():
    site = Site(
        "api",
        redis_db=11,
        SEARCH_RATE="1000000/m",
        SEARCH_CONCURRENCY="8",
        SEARCH_MACHINE_CONCURRENCY="64",
        SEARCH_MACHINE_SHARE="1",
    )
    print(f"API contract on {site.database}: preparing a site with the demo content…", flush=True)
    try:
        site.prepare(compress=False)
        # gunicorn's "no limit" (0; it then reads request lines up to 1 MB), so every
        # over-long address the fuzzer makes meets the API's own 414 (API_MAX_ADDRESS_BYTES),
        # not gunicorn's plain page for lines over its 8190-byte maximum, a limit of the
        # server, not of the contract.
        port = site.serve(WEB_LIMIT_REQUEST_LINE="0")
        url = f"http://127.0.0.1:{port}/api/v1/openapi.json"
        failed = [seed for seed in (FIXED_SEED, random.randrange(2, 2**31)) if run(url, seed)]
    finally:
        site.close()
    if failed:
        sys.exit(f"Schemathesis found failures (seeds {', '.join(map(str, failed))}).")
    print("\nSchemathesis: no failures.")


if __name__ == "__main__":
    main()
