"""The core of the editors' markup: references, placements and headings (see docs/markup.md).

The Markdown pass only builds the tree and records what the text refers to and defines;
whether the references exist, and whether readers may see them, is settled afterwards in one
query (``markup.references.resolve``). Internal links carry ``data-ref`` until then.
Constructs (notes, passages, supplements…) are registered in ``markup.registry``.
"""

import hashlib
import html
import re

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from . import references
from .linear import make_linear
from .registry import SLUG_RE, placements

PLACEMENT_RE = re.compile(r"^\[\[(?P<name>[a-z]+):(?P<slug>[^\]]*)\]\]$")
LOOSE_PLACEMENT_RE = re.compile(r"\[\[(?P<name>[a-z]+):")
EXTERNAL_SCHEMES = ("http://", "https://", "mailto:")
HEADING_SHIFT = 2  # editors' "#" sits below the page's own h1 and section h2


class Collected:
    """What one rendering found: references, anchors, placements and errors."""

    def __init__(self, source, page):
        self.page = page
        self.note_prefix = hashlib.sha1(source.encode()).hexdigest()[:6]
        self.references = []
        self.local_anchors = []  # bare "#name" links
        self.anchors = []  # ids this text defines
        self._defined = set()
        self.placed = []  # (placement name, slug)
        self.errors = []

    def define(self, name, what="passage name"):
        """Record an id this text defines; False (with an error) if it cannot be used."""
        problem = references.anchor_name_problem(name)
        if problem:
            self.errors.append(f"{problem[0].upper()}{problem[1:]}; choose another {what}.")
            return False
        if name in self._defined:
            self.errors.append(f"The {what} '{name}' is used twice in this text.")
            return False
        self.anchors.append(name)
        self._defined.add(name)
        return True


class ReferenceTreeprocessor(Treeprocessor):
    """Rewrites reference links to URLs, finds placements, shifts headings."""

    def __init__(self, md, collected):
        super().__init__(md)
        self.collected = collected

    def run(self, root):
        c = self.collected
        for el in list(root.iter()):
            if el.tag in ("h1", "h2", "h3", "h4"):
                el.tag = f"h{min(int(el.tag[1]) + HEADING_SHIFT, 6)}"
            if el.tag == "a":
                self._link(el)
            if el.tag == "img":
                c.errors.append(
                    "Images are not part of the markup; place a chart ([[chart:...]]) or link "
                    "to the image instead."
                )
            if el.tag == "p" and self._placement(el):
                continue
            # Any other [[name:...]] shares its line with something else (or sits in a list
            # or after a link), so it would not be placed; code shows markup, so it is left.
            for text in (el.tail,) if el.tag == "code" else (el.text, el.tail):
                if text:
                    for m in LOOSE_PLACEMENT_RE.finditer(text):
                        if m["name"] in placements():
                            c.errors.append(
                                f"A {m['name']} ([[{m['name']}:...]]) must stand alone on its "
                                "own line."
                            )

    def _link(self, el):
        c = self.collected
        href = (el.get("href") or "").strip()
        if AMP_SUBSTITUTE in href:  # an e-mail autolink, obfuscated as character references
            href = html.unescape(href.replace(AMP_SUBSTITUTE, "&"))
        classes, ref = [], None
        if href.startswith("#"):
            name = href[1:]
            if not references.ANCHOR_RE.match(name):
                c.errors.append(f"'{href}' is not a valid link to a passage on this page.")
                href = ""
            else:
                c.local_anchors.append(name)
                classes.append("ref-passage")
                # The page's full address, so the link still works where the text is shown
                # elsewhere (a cell's scope on its row page, a summary in search results).
                kind, _, key = (c.page or "").partition(":")
                if references.is_reference(c.page or ""):
                    ref = references.Reference(kind, key, name)
                    href = ref.url()
        elif references.is_reference(href):
            try:
                ref = references.parse(href)
                if not ref.definition.linkable:
                    raise references.ReferenceError(
                        f"{ref.definition.label}s are placed with [[{ref.kind}:...]] on their "
                        f"own line; link to one with #{placements()[ref.kind].anchor_prefix}SLUG"
                    )
                c.references.append(ref)
                href = ref.url()
                classes.append(ref.definition.css_class)
                if ref.anchor:
                    classes.append("ref-passage")
            except references.ReferenceError as exc:
                c.errors.append(f"Broken link '{href}': {exc}.")
                href, ref = "", None
        elif href.lower().startswith(EXTERNAL_SCHEMES):
            classes.append("ext")
        else:
            kinds = ", ".join(f"{k}:" for k in references.reference_kinds() if k != "chart")
            c.errors.append(
                f"Link '{href}' is not allowed: link by reference ({kinds}, #anchor) or to an "
                "http(s) or mailto address."
            )
            href = ""
        if href:
            el.set("href", href)
        else:
            el.attrib.pop("href", None)
        if ref is not None:
            el.set("data-ref", str(ref))
        el.set("class", " ".join(classes))

    def _placement(self, el):
        m = PLACEMENT_RE.match((el.text or "").strip())
        if not m or len(el) or m["name"] not in placements():
            return False
        name, slug = m["name"], m["slug"]
        if not SLUG_RE.match(slug):
            self.collected.errors.append(f"'{slug}' is not a valid {name} name.")
            return True
        if (name, slug) in self.collected.placed:
            self.collected.errors.append(f"The {name} '{slug}' is placed twice in this text.")
            return True
        self.collected.placed.append((name, slug))
        self.collected.anchors.append(f"{placements()[name].anchor_prefix}{slug}")
        self.collected._defined.add(self.collected.anchors[-1])
        el.text = f"[[{name}:{slug}]]"
        return True


class EditorMarkupExtension(Extension):
    def __init__(self, collected, **kwargs):
        self.collected = collected
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        # Editors write markup, not HTML: anything that looks like a tag is shown as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        make_linear(md)
        # After "inline" (20) and attr_list (8), so links are final; before the constructs'
        # notes (4), which turn link titles into notes.
        md.treeprocessors.register(ReferenceTreeprocessor(md, self.collected), "references", 6)
