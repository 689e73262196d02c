"""Python-Markdown extensions for the editors' markup (see docs/markup.md).

The Markdown pass only builds the tree and records what the text refers to; checking that
the references exist is done afterwards, in one query (markup.references.existing_keys).
"""

import hashlib
import html
import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE, AtomicString
from pymdownx.blocks import BlocksExtension
from pymdownx.blocks.block import Block

from . import references

PASSAGE_RE = re.compile(r"\s*\{:?\s*#(?P<name>[^\s{}]+)\s*\}\s*$")
PASSAGE_TAGS = ("p", "li", "h3", "h4", "h5", "h6")
CHART_RE = re.compile(r"^\[\[chart:(?P<slug>[^\]]*)\]\]$")
LOOSE_CHART_RE = re.compile(r"\[\[chart:")
EXTERNAL_SCHEMES = ("http://", "https://", "mailto:")
HEADING_SHIFT = 2  # editors' "#" sits below the page's own h1 and section h2


class Collected:
    """What one rendering found: references, anchors, charts and errors."""

    def __init__(self, source, page):
        self.page = page
        self.note_prefix = hashlib.sha1(source.encode()).hexdigest()[:6]
        self.references = []
        self.local_anchors = []  # bare "#name" links
        self.anchors = []  # ids this text defines
        self.charts = []
        self.errors = []


class PhraseNoteProcessor(InlineProcessor):
    """``[phrase]^[note]``: a phrase that shows a note on hover, focus and tap."""

    PATTERN = r"\[(?P<phrase>[^\[\]]+)\]\^\[(?P<note>[^\]]+)\]"

    def handleMatch(self, m, data):
        wrapper = etree.Element("span", {"class": "has-note"})
        button = etree.SubElement(wrapper, "button", {"type": "button", "class": "note-phrase"})
        button.text = AtomicString(m["phrase"].strip())
        note = etree.SubElement(wrapper, "span", {"class": "note", "role": "tooltip"})
        note.text = AtomicString(m["note"].strip())
        return wrapper, m.start(0), m.end(0)


class ReferenceTreeprocessor(Treeprocessor):
    """Rewrites reference links to URLs, turns link titles into notes, checks anchors."""

    def __init__(self, md, collected):
        super().__init__(md)
        self.collected = collected

    def run(self, root):
        c = self.collected
        parents = {child: parent for parent in root.iter() for child in parent}
        for el in list(root.iter()):
            if el.tag in ("h1", "h2", "h3", "h4"):
                el.tag = f"h{min(int(el.tag[1]) + HEADING_SHIFT, 6)}"
            if el.tag in PASSAGE_TAGS:
                self._passage(el)
            if el.tag == "a":
                self._link(el, parents)
            if el.tag == "img":
                c.errors.append(
                    "Images are not part of the markup; place a chart ([[chart:...]]) or link "
                    "to the image instead."
                )
            if el.tag == "p" and self._chart(el, parents):
                continue
            # Any other [[chart:...]] shares its line with something else (or sits in a list or
            # after a link), so it would not be placed; code shows markup, so it is left alone.
            for text in (el.tail,) if el.tag == "code" else (el.text, el.tail):
                if text and LOOSE_CHART_RE.search(text):
                    c.errors.append("A chart ([[chart:...]]) must stand alone on its own line.")
        notes = [span for span in root.iter("span") if span.get("role") == "tooltip"]
        for number, note in enumerate(notes, start=1):
            note_id = f"note-{c.note_prefix}-{number}"
            note.set("id", note_id)
            trigger = next(child for child in parents[note] if child.tag in ("a", "button"))
            trigger.set("aria-describedby", note_id)

    def _passage(self, el):
        """``{#name}`` closing a paragraph, list item or heading names it as a passage."""
        last = el[-1] if len(el) else None
        text = (last.tail if last is not None else el.text) or ""
        m = PASSAGE_RE.search(text)
        if not m:
            return
        text = text[: m.start()]
        if last is not None:
            last.tail = text
        else:
            el.text = text
        self._anchor(el, m["name"])

    def _link(self, el, parents):
        c = self.collected
        href = (el.get("href") or "").strip()
        if AMP_SUBSTITUTE in href:  # an e-mail autolink, obfuscated as character references
            href = html.unescape(href.replace(AMP_SUBSTITUTE, "&"))
        classes = []
        if href.startswith("#"):
            name = href[1:]
            if not references.ANCHOR_RE.match(name):
                c.errors.append(f"'{href}' is not a valid link to a passage on this page.")
            else:
                c.local_anchors.append(name)
                # The page's full address, so the link still works where the text is shown
                # elsewhere (a cell's scope on its row page, a summary in search results).
                kind, _, key = (c.page or "").partition(":")
                if kind in ("doc", "cell", "topic"):
                    href = references.Reference(kind, key, name).url()
                classes.append("ref-passage")
        elif href.split(":", 1)[0] in references.KINDS and ":" in href:
            try:
                ref = references.parse(href)
                if ref.kind == "chart":
                    raise references.ReferenceError(
                        "charts are placed with [[chart:...]] on their own line; link to one "
                        "with #chart-SLUG"
                    )
                c.references.append(ref)
                href = ref.url()
                classes.append(f"ref-{ref.kind}")
                if ref.anchor:
                    classes.append("ref-passage")
            except references.ReferenceError as exc:
                c.errors.append(f"Broken link '{href}': {exc}.")
                href = ""
        elif href.lower().startswith(EXTERNAL_SCHEMES):
            classes.append("ext")
        else:
            c.errors.append(
                f"Link '{href}' is not allowed: link by reference (doc:, cell:, topic:, "
                "matrix:, #anchor) or to an http(s) or mailto address."
            )
            href = ""
        if href:
            el.set("href", href)
        else:
            el.attrib.pop("href", None)
        el.set("class", " ".join(classes))
        title = el.attrib.pop("title", None)
        if title:
            parent = parents[el]
            wrapper = etree.Element("span", {"class": "has-note"})
            index = list(parent).index(el)
            parent.remove(el)
            parent.insert(index, wrapper)
            wrapper.tail, el.tail = el.tail, None
            wrapper.append(el)
            note = etree.SubElement(wrapper, "span", {"class": "note", "role": "tooltip"})
            note.text = AtomicString(title)
            parents[el] = wrapper
            parents[note] = wrapper
            parents[wrapper] = parent

    def _chart(self, el, parents):
        m = CHART_RE.match((el.text or "").strip())
        if not m or len(el):
            return False
        slug = m["slug"]
        if not references.SLUG_RE.match(slug):
            self.collected.errors.append(f"'{slug}' is not a valid chart name.")
            return True
        self.collected.charts.append(slug)
        self.collected.anchors.append(f"chart-{slug}")
        el.text = f"[[chart:{slug}]]"
        return True

    def _anchor(self, el, anchor):
        c = self.collected
        if not references.ANCHOR_RE.match(anchor):
            c.errors.append(
                f"'{anchor}' is not a valid passage name: use lowercase letters, digits and "
                "hyphens, starting with a letter."
            )
        elif anchor in references.RESERVED_ANCHORS:
            c.errors.append(f"'{anchor}' is reserved by the page; choose another passage name.")
        elif anchor in c.anchors:
            c.errors.append(f"The passage name '{anchor}' is used twice.")
        else:
            c.anchors.append(anchor)
            el.set("id", anchor)
            el.set("class", "passage")


class SupplementBlock(Block):
    """``/// supplement | Summary``: extra text folded until the reader unfolds it."""

    NAME = "supplement"
    ARGUMENT = None

    def on_create(self, parent):
        details = etree.SubElement(parent, "details", {"class": "supplement"})
        summary = etree.SubElement(details, "summary")
        summary.text = self.argument or "Supplementary text"
        return etree.SubElement(details, "div", {"class": "supplement-body"})


class PullQuoteBlock(Block):
    """``/// pullquote``: a short line set off from the text."""

    NAME = "pullquote"

    def on_create(self, parent):
        return etree.SubElement(parent, "aside", {"class": "pull-quote"})


class EditorBlocksExtension(BlocksExtension):
    def extendMarkdownBlocks(self, md, block_mgr):
        block_mgr.register(SupplementBlock, {})
        block_mgr.register(PullQuoteBlock, {})


class EditorMarkupExtension(Extension):
    def __init__(self, collected, **kwargs):
        self.collected = collected
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        # Editors write markup, not HTML: anything that looks like a tag is shown as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(
            PhraseNoteProcessor(PhraseNoteProcessor.PATTERN, md), "note", 175
        )
        # After "inline" (20) and attr_list (8), so links and ids are final.
        md.treeprocessors.register(ReferenceTreeprocessor(md, self.collected), "references", 5)
