"""The markup's own constructs: hover notes, named passages, supplements and pull quotes.

Each is registered like the constructs apps add (``markup.registry.register_construct``):
its Python-Markdown extension, and the HTML it may emit for the sanitiser's allow-list.
"""

import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from pymdownx.blocks import BlocksExtension
from pymdownx.blocks.block import Block

from .registry import Construct, register_construct, reserve_ids

PASSAGE_RE = re.compile(r"\s*\{:?\s*#(?P<name>[^\s{}]+)\s*\}\s*$")
PASSAGE_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6")
# Punctuation that must not start a line after a note's phrase.
TRAILING_PUNCTUATION_RE = re.compile(r"^[.,;:!?…)\]}’”'\"»%]+")


# Hover notes: ``[phrase]^[note]``, and the title of a link.


class PhraseNoteProcessor(InlineProcessor):
    """``[phrase]^[note]``: a phrase that shows a note on hover, focus and tap."""

    PATTERN = r"\[(?P<phrase>[^\[\]]+)\]\^\[(?P<note>[^\]]+)\]"

    def handleMatch(self, m, data):
        wrapper = etree.Element("span", {"class": "has-note"})
        # A span, not a <button>, so a long phrase wraps; render.py makes it role="button"
        # and focusable once the sanitiser has run.
        phrase = etree.SubElement(wrapper, "span", {"class": "note-phrase"})
        phrase.text = AtomicString(m["phrase"].strip())
        note = etree.SubElement(wrapper, "span", {"class": "note", "role": "tooltip"})
        note.text = AtomicString(m["note"].strip())
        return wrapper, m.start(0), m.end(0)


class NoteTreeprocessor(Treeprocessor):
    """Turns link titles into notes, then numbers every note and ties it to its trigger."""

    def __init__(self, md, collected):
        super().__init__(md)
        self.collected = collected

    def run(self, root):
        parents = {child: parent for parent in root.iter() for child in parent}
        for parent in dict.fromkeys(parents.values()):
            if not any(child.tag == "a" and child.get("title") for child in parent):
                continue
            # Rebuild the parent's children once, wrapping each titled link.
            children = []
            for el in list(parent):
                title = el.attrib.pop("title", None) if el.tag == "a" else None
                if not title:
                    children.append(el)
                    continue
                wrapper = etree.Element("span", {"class": "has-note"})
                wrapper.tail, el.tail = el.tail, None
                wrapper.append(el)
                note = etree.SubElement(wrapper, "span", {"class": "note", "role": "tooltip"})
                note.text = AtomicString(title)
                children.append(wrapper)
            parent[:] = children
        number = 0
        for wrapper in root.iter("span"):
            if wrapper.get("class") != "has-note":
                continue
            trigger, note = wrapper[0], wrapper[-1]
            number += 1
            note_id = f"note-{self.collected.note_prefix}-{number}"
            note.set("id", note_id)
            trigger.set("aria-describedby", note_id)
        self.keep_punctuation(root)

    @staticmethod
    def keep_punctuation(root):
        """Wrap a note and the punctuation right after it in ``span.note-nowrap``, so the
        punctuation never starts a line of its own (the phrase itself still wraps)."""
        parents = {child: parent for parent in root.iter() for child in parent}
        for wrapper in list(root.iter("span")):
            if wrapper.get("class") != "has-note":
                continue
            m = TRAILING_PUNCTUATION_RE.match(wrapper.tail or "")
            if not m:
                continue
            parent = parents[wrapper]
            nowrap = etree.Element("span", {"class": "note-nowrap"})
            parent.insert(list(parent).index(wrapper), nowrap)
            parent.remove(wrapper)
            nowrap.append(wrapper)
            nowrap.tail = wrapper.tail[m.end() :]
            wrapper.tail = m.group(0)


class NotesExtension(Extension):
    def __init__(self, collected, **kwargs):
        self.collected = collected
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.inlinePatterns.register(
            PhraseNoteProcessor(PhraseNoteProcessor.PATTERN, md), "note", 175
        )
        md.treeprocessors.register(NoteTreeprocessor(md, self.collected), "notes", 4)


# Named passages: ``{#name}`` closing a paragraph, list item or heading.


class PassageTreeprocessor(Treeprocessor):
    def __init__(self, md, collected):
        super().__init__(md)
        self.collected = collected

    def run(self, root):
        for el in root.iter():
            if el.tag in PASSAGE_TAGS:
                self._passage(el)

    def _passage(self, el):
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
        if self.collected.define(m["name"]):
            el.set("id", m["name"])
            el.set("class", "passage")


class PassagesExtension(Extension):
    def __init__(self, collected, **kwargs):
        self.collected = collected
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        # After "inline" (20), before references (6).
        md.treeprocessors.register(PassageTreeprocessor(md, self.collected), "passages", 7)


# Blocks: ``/// supplement | Summary`` … ``///`` and ``/// pullquote`` … ``///``.


class SupplementBlock(Block):
    """Extra text folded until the reader unfolds it."""

    NAME = "supplement"
    ARGUMENT = None

    def on_create(self, parent):
        details = etree.SubElement(parent, "details", {"class": "supplement"})
        summary = etree.SubElement(details, "summary")
        summary.text = self.argument or "Supplementary text"
        return etree.SubElement(details, "div", {"class": "supplement-body"})


class PullQuoteBlock(Block):
    """A short line set off from the text."""

    NAME = "pullquote"

    def on_create(self, parent):
        return etree.SubElement(parent, "aside", {"class": "pull-quote"})


def blocks_extension(*blocks):
    class Blocks(BlocksExtension):
        def extendMarkdownBlocks(self, md, block_mgr):
            for block in blocks:
                block_mgr.register(block, {})

    return lambda collected: Blocks()


# Every page names its sections' headings "<section>-heading" and its notes "note-…"; the
# site's frame has its own landmarks.
reserve_ids("the page's section headings", suffixes=["-heading"])
reserve_ids("hover notes", prefixes=["note-"])
reserve_ids(
    "the site's frame",
    names=["main", "content", "top", "legend", "search", "nav", "site-nav"],
)

register_construct(
    Construct(
        name="notes",
        extension=NotesExtension,
        tags=frozenset({"span"}),
        attributes={
            # role="button" and tabindex="0" on a note's phrase are added by render.py after
            # the sanitiser, which strips them from everything else.
            "span": {"class", "id", "role", "tabindex", "aria-describedby"},
            "a": {"aria-describedby"},
        },
        classes=frozenset({"has-note", "note", "note-phrase", "note-nowrap"}),
        help='[text](doc:slug "hover note"), [phrase]^[hover note]',
        order=10,
    )
)
register_construct(
    Construct(
        name="passages",
        extension=PassagesExtension,
        classes=frozenset({"passage"}),
        help="{#passage-name} at the end of a paragraph",
        order=20,
    )
)
register_construct(
    Construct(
        name="blocks",
        extension=blocks_extension(SupplementBlock, PullQuoteBlock),
        tags=frozenset({"details", "summary", "div", "aside"}),
        attributes={"details": {"class"}, "div": {"class"}, "aside": {"class"}},
        classes=frozenset({"supplement", "supplement-body", "pull-quote"}),
        help="“/// supplement | Summary” … “///”, “/// pullquote” … “///”",
        order=30,
    )
)
