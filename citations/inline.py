"""HTML and JATS XML to paragraphs of styled text, with the standard library's html.parser.

Why html.parser and not markdownify: we need more than HTML-to-Markdown. A ``<strong>``
at the start of a paragraph is a section label, a JATS ``<title>`` is one too, and text
must be escaped for the bank's markup while our own ``*`` and ``**`` must not be. Walking
the tags ourselves gives that in ~150 lines, with no dependency, and it tolerates the
broken or namespaced markup (``<jats:p>``) that records carry.

What becomes what: ``<p>``, ``<div>``, ``<sec>``, ``<li>``, ``<br>`` … start a new
paragraph; ``<title>`` and ``<h1>``–``<h6>`` label the next paragraph; ``<em>``/``<i>``/
``<italic>`` are emphasis and ``<strong>``/``<b>``/``<bold>`` strong emphasis (a strong
run that opens a paragraph and ends with a colon is a label); ``<sup>``/``<sub>`` become
Unicode superscript/subscript characters when every character has one (10⁻³, CO₂, R²),
else plain text; entities are decoded; every other tag is dropped, its text kept;
``<script>``/``<style>`` are dropped with their text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .labels import is_known_label

PLAIN, EM, STRONG = "", "em", "strong"

BLOCK_TAGS = frozenset(
    "p div sec section abstract li ul ol dl dt dd blockquote table tr td th caption "
    "list list-item disp-quote fig address pre article header footer".split()
)
LABEL_TAGS = frozenset("title h1 h2 h3 h4 h5 h6 label".split())
EM_TAGS = frozenset("em i italic cite".split())
STRONG_TAGS = frozenset("strong b bold".split())
SCRIPT_TAGS = frozenset("sup sub".split())
SKIP_TAGS = frozenset("script style head".split())

SUPERSCRIPT = str.maketrans("0123456789+-−=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿ")
SUBSCRIPT = str.maketrans("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎")
SUPERSCRIPT_CHARS = frozenset("0123456789+-−=()n ")
SUBSCRIPT_CHARS = frozenset("0123456789+-−=() ")

# What shows that a text is HTML or JATS: a closing tag, a <br>, a <p>, a jats: tag. An
# opening "<b …>" alone is not enough: "a<b and c>d" is plain text in a MEDLINE abstract.
HTML_EVIDENCE_RE = re.compile(
    r"</(?:jats:)?(?:p|b|i|u|a|em|strong|sup|sub|span|div|sec|title|italic|bold|sc|h[1-6]|"
    r"li|ul|ol|abstract)\s*>|<br\s*/?>|<(?:jats:)?p\s*>|</?jats:\w+",
    re.I,
)


def looks_like_html(text: str) -> bool:
    return bool(HTML_EVIDENCE_RE.search(text or ""))


def script_text(text: str, tag: str) -> str:
    stripped = text.strip()
    chars = SUPERSCRIPT_CHARS if tag == "sup" else SUBSCRIPT_CHARS
    if stripped and set(stripped) <= chars:
        return stripped.translate(SUPERSCRIPT if tag == "sup" else SUBSCRIPT)
    return text


@dataclass
class Paragraph:
    """A paragraph: an optional label (a structured abstract's section) and styled runs."""

    runs: list[tuple[str, str]] = field(default_factory=list)  # (style, text)
    label: str = ""

    @property
    def text(self) -> str:
        return "".join(text for _, text in self.runs)

    def is_empty(self) -> bool:
        return not self.text.strip()


def local_name(tag: str) -> str:
    return tag.rsplit(":", 1)[-1].lower()


class _Walker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[Paragraph] = []
        self.current = Paragraph()
        self.pending_label = ""
        self.styles: list[str] = []
        self.capture: list[tuple[str, list[str]]] = []  # label / strong / sup / sub text
        self.skipping = 0
        self.candidate: str | None = None

    # Paragraphs
    def _at_start(self) -> bool:
        runs = self.current.runs
        return len(runs) <= 2 and not any(text.strip() for _, text in runs)

    def flush(self):
        if not self.current.is_empty():
            self.paragraphs.append(self.current)
        elif self.current.label and not self.pending_label:
            self.pending_label = self.current.label
        self.current = Paragraph(label=self.pending_label if self.pending_label else "")
        if self.current.label:
            self.pending_label = ""

    def add(self, text: str, style: str | None = None):
        if not text:
            return
        if self.capture:
            self.capture[-1][1].append(text)
            return
        if style is None:
            style = STRONG if STRONG in self.styles else EM if EM in self.styles else PLAIN
        if not self.current.runs and not self.current.label and self.pending_label:
            self.current.label, self.pending_label = self.pending_label, ""
        self.current.runs.append((style, text))

    # Tags
    def handle_starttag(self, tag, attrs):
        self._resolve_candidate()
        name = local_name(tag)
        if name in SKIP_TAGS:
            self.skipping += 1
        elif name == "br":
            self.flush()
        elif name in BLOCK_TAGS:
            self.flush()
        elif name in LABEL_TAGS:
            self.flush()
            self.capture.append((name, []))
        elif name in SCRIPT_TAGS:
            self.capture.append((name, []))
        elif name in STRONG_TAGS:
            if not self.capture and self._at_start() and not self.current.label:
                self.capture.append(("strong", []))  # perhaps a label: decided at its end
            else:
                self.styles.append(STRONG)
        elif name in EM_TAGS:
            self.styles.append(EM)

    def handle_startendtag(self, tag, attrs):
        if local_name(tag) == "br":
            self.flush()
        # Other empty tags (<img/>, <xref/>) carry no text.

    def handle_endtag(self, tag):
        name = local_name(tag)
        if not (name in STRONG_TAGS and self.capture and self.capture[-1][0] == "strong"):
            self._resolve_candidate()
        if name in SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif name in BLOCK_TAGS:
            self.flush()
        elif name in LABEL_TAGS:
            text = self._end_capture(name)
            if text is not None:
                self.pending_label = " ".join(text.split())
        elif name in SCRIPT_TAGS:
            text = self._end_capture(name)
            if text is not None:
                self.add(script_text(text, name))
        elif name in STRONG_TAGS:
            if self.capture and self.capture[-1][0] == "strong":
                self._end_strong()
            elif STRONG in self.styles:
                self.styles.reverse()
                self.styles.remove(STRONG)
                self.styles.reverse()
        elif name in EM_TAGS and EM in self.styles:
            self.styles.reverse()
            self.styles.remove(EM)
            self.styles.reverse()

    def _end_capture(self, name):
        for i in range(len(self.capture) - 1, -1, -1):
            if self.capture[i][0] == name:
                _, parts = self.capture.pop(i)
                return "".join(parts)
        return None

    def _end_strong(self):
        text = self._end_capture("strong") or ""
        stripped = " ".join(text.split())
        explicit = stripped.endswith(":") and len(stripped) <= 60
        if explicit or (stripped.endswith(".") and is_known_label(stripped)):
            self.current.label = stripped.rstrip(":. ")
        elif stripped:
            self.candidate = text  # a label if a colon follows or it is a known label

    def _resolve_candidate(self, data: str | None = None) -> str | None:
        text, self.candidate = self.candidate, None
        if text is None:
            return data
        stripped = " ".join(text.split())
        following = (data or "").lstrip()
        first = (data or "")[:1]
        if following.startswith(":") or (is_known_label(stripped) and not first.isalnum()):
            self.current.label = stripped.rstrip(":. ")
            return following[1:] if following.startswith(":") else data
        self.add(text, STRONG)
        return data

    def handle_data(self, data):
        if self.skipping:
            return
        data = self._resolve_candidate(data)
        if (
            self.current.label
            and not self.current.runs
            and not self.capture
            and data.lstrip().startswith(":")
        ):
            data = data.lstrip()[1:]
        self.add(data)

    def close(self):
        super().close()
        self._resolve_candidate()
        while self.capture:  # unclosed <strong>, <title>, <sup>: keep their text
            name, parts = self.capture.pop()
            self.add("".join(parts), STRONG if name == "strong" else None)
        self.flush()


def html_paragraphs(markup: str) -> list[Paragraph]:
    """Paragraphs of styled runs from HTML or JATS XML. Text that still holds tags after
    decoding (HTML escaped twice, ``&lt;p&gt;``) is decoded again, once."""
    paragraphs = _walk(markup)
    if any(looks_like_html(p.text) for p in paragraphs):
        paragraphs = _walk("\n".join(_paragraph_source(p) for p in paragraphs))
    return paragraphs


def _walk(markup: str) -> list[Paragraph]:
    walker = _Walker()
    walker.feed(markup)
    walker.close()
    return walker.paragraphs


def _paragraph_source(p: Paragraph) -> str:
    label = f"<title>{p.label}</title>" if p.label else ""
    return f"{label}<p>{p.text}</p>"


def html_to_plain(markup: str) -> str:
    """One line of plain text from HTML: for titles, names, journal names."""
    paragraphs = html_paragraphs(markup)
    parts = []
    for p in paragraphs:
        if p.label:
            parts.append(p.label + ":")
        parts.append(p.text)
    return " ".join(" ".join(parts).split())
