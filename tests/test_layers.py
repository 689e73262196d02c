"""Layers point one way: each package imports only the layers below its own, and there are no
cycles. Every Python package of the project (apps, ops, hooks, scripts, bench, the tests) has
its place in LAYERS."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Bottom first. A package may import the packages of the layers before its own, never those of
# its own layer or of a later one.
LAYERS = [
    ("hooks", "mail", "ops"),  # the registries' convention, the outbox, the machinery
    ("markup",),  # knows no app
    ("editorial", "citations"),  # the write path; reading and writing citations
    ("pagecache",),  # a refresher of the write path
    ("studies",),  # the bank
    ("matrix", "topics"),
    ("search",),
    ("subjects", "cite"),
    ("briefs", "feeds", "api", "feedback", "readers", "watch"),
    ("frontpage", "workplace"),  # the public site; the editors' workplace
    ("demo",),  # loads the demo through the workplace's rules
    ("config",),  # wires everything
    ("scripts",),  # serve the whole site, for the checks and benchmarks below
    ("bench",),  # measure the site; the tests measure nothing they would share
    ("tests",),
]
# Narrower than its layer: a brief reads cells, documents and their citations.
ALSO_MAY_NOT_IMPORT = {"briefs": {"search", "subjects", "topics"}}
# Imports against the layers, each with why it stands; the list only shrinks.
ALLOWED = {
    # After an import the stored pages must go; pagecache itself builds on ops.
    ("ops", "pagecache"): {"ops/management/commands/import_bank.py"},
}

PACKAGES = [name for layer in LAYERS for name in layer]
LEVEL = {name: level for level, layer in enumerate(LAYERS) for name in layer}


def imports_of(package):
    """{other package: [files importing it]} for every module of ``package`` (migrations
    aside), imports inside functions included."""
    found = {}
    for path in (ROOT / package).rglob("*.py"):
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
                if top in LEVEL and top != package:
                    found.setdefault(top, []).append(str(path.relative_to(ROOT)))
    return found


GRAPH = {package: imports_of(package) for package in PACKAGES}


def test_every_python_package_has_its_layer():
    packages = {
        path.name
        for path in ROOT.iterdir()
        if path.is_dir() and not path.name.startswith(".") and any(path.rglob("*.py"))
    }
    assert packages - {"node_modules"} == set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_only_the_layers_below_its_own(package):
    forbidden = {
        other: sorted(set(files) - ALLOWED.get((package, other), set()))
        for other, files in GRAPH[package].items()
        if LEVEL[other] >= LEVEL[package] or other in ALSO_MAY_NOT_IMPORT.get(package, ())
    }
    assert {other: files for other, files in forbidden.items() if files} == {}


def test_there_are_no_import_cycles_between_packages():
    def visit(package, path):
        for other, files in GRAPH[package].items():
            if set(files) <= ALLOWED.get((package, other), set()):
                continue
            assert other not in path, " -> ".join([*path, package, other])
            visit(other, [*path, package])

    for package in PACKAGES:
        visit(package, [])
