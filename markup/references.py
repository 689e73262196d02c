"""Internal references in the editors' markup: parsing, URLs, and resolution in one query.

A reference names a thing, never a URL: ``kind:key`` optionally followed by ``#anchor``, for
every kind an app has registered (``doc:``, ``cell:``, ``topic:``…); a bare ``#anchor`` points
into the page the text is shown on.
"""

import re
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, CharField, F, Q, Value, When
from django.db.models.functions import Concat

from .registry import reference_kinds, reserved_ids

ANCHOR_RE = re.compile(r"^[a-z][a-z0-9-]{0,79}$")


class ReferenceError(ValueError):
    """A reference that cannot even be parsed."""


@dataclass(frozen=True)
class Reference:
    kind: str
    key: str  # a slug, or "alcohol/E4" for cells
    anchor: str = ""

    @property
    def page(self):
        """The page key anchors are registered under, e.g. ``cell:alcohol/E4``."""
        return f"{self.kind}:{self.key}"

    def __str__(self):
        return self.page + (f"#{self.anchor}" if self.anchor else "")

    @property
    def definition(self):
        return reference_kinds()[self.kind]

    def describe(self):
        kind = self.definition
        return kind.describe(self.key) if kind.describe else f"{kind.label} '{self.key}'"

    def url(self):
        kind = self.definition
        if not kind.linkable:
            raise ReferenceError(f"{kind.label}s are placed, not linked")
        path = kind.url(self.key)
        if self.anchor:
            if kind.anchors_open_bite:
                path += "?bite=open"
            path += f"#{self.anchor}"
        return path


def is_reference(href):
    kind, colon, _ = href.partition(":")
    return bool(colon) and kind in reference_kinds()


def parse(target):
    """Parse ``kind:key#anchor``; raise ReferenceError with a message naming the problem."""
    kind_name, _, rest = target.partition(":")
    key, _, anchor = rest.partition("#")
    key = key.strip()
    kind = reference_kinds().get(kind_name)
    if kind is None:
        raise ReferenceError(f"unknown kind of reference '{kind_name}:'")
    if anchor and not ANCHOR_RE.match(anchor):
        raise ReferenceError(f"'{anchor}' is not a valid anchor name in '{target}'")
    if anchor and not kind.anchors:
        raise ReferenceError(f"a {kind.label} reference cannot carry an anchor")
    try:
        key = kind.normalised(key)
    except ValueError as exc:
        raise ReferenceError(f"{exc} in '{target}'") from None
    return Reference(kind_name, key, anchor)


def anchor_name_problem(name):
    """Why ``name`` cannot name a passage or section, or "" if it can."""
    if not ANCHOR_RE.match(name):
        return (
            f"'{name}' is not a valid name: use lowercase letters, digits and hyphens, "
            "starting with a letter"
        )
    reserved = reserved_ids()
    if name in reserved.names:
        return f"'{name}' is reserved for {reserved.names[name]}"
    for prefix, what in reserved.prefixes.items():
        if name.startswith(prefix):
            return f"'{name}' is reserved: names starting '{prefix}' are kept for {what}"
    for suffix, what in reserved.suffixes.items():
        if name.endswith(suffix):
            return f"'{name}' is reserved: names ending '{suffix}' are kept for {what}"
    return ""


@dataclass
class Resolution:
    """What exists among the targets asked about, and whether readers may see it."""

    pages: dict = field(default_factory=dict)  # "doc:slug" -> public?
    anchors: dict = field(default_factory=dict)  # "doc:slug#name" -> public?
    taken: dict = field(default_factory=dict)  # name -> label of what already uses it

    def exists(self, target):
        page, _, anchor = target.partition("#")
        if page not in self.pages:
            return False
        return not anchor or target in self.anchors

    def public(self, target):
        page, _, anchor = target.partition("#")
        if not self.pages.get(page, False):
            return False
        return not anchor or self.anchors.get(target, False)


def _rows(queryset, key_parts, public, label=None):
    label = Value("") if label is None else label
    return (
        queryset.annotate(
            ref_key=Concat(*key_parts, output_field=CharField()),
            ref_public=public,
            ref_label=Concat(label, Value(""), output_field=CharField()),
        )
        .order_by()
        .values_list("ref_key", "ref_public", "ref_label")
    )


def _public(q):
    if not q:
        return Value(True, output_field=BooleanField())
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def resolve(references, anchors=(), *, exclude_source=None, own_page=None, defined=()):
    """Say which targets exist and which are public, asking the database exactly once.

    ``references`` are Reference objects (their pages are checked); ``anchors`` are
    (page, name) pairs. ``defined`` are the names a text is about to define on ``own_page``:
    any already registered there by another source than ``exclude_source`` come back in
    ``taken`` with what defines them. Anchors registered by ``exclude_source`` (the text being
    checked, whose old anchors may be stale) do not count.
    """
    from .models import Anchor

    kinds = reference_kinds()
    by_kind = {}
    for ref in references:
        by_kind.setdefault(ref.kind, set()).add(ref.page)
    parts = []
    for name, pages in by_kind.items():
        kind = kinds[name]
        model = kind.get_model()
        parts.append(
            _rows(
                model._default_manager.all(),
                (Value(f"{name}:"), *kind.key_parts),
                _public(kind.public_q()),
            ).filter(ref_key__in=pages)
        )
    if anchors:
        wanted = {f"{page}#{name}" for page, name in anchors}
        registered = Anchor.objects.filter(page__in={page for page, _ in anchors})
        if exclude_source:
            registered = registered.exclude(source=exclude_source)
        parts.append(
            _rows(registered, ("page", Value("#"), "name"), _public(Q(public=True))).filter(
                ref_key__in=wanted
            )
        )
    if own_page and defined:
        taken = Anchor.objects.filter(page=own_page, name__in=set(defined))
        if exclude_source:
            taken = taken.exclude(source=exclude_source)
        parts.append(_rows(taken, (Value("="), "name"), _public(Q(public=True)), label=F("label")))
    resolution = Resolution()
    if not parts:
        return resolution
    query = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True).order_by()
    for key, public, label in query:
        if key.startswith("="):
            resolution.taken[key[1:]] = label
        elif "#" in key:
            resolution.anchors[key] = bool(public)
        else:
            resolution.pages[key] = bool(public)
    return resolution
