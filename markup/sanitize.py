"""The allow-list: exactly the HTML the markup emits, nothing an editor can add to it.

The core's own tags are listed here; each registered construct adds the tags, attributes and
classes it emits (``markup.registry.Construct``), and each reference kind the class of its
links (``ReferenceKind.css_class``).
"""

import re
from functools import cache

import nh3

from .references import ANCHOR_RE
from .registry import constructs, reference_kinds, version

TAGS = {
    "p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "hr",
    "h3", "h4", "h5", "h6", "sup", "sub",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "class", "data-ref"},
    "ol": {"start"},
    **{tag: {"id", "class"} for tag in ("p", "li", "blockquote", "h3", "h4", "h5", "h6")},
}
CLASSES = {"ref-passage", "ext"}  # a link to a passage; a link off the site
NOTE_ID_RE = re.compile(r"^note-[0-9a-f]{6}-\d+$")
DATA_REF_RE = re.compile(r"^[a-z]+:[A-Za-z0-9/-]+(#[a-z][a-z0-9-]*)?$")


def allow_list():
    """(tags, attributes, classes) of the core, every registered construct and every
    reference kind."""
    return _allow_list(version())


@cache
def _allow_list(registrations):
    tags, attributes, classes = set(TAGS), {k: set(v) for k, v in ATTRIBUTES.items()}, set()
    classes.update(CLASSES)
    classes.update(kind.css_class for kind in reference_kinds().values() if kind.linkable)
    for construct in constructs():
        tags.update(construct.tags)
        classes.update(construct.classes)
        for tag, names in construct.attributes.items():
            attributes.setdefault(tag, set()).update(names)
    return tags, attributes, frozenset(classes)


def _filter(tag, attribute, value):
    if attribute == "class":
        kept = [name for name in value.split() if name in allow_list()[2]]
        return " ".join(kept) or None
    if attribute == "role":
        return value if value == "tooltip" else None
    if attribute == "tabindex":
        return None  # only note phrases are focusable: render.py adds it to them
    if attribute in ("id", "aria-describedby"):
        if NOTE_ID_RE.match(value) or (attribute == "id" and ANCHOR_RE.match(value)):
            return value
        return None
    if attribute == "data-ref":
        return value if DATA_REF_RE.match(value) else None
    if attribute == "start":
        return value if value.isdigit() else None
    return value


def sanitize(html):
    tags, attributes, _ = allow_list()
    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        attribute_filter=_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
