"""Python-Markdown, kept linear in the length of the text.

Two places in Python-Markdown 3.11 take time that grows with the square of a paragraph's
length, which let one long annotation hold a server worker for minutes:

- the inline tree processor pops its work list from the front and looks up each child's
  position in its parent, so a paragraph with thousands of links, notes or emphases is
  quadratic;
- link and reference processors scan from every ``[`` to the end of the paragraph looking
  for the matching bracket, so a text with many unmatched brackets is quadratic.

The subclasses below do the same work with a queue and positions kept as they go, and bound
the bracket scans to lengths no real link reaches. ``make bench`` measures the result and
``tests/test_markup_limits.py`` compares their output with the stock processors'.
"""

import xml.etree.ElementTree as etree
from collections import deque

from markdown import inlinepatterns, util
from markdown.treeprocessors import InlineProcessor

# A link's text or its (target "title") longer than this is treated as plain text.
LINK_TEXT_LIMIT = 2_000
LINK_TARGET_LIMIT = 2_000


class LinearInlineProcessor(InlineProcessor):
    """The stock inline processor's ``run``, visiting children through a queue."""

    def run(self, tree, ancestors=None):
        handle_inline = self._InlineProcessor__handleInline
        process_placeholders = self._InlineProcessor__processPlaceholders
        self.stashed_nodes = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {c: p for p in tree.iter() for c in p}
        stack = deque([(tree, tree_parents)])
        self._InlineProcessor__build_ancestors(tree, tree_parents)

        while stack:
            current, parents = stack.popleft()
            self.ancestors = parents
            if current is not tree:
                self.ancestors.append(current.tag.lower())
            insert_queue = []
            children = []
            # Children created from a tail are visited right after the child they follow,
            # as the stock processor's in-place insertion visits them.
            pending = deque(current)
            while pending:
                child = pending.popleft()
                children.append(child)
                if child.text and not isinstance(child.text, util.AtomicString):
                    self.ancestors.append(child.tag.lower())
                    text = child.text
                    child.text = None
                    found = process_placeholders(handle_inline(text), child)
                    for item in found:
                        self.parent_map[item[0]] = child
                    stack.extend(found)
                    insert_queue.append((child, found))
                    self.ancestors.pop()
                if child.tail:
                    tail = handle_inline(child.tail)
                    dummy = etree.Element("d")
                    child.tail = None
                    tail_result = process_placeholders(tail, dummy, False)
                    if dummy.tail:
                        child.tail = dummy.tail
                    for new_child in reversed(tail_result):
                        self.parent_map[new_child[0]] = current
                        pending.appendleft(new_child[0])
                if len(child):
                    self.parent_map[child] = current
                    stack.append((child, self.ancestors[:]))
            current[:] = children

            for element, found in insert_queue:
                for i, obj in enumerate(found):
                    element.insert(i, obj[0])
        return tree


class BoundedLinkMixin:
    """Scan for a link's closing bracket and parenthesis only so far, and at C speed."""

    def getText(self, data, index):
        # The stock scan walks character by character in Python from every "[" to the end;
        # this jumps from one "]" to the next, counting the "[" between (same result).
        end = min(len(data), index + LINK_TEXT_LIMIT)
        depth, position = 1, index
        while True:
            close = data.find("]", position, end)
            if close == -1:
                return data[index:end], end, False
            depth += data.count("[", position, close) - 1
            if depth == 0:
                return data[index:close], close + 1, True
            position = close + 1

    def getLink(self, data, index):
        window = data[index : index + LINK_TARGET_LIMIT]
        if ")" not in window and ">" not in window:
            return "", None, index, False  # nothing could close it
        href, title, end, handled = super().getLink(window, 0)
        return href, title, index + end, handled


class LinkProcessor(BoundedLinkMixin, inlinepatterns.LinkInlineProcessor):
    pass


class ImageLinkProcessor(BoundedLinkMixin, inlinepatterns.ImageInlineProcessor):
    pass


class ReferenceProcessor(BoundedLinkMixin, inlinepatterns.ReferenceInlineProcessor):
    pass


class ShortReferenceProcessor(BoundedLinkMixin, inlinepatterns.ShortReferenceInlineProcessor):
    pass


class ImageReferenceProcessor(BoundedLinkMixin, inlinepatterns.ImageReferenceInlineProcessor):
    pass


class ShortImageReferenceProcessor(
    BoundedLinkMixin, inlinepatterns.ShortImageReferenceInlineProcessor
):
    pass


BOUNDED = {
    "link": LinkProcessor,
    "image_link": ImageLinkProcessor,
    "reference": ReferenceProcessor,
    "image_reference": ImageReferenceProcessor,
    "short_reference": ShortReferenceProcessor,
    "short_image_ref": ShortImageReferenceProcessor,
}


def make_linear(md):
    """Swap the quadratic processors of ``md`` for the linear ones above."""
    for name, cls in BOUNDED.items():
        stock = md.inlinePatterns[name]
        index = md.inlinePatterns.get_index_for_name(name)
        priority = md.inlinePatterns._priority[index].priority
        md.inlinePatterns.register(cls(stock.pattern, md), name, priority)
    # The main inline pass, and smarty's own pass over the tree, keep their patterns.
    for processor in md.treeprocessors:
        if type(processor) is InlineProcessor:
            processor.__class__ = LinearInlineProcessor
