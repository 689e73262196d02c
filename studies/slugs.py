"""Short, readable slugs: first author, year and the title's first words, at most 60 chars."""

import re

from django.utils.text import slugify

MAX_LENGTH = 60
# Words that carry no meaning in a slug.
STOP_WORDS = frozenset(
    "a an and as at by for from in into is of on or the to with without its their".split()
)


def document_slug(title, year=None, authors=(), taken=lambda slug: False):
    """``kepner-2025-effectiveness-mutual-help-groups-illicit-drug-use``; unique via
    ``taken`` (a suffix -2, -3… when needed)."""
    parts = []
    if authors:
        surname = re.split(r"[\s,]+", authors[0].strip())[0]
        parts.append(surname)
    if year:
        parts.append(str(year))
    words = [w for w in slugify(title or "").split("-") if w and w not in STOP_WORDS]
    base = slugify(" ".join(parts)) or "document"
    for word in words:
        if len(base) + 1 + len(word) > MAX_LENGTH:
            break
        base = f"{base}-{word}"
    base = base[:MAX_LENGTH].strip("-")
    slug, number = base, 2
    while taken(slug):
        suffix = f"-{number}"
        slug = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        number += 1
    return slug
