"""What the apps above add to the markup: reference kinds, constructs and placements.

``markup`` knows no app. Each app registers, in its ``AppConfig.ready()``, the kinds of thing
a text may link to (``doc:``, ``cell:``…), the Markdown constructs it adds, and the things a
text may place on a line of their own (``[[chart:slug]]``). The renderer, the sanitiser, the
one-query reference check and the admin's cheat sheet all read from here.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class ReferenceKind:
    """A kind of thing a text may name: ``name:key#anchor``.

    ``key_parts`` are the expressions (field names or Value()) whose concatenation is the key,
    so existence can be checked in SQL; ``public_q`` returns the Q of rows readers may see.
    """

    name: str
    label: str
    model: str  # "studies.Document"
    url: object  # callable(key) -> path
    public_q: object  # callable() -> Q
    key_parts: tuple = ("slug",)
    normalise: object = None  # callable(key) -> key or raise ValueError(message)
    linkable: bool = True  # False: placed ([[chart:…]]), never linked
    anchors: bool = True  # may carry "#anchor"
    anchors_open_bite: bool = False
    describe: object = None  # callable(key) -> how messages name it
    lookup: object = None  # callable(words) -> [(label, key)], for editors finding a target
    example: str = ""

    @property
    def css_class(self):
        """The class of a link to one of these (``ref-doc``): the sanitiser keeps it."""
        return f"ref-{self.name}"

    def get_model(self):
        return apps.get_model(self.model)

    def normalised(self, key):
        if self.normalise:
            return self.normalise(key)
        if not SLUG_RE.match(key):
            raise ValueError(f"'{key}' is not a valid slug")
        return key


@dataclass(frozen=True)
class Construct:
    """A piece of markup: a Python-Markdown extension and the HTML it may emit."""

    name: str
    extension: object  # callable(collected) -> markdown.Extension
    tags: frozenset = frozenset()
    attributes: dict = field(default_factory=dict)  # tag -> set of attribute names
    classes: frozenset = frozenset()
    help: str = ""
    order: int = 100


@dataclass(frozen=True)
class Placement:
    """A thing placed on a line of its own, ``[[name:slug]]``, drawn by its app when the text
    is saved. ``draw(slugs)`` returns {slug: trusted html} in one query."""

    name: str
    draw: object
    anchor_prefix: str
    help: str = ""


@dataclass
class ReservedIds:
    """Element ids the pages' own templates use, which no passage or section may take."""

    names: dict = field(default_factory=dict)  # id -> what uses it
    prefixes: dict = field(default_factory=dict)
    suffixes: dict = field(default_factory=dict)


_kinds = {}
_constructs = {}
_placements = {}
_reserved = ReservedIds()
_version = [0]  # moves with every registration: what is derived from the registries is stale


def register_reference_kind(kind):
    _kinds[kind.name] = kind
    _version[0] += 1


def unregister_reference_kind(name):
    _kinds.pop(name, None)
    _version[0] += 1


def register_construct(construct):
    _constructs[construct.name] = construct
    _version[0] += 1


@contextmanager
def temporarily(kind):
    """Register a reference kind for the length of a ``with`` block (tests)."""
    before = _kinds.get(kind.name)
    register_reference_kind(kind)
    try:
        yield kind
    finally:
        unregister_reference_kind(kind.name)
        if before is not None:
            register_reference_kind(before)


def version():
    """A number that changes whenever a kind or construct is registered (caches key on it)."""
    return _version[0]


def register_placement(placement):
    _placements[placement.name] = placement


def reserve_ids(what, names=(), prefixes=(), suffixes=()):
    """Keep element ids for a page's own template (``what`` says whose, for messages)."""
    for name in names:
        _reserved.names[name] = what
    for prefix in prefixes:
        _reserved.prefixes[prefix] = what
    for suffix in suffixes:
        _reserved.suffixes[suffix] = what


def reserved_ids():
    return _reserved


def reference_kinds():
    return _kinds


def constructs():
    return sorted(_constructs.values(), key=lambda c: (c.order, c.name))


def placements():
    return _placements


def cheat_sheet():
    """One line of help per reference kind, construct and placement, for the admin."""
    parts = [f"[text]({k.example})" for k in _kinds.values() if k.linkable and k.example]
    parts.append("[text](#anchor)")
    parts.extend(c.help for c in constructs() if c.help)
    parts.extend(p.help for p in _placements.values() if p.help)
    return "Markup: Markdown plus " + ", ".join(parts) + "."
