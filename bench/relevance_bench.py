"""The relevance test set (part of make bench): nDCG@10 and recall@10 per kind of question on
the database the bench runs on, then on the other one (a throwaway database with the demo, in
a separate process: SQLite always; PostgreSQL when DATABASE_URL names a server or one answers on
127.0.0.1:5432), and how often both put the same five documents first."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432"
TARGETS = "targets: nDCG@10 ≥ 0.8 overall; no answerable question empty; top 5 agree ≥ 90%"


def _other_database(folder):
    """(vendor, url, cleanup) of the database this run is not on, or None."""
    if connection.vendor == "postgresql":
        return "sqlite", f"sqlite:///{folder}/relevance.sqlite3", None
    server = os.environ.get("DATABASE_URL", "").rpartition("/")[0] or PG_DEFAULT
    if not server.startswith("postgres"):
        server = PG_DEFAULT
    ready = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], capture_output=True)
    if ready.returncode != 0:
        return None
    psql = ["psql", f"{server}/postgres", "-q", "-c"]
    subprocess.run([*psql, "DROP DATABASE IF EXISTS evidence_bank_relevance"], check=True)
    subprocess.run([*psql, "CREATE DATABASE evidence_bank_relevance"], check=True)

    def cleanup():
        subprocess.run([*psql, "DROP DATABASE IF EXISTS evidence_bank_relevance WITH (FORCE)"])

    return "postgresql", f"{server}/evidence_bank_relevance", cleanup


def run():
    from search.relevance import evaluate

    results = evaluate.run()
    print(f"\nRelevance test set ({len(results)} questions), {connection.vendor}; {TARGETS}")
    print("\n".join(evaluate.table_lines(evaluate.summary(results))))
    print(f"answerable questions that found nothing: {evaluate.empty_answers(results) or 'none'}")
    here = {r["id"]: r["top5"] for r in results if "ndcg" in r}
    with tempfile.TemporaryDirectory() as folder:
        other = _other_database(folder)
        if other is None:
            print("(no PostgreSQL here: the other database's figures are not measured)")
            return
        vendor, url, cleanup = other
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
        env["DEBUG"] = "1"
        out = Path(folder) / "top5.json"
        try:
            manage = [sys.executable, "manage.py"]
            for args in (["migrate", "-v0"], ["load_demo", "-v0"]):
                subprocess.run(
                    [*manage, *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
                )
            shown = subprocess.run(
                [*manage, "relevance", "--json", str(out)],
                cwd=ROOT, env=env, check=True, capture_output=True, text=True,
            )  # fmt: skip
            print(f"\n{vendor}:\n{shown.stdout.rstrip()}")
            there = json.loads(out.read_text())
        finally:
            if cleanup:
                cleanup()
    share = evaluate.agreement(here, there)
    differ = [q for q in here if set(here[q]) != set(there.get(q, []))]
    print(
        f"\nfirst five documents the same set on both databases: {share:.0%} of "
        f"{len(here)} questions{' (differ: ' + ', '.join(differ) + ')' if differ else ''}"
    )
