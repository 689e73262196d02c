"""What the site accepts from an address or a form: numbers it can read. Shared by every
app that reads a parameter, so none parses its own."""

import re

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
