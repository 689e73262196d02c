"""The editors' markup guide (docs/markup.md) as a page in the admin, examples rendered live."""

import re
from pathlib import Path

import markdown
from django.conf import settings
from django.utils.safestring import mark_safe

from .render import render_texts

GUIDE = Path(settings.BASE_DIR) / "docs" / "markup.md"
EXAMPLE_RE = re.compile(r"```text\n(.*?)```", re.S)
# Examples are rendered as if on the fully written demo cell, which most of them cite.
EXAMPLE_PAGE = "cell:alcohol/E4"


def guide_parts():
    """[(html of the guide's prose, example source or None, its rendering, its errors)]."""
    text = GUIDE.read_text(encoding="utf-8")
    parts, position = [], 0
    for m in EXAMPLE_RE.finditer(text):
        prose = _prose(text[position : m.start()])
        source = m.group(1).strip("\n")
        if source.startswith("label,"):
            parts.append((prose, source, "", []))  # a chart's numbers, not markup
        else:
            texts = render_texts({"example": source}, EXAMPLE_PAGE, source="guide:example")
            errors = [e for e in texts.errors.get("example", []) if "already used" not in e]
            parts.append((prose, source, mark_safe(texts.html["example"]), errors))
        position = m.end()
    parts.append((_prose(text[position:]), None, "", []))
    return parts


def _prose(text):
    return mark_safe(markdown.markdown(text, extensions=["tables", "fenced_code"]))
