"""Addresses of pages named by slugs or codes, built from a pattern reversed once per process
(and script prefix), not by ``reverse()`` per link: a page of search results names sixty
documents, cells and topics, and each ``reverse()`` walks the URL resolver."""

from functools import lru_cache
from urllib.parse import quote

from django.urls import get_script_prefix, reverse


@lru_cache(maxsize=64)
def _pattern(name, prefix, samples):
    """The address of ``name`` split around its arguments, found by reversing it once with
    ``samples``: values its URL pattern accepts that appear nowhere else in it."""
    url = reverse(name, args=samples)
    parts, rest = [], url
    for sample in samples:
        before, found, rest = rest.partition(quote(sample, safe="-_.~"))
        assert found, (name, samples)
        parts.append(before)
    return (*parts, rest)


def address(name, values, samples):
    """reverse(name, args=values), for values already valid for the URL (stored slugs and
    codes), from the pattern ``samples`` found (see ``_pattern``)."""
    parts = _pattern(name, get_script_prefix(), samples)
    out = [parts[0]]
    for value, part in zip(values, parts[1:], strict=True):
        out.append(quote(str(value), safe="-_.~"))
        out.append(part)
    return "".join(out)
