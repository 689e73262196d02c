#!/usr/bin/env bash
# Two app servers, two workers, one PostgreSQL and one Redis: an edit through one server is
# seen at once through the other (scripts/two_servers.py). Needs DATABASE_URL=postgres://…
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python scripts/two_servers.py "$@"
