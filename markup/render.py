"""Render editors' markup to stored, sanitised HTML.

``render`` is the Markdown pass for one text (no database). ``render_texts`` renders all the
texts of one object, settles every reference they make in one query, turns links to things
readers may not see into plain text, and places charts and other placements.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import markdown
from django.conf import settings

from . import references
from .extensions import Collected, EditorMarkupExtension
from .registry import constructs, placements
from .sanitize import sanitize

LINK_RE = re.compile(
    r'<a\b(?P<before>[^>]*?)\sdata-ref="(?P<ref>[^"]*)"(?P<after>[^>]*)>(?P<inner>.*?)</a>', re.S
)
DESCRIBED_BY_RE = re.compile(r'\saria-describedby="(?P<id>[^"]*)"')
# A note's phrase: a span, so it wraps like the words around it (a <button> is drawn as an
# inline block). The sanitiser strips role and tabindex from every span; they are added
# back here, after it, to the phrases the notes construct made and to nothing else.
NOTE_PHRASE_RE = re.compile(r'<span (?=[^>]*\bclass="note-phrase")')
NOTE_PHRASE_ATTRS = '<span role="button" tabindex="0" '
PLACED_RE = re.compile(r"<p>\[\[(?P<name>[a-z]+):(?P<slug>[a-z0-9-]+)\]\]</p>")


@dataclass
class Rendered:
    html: str
    references: list = field(default_factory=list)
    local_anchors: list = field(default_factory=list)
    anchors: list = field(default_factory=list)
    placed: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def size_limit():
    return settings.MARKUP_MAX_BYTES


def describe_size(size):
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{size / 1000:.1f} KB" if size < 10_000 else f"{size / 1000:.0f} KB"


# Python-Markdown splits a block at each of these one at a time, rescanning the rest of the
# text each time, so thousands of them take minutes; no real text comes near these numbers.
STRUCTURE_LIMITS = (
    (re.compile(r"^ {0,3}///", re.M), 200, "unfolding blocks and pull quotes (/// lines)"),
    (re.compile(r"^ {0,3}#{1,6}(?:\s|$)", re.M), 500, "headings"),
    (re.compile(r"^ {0,3}(?:[-*_] *){3,}$", re.M), 200, "horizontal rules"),
    (re.compile(r"\{:?\s*#[^\s{}]+\s*\}"), 1000, "named passages"),
)


def size_error(source):
    """A message if ``source`` is over the markup size limit or too intricate, else ""."""
    source = source or ""
    size = len(source.encode())
    limit = size_limit()
    if size > limit:
        return (
            f"This text is {describe_size(size)}; the limit is {describe_size(limit)}. "
            "Split it, or move part of it to a document of its own."
        )
    for pattern, most, what in STRUCTURE_LIMITS:
        count = len(pattern.findall(source))
        if count > most:
            return f"This text has {count:,} {what}; a text may have at most {most}."
    return ""


def render(source, page=None):
    """Turn markup into sanitised HTML and say what it refers to and defines.

    ``page`` is the key of the page the text is shown on (``cell:alcohol/E4``), against
    which bare ``#anchor`` links are resolved. Internal links keep a ``data-ref`` until
    ``finish`` settles them. The result must not be changed: one admin save asks for the
    same text more than once (to find the anchors a form is about to create, to check it,
    to store it), and it is rendered once.
    """
    source = (source or "").replace("\r\n", "\n").strip()
    if not source:
        return Rendered(html="")
    problem = size_error(source)
    if problem:
        return Rendered(html="", errors=[problem])
    return _render(source, page, size_limit())


@lru_cache(maxsize=32)
def _render(source, page, limit):
    collected = Collected(source, page)
    extensions = ["markdown.extensions.sane_lists", "markdown.extensions.smarty"]
    extensions += [construct.extension(collected) for construct in constructs()]
    extensions.append(EditorMarkupExtension(collected))
    md = markdown.Markdown(extensions=extensions, output_format="html")
    html = NOTE_PHRASE_RE.sub(NOTE_PHRASE_ATTRS, sanitize(md.convert(source)))
    return Rendered(
        html=html,
        references=collected.references,
        local_anchors=collected.local_anchors,
        anchors=collected.anchors,
        placed=collected.placed,
        errors=collected.errors,
    )


def finish(html, is_public):
    """Settle internal links: keep those readers may follow, make the others plain text.

    A link to a draft document or an unpublished cell would lead readers to a 404 and give
    away what is hidden, so its words stay and the link goes; a note on it stays readable.
    """

    def settle(m):
        if is_public(m["ref"]):
            return f"<a{m['before']}{m['after']}>{m['inner']}</a>"
        described = DESCRIBED_BY_RE.search(m["before"] + m["after"])
        if described:
            return (
                f'{NOTE_PHRASE_ATTRS}class="note-phrase" aria-describedby="{described["id"]}">'
                f"{m['inner']}</span>"
            )
        return m["inner"]

    return LINK_RE.sub(settle, html)


def place(html, drawn):
    """Put each placed thing's drawn HTML where the text placed it."""
    return PLACED_RE.sub(lambda m: drawn.get((m["name"], m["slug"]), m.group(0)), html)


@dataclass
class Texts:
    """All the texts of one object, rendered and checked together."""

    html: dict
    errors: dict
    anchors: list  # names the texts define
    targets: set  # what the texts link to or place, for the link registry
    taken: dict  # names the texts define that something else on the page already uses


def render_texts(sources, page, *, source=None, own_anchors=(), pending=frozenset()):
    """Render ``sources`` ({field: markup}) shown on ``page`` as one object's texts.

    ``source`` is the registry key of the object (its old anchors are ignored); its
    ``own_anchors`` (an entry's, a section's) count as defined; ``pending`` are (page, name)
    anchors about to be created in the same save. One query settles every reference.
    """
    rendered = {name: render(text, page) for name, text in sources.items()}
    found = [a for r in rendered.values() for a in r.anchors]
    defined = list(dict.fromkeys([*own_anchors, *found]))
    settled = _Settled(page, set(defined), pending)
    wanted_refs = settled.want(rendered.values())
    settled.resolution = references.resolve(
        wanted_refs,
        settled.wanted_anchors,
        exclude_source=source,
        own_page=page,
        defined=defined,
    )
    errors, html, targets = {}, {}, set()
    drawn = _draw({p for r in rendered.values() for p in r.placed})
    for name, r in rendered.items():
        messages = settled.problems(r)
        if messages:
            errors[name] = list(dict.fromkeys(messages))
        html[name] = place(finish(r.html, settled.is_public), drawn)
        targets.update(str(ref) for ref in r.references)
        targets.update(f"{page}#{anchor}" for anchor in r.local_anchors)
        targets.update(f"{kind}:{slug}" for kind, slug in r.placed)
    taken = settled.resolution.taken
    return Texts(html=html, errors=errors, anchors=defined, targets=targets, taken=taken)


class _Settled:
    """What one object's texts on ``page`` refer to, once settled in one query: whether each
    target exists and whether readers see it."""

    def __init__(self, page, own, pending):
        self.page, self.own, self.pending = page, own, pending
        self.wanted_anchors = set()
        self.resolution = None

    def want(self, rendered):
        """The references to settle; notes the anchors not defined here or pending."""
        page, own = self.page, self.own
        wanted_refs, wanted_anchors = [], set()
        for r in rendered:
            for ref in r.references:
                wanted_refs.append(ref)
                if ref.anchor and not (ref.page == page and ref.anchor in own):
                    wanted_anchors.add((ref.page, ref.anchor))
            wanted_refs.extend(references.Reference(name, slug) for name, slug in r.placed)
            wanted_anchors.update((page, name) for name in r.local_anchors if name not in own)
        self.wanted_anchors = {a for a in wanted_anchors if a not in self.pending}
        return wanted_refs

    def exists(self, page_key, anchor=""):
        if anchor and (page_key, anchor) not in self.wanted_anchors:
            return True  # defined here, or about to be
        if anchor and page_key == self.page:
            return f"{page_key}#{anchor}" in self.resolution.anchors
        return self.resolution.exists(f"{page_key}#{anchor}" if anchor else page_key)

    def is_public(self, target):
        page_key, _, anchor = target.partition("#")
        if page_key == self.page and anchor:
            # On the text's own page: readers see it if they see what defines the anchor.
            if anchor in self.own or (self.page, anchor) in self.pending:
                return True
            return self.resolution.anchors.get(target, False)
        return self.resolution.public(target)

    def problems(self, r):
        """The messages for one rendered text: broken links, and names already taken."""
        messages = list(r.errors)
        for ref in r.references:
            if not self.exists(ref.page):
                messages.append(f"Broken link '{ref}': there is no {ref.describe()}.")
            elif ref.anchor and not self.exists(ref.page, ref.anchor):
                messages.append(
                    f"Broken link '{ref}': there is no passage '{ref.anchor}' on the page of "
                    f"{ref.describe()}."
                )
        for kind, slug in r.placed:
            if not self.exists(f"{kind}:{slug}"):
                label = references.reference_kinds()[kind].label
                messages.append(f"Broken link '{kind}:{slug}': there is no {label} '{slug}'.")
        messages += [
            f"Broken link '#{anchor}': there is no passage '{anchor}' on this page."
            for anchor in r.local_anchors
            if not self.exists(self.page, anchor)
        ]
        messages += [
            f"The name '{anchor}' is already used on this page by "
            f"{self.resolution.taken[anchor]}; choose another."
            for anchor in r.anchors
            if anchor in self.resolution.taken
        ]
        return messages


def _draw(placed):
    drawn = {}
    by_name = {}
    for name, slug in placed:
        by_name.setdefault(name, set()).add(slug)
    for name, slugs in by_name.items():
        for slug, html in placements()[name].draw(slugs).items():
            drawn[(name, slug)] = html
    return drawn
