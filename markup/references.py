"""Internal references in the editors' markup: parsing, URLs, and resolution in one query.

A reference names a thing, never a URL: ``doc:SLUG``, ``cell:alcohol/E4``, ``topic:SLUG``,
``matrix:alcohol``, ``chart:SLUG``, optionally followed by ``#anchor``; a bare ``#anchor``
points into the page the text is shown on.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse

ANCHOR_RE = re.compile(r"^[a-z][a-z0-9-]{0,79}$")
RESERVED_ANCHORS = frozenset(
    {"bite", "main", "content", "entries", "top", "legend", "search", "nav", "site-nav"}
)
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CELL_RE = re.compile(r"^(?P<matrix>[a-z0-9][a-z0-9-]*)/(?P<column>[A-Ea-e])(?P<row>[1-5])$")
KINDS = ("doc", "cell", "topic", "matrix", "chart")
KIND_LABELS = {
    "doc": "document",
    "cell": "cell",
    "topic": "hot topic",
    "matrix": "matrix",
    "chart": "chart",
}


class ReferenceError(ValueError):
    """A reference that cannot even be parsed."""


@dataclass(frozen=True)
class Reference:
    kind: str  # one of KINDS
    key: str  # slug, or "alcohol/E4" for cells
    anchor: str = ""

    @property
    def page(self):
        """The page key anchors are registered under, e.g. ``cell:alcohol/E4``."""
        return f"{self.kind}:{self.key}"

    def __str__(self):
        return self.page + (f"#{self.anchor}" if self.anchor else "")

    def describe(self):
        label = KIND_LABELS[self.kind]
        if self.kind == "cell":
            matrix, code = self.key.split("/")
            return f"{label} {matrix} {code}"
        return f"{label} '{self.key}'"

    def url(self):
        if self.kind == "doc":
            path = reverse("studies:document", args=[self.key])
        elif self.kind == "cell":
            matrix, code = self.key.split("/")
            path = reverse("matrix:cell", args=[matrix, code])
            if self.anchor:
                # Anchors on a cell page are mostly inside the folded Matrix Bite.
                path += "?bite=open"
        elif self.kind == "topic":
            path = reverse("topics:topic", args=[self.key])
        elif self.kind == "matrix":
            path = reverse("matrix:matrix", args=[self.key])
        else:
            raise ReferenceError(f"{self.kind} references are placed, not linked")
        return path + (f"#{self.anchor}" if self.anchor else "")


def parse(target):
    """Parse ``kind:key#anchor``; raise ReferenceError with a message naming the problem."""
    kind, _, rest = target.partition(":")
    key, _, anchor = rest.partition("#")
    key = key.strip()
    if kind not in KINDS:
        raise ReferenceError(f"unknown kind of reference '{kind}:'")
    if anchor and not ANCHOR_RE.match(anchor):
        raise ReferenceError(f"'{anchor}' is not a valid anchor name in '{target}'")
    if kind == "cell":
        m = CELL_RE.match(key)
        if not m:
            raise ReferenceError(
                f"'{target}' is not a cell reference; write it like cell:alcohol/E4"
            )
        key = f"{m['matrix']}/{m['column'].upper()}{m['row']}"
    elif not SLUG_RE.match(key):
        raise ReferenceError(f"'{key}' in '{target}' is not a valid slug")
    if anchor and kind in ("matrix", "chart"):
        raise ReferenceError(f"a {KIND_LABELS[kind]} reference cannot carry an anchor")
    return Reference(kind, key, anchor)


def _keys(queryset, *parts):
    return (
        queryset.annotate(ref_key=Concat(*parts, output_field=CharField()))
        .order_by()
        .values_list("ref_key", flat=True)
    )


def existing_keys(references, anchors, exclude_source=None):
    """Return which of the given targets exist, asking the database exactly once.

    ``references`` are Reference objects (their pages are checked); ``anchors`` are
    (page, name) pairs. The answer is a set of strings like ``doc:slug`` and
    ``cell:alcohol/E4#about``. Anchors registered by ``exclude_source`` (the text being
    checked, whose old anchors may be stale) do not count.
    """
    by_kind = {kind: set() for kind in KINDS}
    for ref in references:
        by_kind[ref.kind].add(ref.key)
    parts = []
    Document = apps.get_model("studies", "Document")
    HotTopic = apps.get_model("topics", "HotTopic")
    Matrix = apps.get_model("matrix", "Matrix")
    Chart = apps.get_model("matrix", "Chart")
    Cell = apps.get_model("matrix", "Cell")
    Anchor = apps.get_model("markup", "Anchor")
    for kind, model in (("doc", Document), ("topic", HotTopic), ("chart", Chart)):
        if by_kind[kind]:
            parts.append(
                _keys(model.objects.filter(slug__in=by_kind[kind]), Value(f"{kind}:"), "slug")
            )
    if by_kind["matrix"]:
        parts.append(
            _keys(Matrix.objects.filter(slug__in=by_kind["matrix"]), Value("matrix:"), "slug")
        )
    if by_kind["cell"]:
        cell_keys = [f"cell:{key}" for key in by_kind["cell"]]
        parts.append(
            _keys(
                Cell.objects.all(),
                Value("cell:"),
                "matrix__slug",
                Value("/"),
                "column__code",
                Cast("row__number", CharField()),
            ).filter(ref_key__in=cell_keys)
        )
    if anchors:
        anchor_keys = [f"{page}#{name}" for page, name in anchors]
        registered = Anchor.objects.filter(page__in={page for page, _ in anchors})
        if exclude_source:
            registered = registered.exclude(source=exclude_source)
        parts.append(
            _keys(
                registered,
                "page",
                Value("#"),
                "name",
            ).filter(ref_key__in=anchor_keys)
        )
    if not parts:
        return set()
    if len(parts) == 1:
        return set(parts[0])
    return set(parts[0].union(*parts[1:], all=True).order_by())
