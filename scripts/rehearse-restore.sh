#!/usr/bin/env bash
# Rehearse a backup and restore (run by .ci/run on PostgreSQL): back up a bank with pg_dump,
# restore it into a new database with pg_restore, and check that the restored bank exports
# exactly what the original did. Usage: scripts/rehearse-restore.sh [postgres://…/server]
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER="${1:-postgres://postgres@127.0.0.1:5432}"
SOURCE=evidence_bank_backup_source
TARGET=evidence_bank_backup_restored
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export DJANGO_SETTINGS_MODULE=config.settings DEBUG=1
PY=.venv/bin/python

for db in "$SOURCE" "$TARGET"; do
  psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
done
DATABASE_URL="$SERVER/$SOURCE" $PY manage.py migrate --noinput -v0
DATABASE_URL="$SERVER/$SOURCE" $PY manage.py load_demo -v0
DATABASE_URL="$SERVER/$SOURCE" $PY manage.py export_bank "$WORK/before.json"

# The backup, as docs/deploy.md schedules it, and the restore.
pg_dump --format=custom --no-owner --file="$WORK/bank.dump" "$SERVER/$SOURCE"
pg_restore --no-owner --dbname="$SERVER/$TARGET" "$WORK/bank.dump"
DATABASE_URL="$SERVER/$TARGET" $PY manage.py export_bank "$WORK/after.json"

$PY - "$WORK/before.json" "$WORK/after.json" <<'PYTHON'
import json, sys
before, after = (json.load(open(path)) for path in sys.argv[1:3])
assert before["objects"] == after["objects"], "the restored bank differs from the backup"
print(f"Restore rehearsed: {len(after['objects'])} rows came back identical.")
PYTHON
for db in "$SOURCE" "$TARGET"; do psql "$SERVER/postgres" -qc "DROP DATABASE $db"; done
