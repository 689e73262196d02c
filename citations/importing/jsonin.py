"""JSON input: one value, perhaps followed by pasted text (as Semantic Scholar-style records
are, with the abstract again and a journal blurb), which is set aside, never read."""

from __future__ import annotations

import json


class JsonProblem(ValueError):
    pass


def load_json(text: str):
    """(value, the text after it). JsonProblem names the problem, its line and column."""
    start = len(text) - len(text.lstrip())
    try:
        value, end = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as error:
        raise JsonProblem(
            f"the text is not valid JSON: {error.msg.lower()} at line {error.lineno}, "
            f"column {error.colno}"
        ) from None
    return value, text[end:].strip()


def describe_trailing(trailing: str) -> str:
    lines = trailing.count("\n") + 1
    first = trailing.split("\n", 1)[0][:40]
    if lines == 1:
        return f'the line of text after the JSON ("{first}") was ignored'
    return f'the {lines} lines of text after the JSON (from "{first}") were ignored'
