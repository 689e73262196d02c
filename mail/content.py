"""Writing an email's two parts from templates: plain text, and HTML with inlined styles."""

import re

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
