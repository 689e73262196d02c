"""Abstracts in the bank's markup (Markdown): structured sections, escaped text.

A structured abstract becomes one paragraph per section, ``**Label** text``, paragraphs
separated by a blank line; an unstructured one becomes plain paragraphs. Sections are found
whatever their form: HTML ``<strong>Purpose of review: </strong>…``, JATS
``<sec><title>Background</title>…``, MEDLINE's ``BACKGROUND: … METHODS: …`` inline in one
field, and plain ``Background: …`` or ``Background`` lines.

Emphasis in HTML stays emphasis (``*…*``, ``**…**``); everything else the markup would
read as syntax is escaped so the text shows as written (see ``escape_markup``).
"""

from __future__ import annotations

import html
import re

from ..inline import EM, PLAIN, STRONG, Paragraph, html_paragraphs, looks_like_html
from ..labels import LABEL_CAPS_RE, LABEL_COLON_RE, LABEL_LINE_RE, label_case

ESCAPE_RE = re.compile(r"([\\`*_{}\[\]])")
ENTITY_RE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
AUTOLINK_RE = re.compile(r"<(?=(?:https?|ftps?)://|[^<> !]+@[^@<> ]+>)", re.I)
LINE_START_RE = re.compile(r"^([ \t]*)(#|>|///|[-+](?=\s|$)|\d+(?=\.(?:\s|$)))", re.M)
SENTENCE_END = ".!?)]"
ABSTRACT_HEADING_RE = re.compile(r"^\s*abstract\s*[:.]?\s*$", re.I)


def escape_markup(text: str) -> str:
    """Plain text made safe for the bank's markup: ``\\ [ ] { } * _ ` `` get a backslash
    (so ``[1]``, ``*p*``, ``{#x}`` and ``[[chart:x]]`` stay text); at the start of a line
    ``#``, ``>``, ``///``, ``- ``, ``+ `` and ``1. `` get one too (no heading, quotation,
    folded block or list); ``&`` before an entity name becomes ``&amp;`` (a backslash does
    not stop entities) and ``<`` before an address becomes ``&lt;`` (no autolink)."""
    return escape_markup_line_start(_escape_inline(text))


def _escape_inline(text: str) -> str:
    text = ESCAPE_RE.sub(r"\\\1", text)
    text = ENTITY_RE.sub("&amp;", text)
    return AUTOLINK_RE.sub("&lt;", text)


def abstract_to_markup(raw) -> str:
    """An abstract from any record (HTML, JATS XML or plain text) in the bank's markup."""
    if raw is None:
        return ""
    text = str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    is_html = looks_like_html(text) or looks_like_html(html.unescape(text))  # or &lt;p&gt;
    paragraphs = html_paragraphs(text) if is_html else plain_paragraphs(text)
    for paragraph in paragraphs:
        if ABSTRACT_HEADING_RE.match(paragraph.label):
            paragraph.label = ""  # <h3>Abstract</h3>, <jats:title>Abstract</jats:title>
    paragraphs = [p for p in split_sections(paragraphs) if not p.is_empty() or p.label]
    if paragraphs and not paragraphs[0].label and ABSTRACT_HEADING_RE.match(paragraphs[0].text):
        paragraphs = paragraphs[1:]
    rendered = [render_paragraph(p) for p in paragraphs]
    return "\n\n".join(p for p in rendered if p)


def plain_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs from plain text. A blank line ends a paragraph, and so does a line break
    after a sentence's end; a line break inside a sentence is a wrapped line. A known label
    alone on its line ("Background", "METHODS:") labels the text under it."""
    paragraphs: list[Paragraph] = []
    lines: list[str] = []
    label = ""

    def end():
        nonlocal lines, label
        if lines or label:
            paragraphs.append(Paragraph(runs=[(PLAIN, " ".join(lines))], label=label))
        lines, label = [], ""

    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            end()
            continue
        if not paragraphs and not lines and not label and ABSTRACT_HEADING_RE.match(stripped):
            continue  # "Abstract" over the text
        m = LABEL_LINE_RE.match(stripped)
        if m:
            end()
            label = m.group("label")
            continue
        if lines and lines[-1].endswith(tuple(SENTENCE_END + ":\"'”’")):
            end()
        lines.append(stripped)
    end()
    return paragraphs


def split_sections(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Split paragraphs at labels inside their plain text: at the start ("Background: …",
    "BACKGROUND …") and after a sentence's end ("… patients. METHODS: Data …")."""
    out = []
    for paragraph in paragraphs:
        out.extend(_split(paragraph))
    return out


def _split(paragraph: Paragraph) -> list[Paragraph]:
    pieces: list[Paragraph] = []
    current = Paragraph(label=paragraph.label)
    last = ""  # the last non-space character of the current paragraph so far
    runs = list(paragraph.runs)
    if not current.label and runs and runs[0][0] == PLAIN:
        first = runs[0][1].lstrip()
        m = LABEL_CAPS_RE.match(first)
        if m and m.group("label").isupper() and not LABEL_COLON_RE.match(first):
            current.label = m.group("label")
            runs[0] = (PLAIN, first[m.end() :])
    for style, text in runs:
        if style != PLAIN:
            current.runs.append((style, text))
            last = text.rstrip()[-1:] or last
            continue
        position = 0
        for m in LABEL_COLON_RE.finditer(text):
            segment = text[position : m.start()]
            preceding = segment.rstrip()[-1:] or last
            if not preceding and current.label:
                continue
            if preceding and preceding not in SENTENCE_END:
                continue
            current.runs.append((PLAIN, segment))
            if not current.is_empty() or current.label:
                pieces.append(current)
            current = Paragraph(label=m.group("label"))
            last = ""
            position = m.end()
        rest = text[position:]
        current.runs.append((PLAIN, rest))
        last = rest.rstrip()[-1:] or last
    if not current.is_empty() or current.label:
        pieces.append(current)
    return pieces


def render_paragraph(paragraph: Paragraph) -> str:
    runs = _tidy(paragraph.runs)
    body = []
    for style, text in runs:
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        core = text.strip()
        if style == PLAIN or not core:
            body.append(_escape_inline(text) if style == PLAIN else text)
            continue
        mark = "**" if style == STRONG else "*"
        body.append(f"{lead}{mark}{_escape_inline(core)}{mark}{trail}")
    markup = "".join(body).strip()
    if runs and runs[0][0] == PLAIN:
        markup = escape_markup_line_start(markup)
    label = label_case(paragraph.label)
    if label:
        return f"**{_escape_inline(label)}** {markup}".strip()
    return markup


def escape_markup_line_start(markup: str) -> str:
    """The line-start escapes alone, for text whose other characters are escaped already."""

    def escape(m):
        indent, marker = m.group(1), m.group(2)
        if marker.isdigit():
            return f"{indent}{marker}\\"  # "1. " → "1\\. "
        return f"{indent}\\{marker}"

    return LINE_START_RE.sub(escape, markup)


def _tidy(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Whitespace collapsed to single spaces, trimmed at both ends, like runs merged."""
    tidy: list[tuple[str, str]] = []
    for style, text in runs:
        text = re.sub(r"\s+", " ", text)
        if tidy and tidy[-1][1].endswith(" "):
            text = text.lstrip()
        if not text:
            continue
        if not text.strip():
            style = PLAIN
        if tidy and tidy[-1][0] == style:
            tidy[-1] = (style, tidy[-1][1] + text)
        else:
            tidy.append((style, text))
    while tidy and not tidy[0][1].strip():
        tidy.pop(0)
    while tidy and not tidy[-1][1].strip():
        tidy.pop()
    if tidy:
        tidy[0] = (tidy[0][0], tidy[0][1].lstrip())
        tidy[-1] = (tidy[-1][0], tidy[-1][1].rstrip())
    return [(style if style in (PLAIN, EM, STRONG) else PLAIN, text) for style, text in tidy]
