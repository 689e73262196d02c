"""What a previewed page leaves out for readers, and why: said above the preview, so an
editor is never left wondering where an entry went."""

from dataclasses import dataclass


@dataclass
class LeftOut:
    """Rows of a previewed object its page does not show readers: why, and each one named."""

    summary: str  # "2 entries are not shown because their documents are drafts:"
    names: list


def left_out(names, rows, because):
    """[LeftOut] for the rows ``names`` ([] for none). ``rows`` and ``because`` are each a
    (singular, plural) pair: ("entry", "entries"), ("its document is a draft", "their
    documents are drafts")."""
    if not names:
        return []
    many = len(names) != 1
    summary = (
        f"{len(names)} {rows[many]} {'are' if many else 'is'} not shown because {because[many]}:"
    )
    return [LeftOut(summary, names)]
