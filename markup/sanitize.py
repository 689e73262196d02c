"""The allow-list: exactly the HTML the markup emits, nothing an editor can add to it."""

import re

import nh3

from .references import ANCHOR_RE

TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
    "span",
    "button",
    "details",
    "summary",
    "div",
    "aside",
    "sup",
    "sub",
}
ATTRIBUTES = {
    "a": {"href", "class", "aria-describedby"},
    "span": {"class", "id", "role"},
    "button": {"type", "class", "aria-describedby"},
    "details": {"class"},
    "div": {"class"},
    "aside": {"class"},
    "ol": {"start"},
    **{tag: {"id", "class"} for tag in ("p", "li", "blockquote", "h3", "h4", "h5", "h6")},
}
CLASSES = {
    "ref-doc",
    "ref-cell",
    "ref-topic",
    "ref-matrix",
    "ref-passage",
    "ext",
    "has-note",
    "note",
    "note-phrase",
    "passage",
    "supplement",
    "supplement-body",
    "pull-quote",
}
NOTE_ID_RE = re.compile(r"^note-[0-9a-f]{6}-\d+$")


def _filter(tag, attribute, value):
    if attribute == "class":
        kept = [name for name in value.split() if name in CLASSES]
        return " ".join(kept) or None
    if attribute == "role":
        return value if value == "tooltip" else None
    if attribute == "type":
        return value if value == "button" else None
    if attribute in ("id", "aria-describedby"):
        if NOTE_ID_RE.match(value) or (attribute == "id" and ANCHOR_RE.match(value)):
            return value
        return None
    if attribute == "start":
        return value if value.isdigit() else None
    return value


def sanitize(html):
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
