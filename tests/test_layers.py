"""Layers point one way: each app imports only the apps below it, and there are no cycles."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "markup", "editorial", "mail", "citations", "studies", "matrix", "topics", "search",
    "subjects", "cite", "briefs", "feeds", "api", "feedback", "readers", "frontpage",
    "workplace", "demo", "config",
]  # fmt: skip
# Each app may import only the apps listed before it here (config wires everything).
MAY_NOT_IMPORT = {
    "markup": set(APPS) - {"markup"},
    "editorial": set(APPS) - {"editorial", "markup"},
    "mail": set(APPS) - {"mail"},
    # The bank parses names, dates and DOIs with citations, so citations knows no app.
    "citations": set(APPS) - {"citations"},
    "studies": set(APPS[APPS.index("studies") + 1 :]),
    "matrix": set(APPS[APPS.index("matrix") + 1 :]),
    "topics": set(APPS[APPS.index("topics") + 1 :]),
    "search": set(APPS[APPS.index("search") + 1 :]),
    "subjects": set(APPS[APPS.index("subjects") + 1 :]),
    "cite": set(APPS[APPS.index("cite") + 1 :]),
    # A brief reads cells, documents and their citations; nothing below knows of briefs.
    "briefs": set(APPS[APPS.index("briefs") + 1 :]) | {"search", "subjects", "topics"},
    "feeds": set(APPS[APPS.index("feeds") + 1 :]),
}


def imports_of(app):
    """{other app: [files importing it]} for every module of ``app`` (migrations aside)."""
    found = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in APPS and top != app:
                    found.setdefault(top, []).append(str(path.relative_to(ROOT)))
    return found


GRAPH = {app: imports_of(app) for app in APPS}


@pytest.mark.parametrize("app", MAY_NOT_IMPORT)
def test_lower_layers_know_nothing_of_the_apps_above(app):
    forbidden = {
        other: files for other, files in GRAPH[app].items() if other in MAY_NOT_IMPORT[app]
    }
    assert forbidden == {}


def test_there_are_no_import_cycles_between_apps():
    def visit(app, path):
        for other in GRAPH[app]:
            if other == "config":
                continue
            assert other not in path, " -> ".join([*path, app, other])
            visit(other, [*path, app])

    for app in APPS:
        if app != "config":
            visit(app, [])
