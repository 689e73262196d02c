"""Writing an email's two parts from templates: plain text, and HTML with inlined styles."""

import re
from html.parser import HTMLParser

import css_inline
from django.conf import settings
from django.template import Context
from django.template.loader import get_template, render_to_string

RELATIVE_HREF_RE = re.compile(r'href="/(?!/)')


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def with_nonce(html, nonce):
    """An email's HTML to show inside an admin page: its <style> block gets the page's CSP
    nonce (the styles inlined on its elements are blocked there, by design)."""
    return html.replace("<style>", f'<style nonce="{nonce}">') if nonce else html


def render_text(template, context):
    """A plain-text template rendered without HTML escaping: a reader's "&" or "<" is sent
    as typed, not as "&amp;" or "&lt;"."""
    return get_template(template).template.render(Context(context, autoescape=False))


def render_parts(template, context):
    """(text, html) from ``template``.txt and ``template``.html: links absolute (mail is
    read away from the site), the stylesheet inlined by css-inline (mail clients drop
    <style>)."""
    context = {"site_url": settings.SITE_URL, **context}
    text = render_text(f"{template}.txt", context).strip() + "\n"
    html = render_to_string(f"{template}.html", context)
    html = RELATIVE_HREF_RE.sub(f'href="{settings.SITE_URL}/', html)
    # The <style> block is kept too: clients that read it get the same styles, and previews
    # in the admin, where inline styles are not allowed, use it.
    return text, css_inline.inline(html, keep_style_tags=True)


BLOCKS = {"p", "div", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "br",
          "table", "tr", "figure", "figcaption", "details", "summary", "section"}  # fmt: skip


class _PlainText(HTMLParser):
    """Stored HTML read as an email's plain part: the words, each link's address after its
    words in angle brackets (absolute), a note's text in brackets after its phrase, lists as
    "* " lines, blocks separated by blank lines."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.words, self.links, self.spans = [], [], [], []

    def _end_block(self):
        text = " ".join("".join(self.words).split())
        if text:
            self.blocks.append(text)
        self.words = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in BLOCKS:
            self._end_block()
            if tag == "li":
                self.words.append("* ")
        elif tag == "a":
            self.links.append((attrs.get("href") or "", len(self.words)))
        elif tag == "span":
            note = "note" in (attrs.get("class") or "").split()
            self.spans.append(note)
            if note:
                self.words.append(" (")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self._end_block()
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            shown = "".join(self.words[start:]).strip()
            if href and not href.startswith("#"):
                url = absolute(href) if href.startswith("/") and not href.startswith("//") else href
                if shown != url:
                    self.words.append(f" <{url}>")
        elif tag == "span" and self.spans and self.spans.pop():
            self.words.append(")")

    def handle_data(self, data):
        self.words.append(data)

    def text(self):
        self._end_block()
        return "\n\n".join(self.blocks)


def html_to_text(html):
    """``html`` (a rendered markup text) as plain text for an email's text part."""
    parser = _PlainText()
    parser.feed(html or "")
    parser.close()
    return parser.text()
