"""A file of records as text: UTF-8, or refused with one sentence saying why."""

from __future__ import annotations

import codecs
import re

# C0 control characters other than tab, line feed, vertical tab, form feed and return:
# no text file of records holds them.
CONTROL_RE = re.compile(rb"[\x00-\x08\x0e-\x1f]")
SIGNATURES = {
    b"%PDF-": "a PDF",
    b"PK\x03\x04": "a zip archive (such as a Word or Excel file)",
    b"\xd0\xcf\x11\xe0": "an old Word or Excel file",
    b"\x1f\x8b": "a gzip archive",
}


class UnreadableFile(ValueError):
    """The file is not text we can read; the message says why, for a person."""


def decode(raw: bytes) -> str:
    """``raw`` as text (UTF-8, with or without a byte order mark), or UnreadableFile."""
    for signature, what in SIGNATURES.items():
        if raw.startswith(signature):
            raise UnreadableFile(f"it is {what}, not a text file of records")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile("it is UTF-16 text, not UTF-8: save it as UTF-8 and try again")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"it is not UTF-8 text (byte 0x{raw[error.start]:02X} at position "
            f"{error.start + 1} is not UTF-8): save it as UTF-8 and try again"
        ) from None
    control = CONTROL_RE.search(raw)
    if control:
        kind = "a NUL byte" if control.group() == b"\x00" else "a control character"
        line = raw.count(b"\n", 0, control.start()) + 1
        raise UnreadableFile(
            f"it holds {kind} (0x{control.group()[0]:02X}, line {line}), so it is not a text "
            "file of records"
        )
    return text
