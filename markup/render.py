"""Render editors' markup to stored, sanitised HTML."""

from dataclasses import dataclass, field

import markdown

from .extensions import Collected, EditorBlocksExtension, EditorMarkupExtension
from .sanitize import sanitize


@dataclass
class Rendered:
    html: str
    references: list = field(default_factory=list)
    local_anchors: list = field(default_factory=list)
    anchors: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def render(source, page=None):
    """Turn markup into sanitised HTML and say what it refers to and defines.

    ``page`` is the key of the page the text is shown on (``cell:alcohol/E4``), against
    which bare ``#anchor`` links are resolved.
    """
    source = (source or "").replace("\r\n", "\n").strip()
    if not source:
        return Rendered(html="")
    collected = Collected(source, page)
    md = markdown.Markdown(
        extensions=[
            "markdown.extensions.sane_lists",
            "markdown.extensions.smarty",
            EditorBlocksExtension(),
            EditorMarkupExtension(collected),
        ],
        output_format="html",
    )
    html = sanitize(md.convert(source))
    return Rendered(
        html=html,
        references=collected.references,
        local_anchors=collected.local_anchors,
        anchors=collected.anchors,
        charts=collected.charts,
        errors=collected.errors,
    )
