"""The section labels of structured abstracts.

In plain text only these labels start a section (so "Results of the trial…" does not);
in HTML or JATS the markup says what a label is, and any label is taken. Labels combine:
"Background and aims", "Design, setting and participants", "Materials and methods".
"""

from __future__ import annotations

import re

KNOWN_LABELS = (
    # The brief's list
    "background",
    "introduction",
    "context",
    "aim",
    "aims",
    "objective",
    "objectives",
    "purpose",
    "purpose of review",
    "purpose of the review",
    "recent findings",
    "design",
    "setting",
    "settings",
    "participants",
    "intervention",
    "interventions",
    "measurement",
    "measurements",
    "methods",
    "results",
    "findings",
    "summary",
    "conclusion",
    "conclusions",
    "interpretation",
    "discussion",
    "limitations",
    "implications",
    "trial registration",
    # Others common in addiction journals and PubMed
    "method",
    "materials",
    "study design",
    "patients",
    "subjects",
    "sample",
    "measures",
    "outcome measures",
    "main outcome measures",
    "main outcomes and measures",
    "outcomes",
    "exposure",
    "exposures",
    "main results",
    "analysis",
    "analyses",
    "authors' conclusions",
    "authors’ conclusions",
    "relevance",
    "importance",
    "significance",
    "rationale",
    "hypothesis",
    "clinical implications",
    "data sources",
    "data extraction",
    "data synthesis",
    "study selection",
    "eligibility criteria",
    "selection criteria",
    "search methods",
    "search strategy",
    "evidence acquisition",
    "evidence synthesis",
    "registration",
    "funding",
)

_ONE = "|".join(
    re.escape(label).replace(r"\ ", r"\s+") for label in sorted(KNOWN_LABELS, key=len, reverse=True)
)
_JOIN = r"(?:\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+|\s*[&/]\s*)"
LABEL_PATTERN = rf"(?:{_ONE})(?:{_JOIN}(?:{_ONE})){{0,4}}"  # bounded: no slow backtracking
LABEL_RE = re.compile(rf"^(?:{LABEL_PATTERN})$", re.I)
# A label followed by a colon (or a full stop or dash, as some exports have), in text.
LABEL_COLON_RE = re.compile(rf"\b(?P<label>{LABEL_PATTERN})\s*(?::|\s[-–—]\s)\s*", re.I)
# A label alone on its line: "Background" / "BACKGROUND:" over its text.
LABEL_LINE_RE = re.compile(rf"^\s*(?P<label>{LABEL_PATTERN})\s*[:.]?\s*$", re.I)
# An upper-case label opening a paragraph without a colon: "BACKGROUND Mutual help…"
# (the caller checks that the label is in capitals).
LABEL_CAPS_RE = re.compile(rf"^(?P<label>{LABEL_PATTERN})\s+(?=\S)", re.I)


def is_known_label(text: str) -> bool:
    return bool(LABEL_RE.match(" ".join(text.split()).rstrip(":.").strip()))


def label_case(label: str) -> str:
    """ "RECENT FINDINGS" → "Recent findings"; "purpose of review" → "Purpose of review";
    otherwise as given, with a capital first letter and no colon."""
    label = " ".join(label.split()).rstrip(":.-–— ").strip()
    if not label:
        return ""
    if label.isupper():
        label = label.lower()
    return label[0].upper() + label[1:]
