"""Addresses from the old site (/PHP/dl.php?file=Matrix/Alcohol/E4.htm) and where they live now."""

import re
from dataclasses import dataclass
from urllib.parse import unquote

from ops.inputs import CONTROL_RE

LEGACY_CELL_RE = re.compile(
    r"^/?matrix/(?P<folder>[a-z]+)/(?P<code>[a-e][1-5])(?:\.html?)?$", re.IGNORECASE
)
LEGACY_FILE_RE = re.compile(r"^(?:.*/)?(?P<stem>[^/]+?)(?:\.(?:txt|html?|pdf))?$", re.IGNORECASE)


@dataclass
class LegacyCell:
    folder: str
    code: str


def legacy_target(params):
    """The file an old address asked for, from ``file=`` or ``f=``, fully decoded."""
    value = params.get("file") or params.get("f") or ""
    for _ in range(3):  # links in old emails are sometimes encoded twice
        decoded = unquote(value)
        if decoded == value:
            break
        value = decoded
    # Decoding here undoes the request's own clean-up: "%2500" has become a NUL.
    return CONTROL_RE.sub("", value).strip().replace("\\", "/")


def parse_legacy_cell(target):
    m = LEGACY_CELL_RE.match(target)
    if not m:
        return None
    return LegacyCell(folder=m["folder"], code=m["code"].upper())


def search_words(target):
    """Words worth searching for in an unknown old file name ("Manning_V_3.txt" -> "Manning")."""
    m = LEGACY_FILE_RE.match(target)
    if not m:
        return ""
    words = [w for w in re.split(r"[_\W\d]+", m["stem"]) if len(w) > 2]
    return " ".join(words[:3])
