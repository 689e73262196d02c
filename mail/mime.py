"""A message as bytes for SMTP, every line within RFC 5321's 998 octets.

A part whose lines all fit, with room for each recipient's own values, goes as 8-bit UTF-8,
exactly as written. Any other part goes quoted-printable (RFC 2045), which every mail client
decodes back to the text as written; our encoder never breaks a line inside a stand-in, so a
message serialised once can still be copied per recipient by replacing bytes.
"""

import re
from email import policy
from email.message import EmailMessage, MIMEPart
from email.utils import formatdate

from django.conf import settings

LINE_LIMIT = 998  # octets in a line, CRLF aside (RFC 5321 4.5.3.1.6)
ROOM = 300  # octets a recipient's own value may add to a line for each stand-in on it
QP_WIDTH = 76  # RFC 2045 6.7: encoded lines of at most 76 characters, soft break included

# Bytes that stand for themselves in quoted-printable; everything else is written =XX.
_LITERAL = set(range(33, 127)) - {ord("=")} | {ord(" "), ord("\t")}
_QP = [chr(b) if b in _LITERAL else f"={b:02X}" for b in range(256)]
QP_LITERAL_RE = re.compile(r"[!-<>-~]*")  # a value that may go into quoted-printable as is


def quoted_printable(text, keep=()):
    """``text`` (UTF-8) quoted-printable, with no soft line break inside any of ``keep``."""
    splitter = re.compile(b"(" + b"|".join(re.escape(s.encode()) for s in keep) + b")")
    lines = []
    for line in text.encode().splitlines():
        tokens = []
        for i, piece in enumerate(splitter.split(line) if keep else [line]):
            if i % 2:
                tokens.append(piece.decode())  # a stand-in, kept whole
            else:
                tokens.extend(_QP[b] for b in piece)
        if tokens and tokens[-1] in (" ", "\t"):  # trailing white space is lost in transit
            tokens[-1] = f"={ord(tokens[-1]):02X}"
        current, width = [], 0
        for token in tokens:
            if current and width + len(token) > QP_WIDTH - 1:
                lines.append("".join(current) + "=")
                current, width = [], 0
            current.append(token)
            width += len(token)
        lines.append("".join(current))
    return "\n".join(lines) + "\n"


def fits(text, keep=()):
    """Whether every line of ``text`` fits the limit as it is, with room for the values."""
    stand_ins = [s.encode() for s in keep]
    for line in text.encode().splitlines():
        if len(line) > LINE_LIMIT - ROOM * len(stand_ins):
            grown = len(line) + ROOM * sum(line.count(s) for s in stand_ins)
            if grown > LINE_LIMIT:
                return False
    return True


def part(text, subtype, keep=()):
    """A text part: 8-bit if it fits, otherwise quoted-printable."""
    mime = MIMEPart(policy=policy.SMTP)
    if fits(text, keep):
        mime.set_content(text, subtype=subtype, charset="utf-8", cte="8bit")
    else:
        mime.set_content("", subtype=subtype, charset="utf-8", cte="quoted-printable")
        mime.set_payload(quoted_printable(text, keep))  # ours: it keeps stand-ins whole
    return mime


def serialise(content, to, message_id, keep=()):
    """``content`` (mail.registry.Content) as bytes for SMTP; ``keep``: its stand-ins."""
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = content.subject
    message["From"] = settings.DEFAULT_FROM_EMAIL
    message["To"] = to
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id
    for name, value in content.headers.items():
        message[name] = value
    message["MIME-Version"] = "1.0"
    message.make_alternative()
    message.attach(part(content.text, "plain", keep))
    message.attach(part(content.html, "html", keep))
    return message.as_bytes()


class Wire:
    """A message serialised once with stand-ins, copied per recipient with their values."""

    def __init__(self, content, to, message_id, own=()):
        keep = [to, message_id, *own]
        self.data = serialise(content, to, message_id, keep)
        self.stand_ins = [(s, s.encode()) for s in keep]
        # Values that land in a quoted-printable part must be writable there as they are.
        encoded = " ".join(t for t in (content.text, content.html) if not fits(t, keep))
        self.encoded = {s for s in keep if s in encoded}
        # How much longer than its stand-in a value may be, on the most crowded line.
        self.slack = LINE_LIMIT
        for line in self.data.split(b"\r\n"):
            count = sum(line.count(b) for _, b in self.stand_ins)
            if count:
                self.slack = min(self.slack, (LINE_LIMIT - len(line)) // count)
        # Each stand-in must be in the bytes as often as in the content, never split or
        # encoded away (a header encoded as RFC 2047 words would hide one).
        written = " ".join(
            [content.subject, content.text, content.html, to, message_id, *content.headers.values()]
        )
        if any(self.data.count(b) != written.count(s) for s, b in self.stand_ins):
            self.data = None

    def fill(self, values):
        """The message with each stand-in replaced by its value, or None when a value
        would not fit (too long for its line, or not writable in quoted-printable as is)."""
        if self.data is None:
            return None
        data = self.data
        for stand_in, raw in self.stand_ins:
            value = values[stand_in]
            if len(value) - len(stand_in) > self.slack:
                return None
            if stand_in in self.encoded and not QP_LITERAL_RE.fullmatch(value):
                return None
            data = data.replace(raw, value.encode())
        return data
