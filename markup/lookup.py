"""Finding what to link to by name: "timko" gives ``doc:timko-debenedetti-2007-…``.

Each reference kind an app registers may say how to look itself up; named places inside
pages (bite sections, passages, entries, charts) come from the anchor registry.
"""

from dataclasses import dataclass

from .models import Anchor
from .registry import placements, reference_kinds

LIMIT = 12


@dataclass(frozen=True)
class Target:
    kind: str
    label: str
    reference: str  # "doc:slug", "cell:alcohol/E4#about"
    markup: str  # what to paste: "[text](doc:slug)" or "[[chart:slug]]"


def find_targets(query):
    words = query.strip()
    if len(words) < 2:
        return []
    found = []
    for name, kind in reference_kinds().items():
        if not kind.lookup:
            continue
        for label, key in kind.lookup(words)[:LIMIT]:
            reference = f"{name}:{key}"
            if name in placements():
                markup = f"[[{reference}]]"
            else:
                markup = f"[{label}]({reference})"
            found.append(Target(kind.label, label, reference, markup))
    anchors = (
        Anchor.objects.filter(public=True)
        .filter(name__icontains=words.replace(" ", "-"))
        .union(Anchor.objects.filter(public=True, label__icontains=words))
        .order_by("page", "name")[:LIMIT]
    )
    for anchor in anchors:
        reference = f"{anchor.page}#{anchor.name}"
        found.append(
            Target(
                "place on a page",
                f"{anchor.name} ({anchor.label})",
                reference,
                f"[text]({reference})",
            )
        )
    return found
