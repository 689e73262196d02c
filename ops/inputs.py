"""What the site accepts from an address or a form: numbers it can read, and no control
characters. Shared by every app that reads a parameter, so none parses its own."""

import re

# C0 controls and DEL, except tab, line feed and carriage return. PostgreSQL refuses NUL in
# text, and no reader or editor means to type the others.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# In an address nothing of the kind belongs, tab and line breaks included.
PATH_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")

# ASCII digits only: str.isdigit() and int() also take "²", "①" and "٣", and int() fails on
# some of those and on more than 4,300 digits. Eighteen digits fit any bound we set.
WHOLE_NUMBER_RE = re.compile(r"[0-9]{1,18}")


def whole_number(text, low, high):
    """``text`` as an int from ``low`` to ``high``, or None if it is anything else (space
    around it is forgiven; signs, separators and other scripts' digits are not)."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not WHOLE_NUMBER_RE.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None
