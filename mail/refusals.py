"""Whose fault a failed send is, from where in the SMTP conversation it came and what the
server said.

An address is blamed only when the server refuses the recipient itself: a 5xx at RCPT TO,
unless its enhanced status code (RFC 3463) says the fault is the sender's, the message's or
the session's (X.3 mail system, X.5 protocol, X.6 content, X.7 security or policy, such as
"relaying denied"); or an enhanced status 5.1.x about the destination (not 5.1.7 or 5.1.8,
which are about the sender) after DATA. Any other 5xx fails that one message. A 4xx or a
dropped connection is tried again later. A refusal while connecting or signing in is the
server's or our settings' fault, never a message's or an address's.

Through a provider's API (django-anymail) the same holds: an address it refuses is blamed;
a refused API key, or no answer, is the session's; its own trouble (429, 5xx) is retried;
any other refusal fails the message.
"""

import re
import smtplib

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused

RETRY = "retry"  # temporary: this message again, later
MESSAGE = "message"  # this message will not go; nothing else is touched
ADDRESS = "address"  # the recipient is refused: the address is suppressed
SESSION = "session"  # connecting or signing in was refused: hold the queue, blame nobody

ENHANCED_RE = re.compile(r"\s*[245]\.(\d{1,3})\.(\d{1,3})(?!\d)")
ABOUT_THE_SENDER = {(1, 7), (1, 8)}
NOT_ABOUT_THE_RECIPIENT = {3, 5, 6, 7}


def stage_of(error):
    """Where the conversation failed (the session's own stage is the caller's to know)."""
    if isinstance(error, smtplib.SMTPSenderRefused):
        return "MAIL FROM"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "RCPT TO"
    if isinstance(error, smtplib.SMTPDataError):
        return "DATA"
    return "sending"


def reply_of(error):
    """(code, text) of the server's reply; (None, what happened) when there was none."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, text = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, text = error.smtp_code, error.smtp_error
    else:
        return None, f"{type(error).__name__}: {error}"
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return code, " ".join(text.split())


def enhanced(text):
    """The (subject, detail) of an enhanced status code at the start of ``text``."""
    match = ENHANCED_RE.match(text)
    return (int(match[1]), int(match[2])) if match else None


def judge(code, text, stage):
    """RETRY, MESSAGE, ADDRESS or SESSION for a reply ``code`` and ``text`` at ``stage``."""
    if stage == "session":
        return SESSION
    if code is None or not 500 <= code < 600:
        return RETRY
    status = enhanced(text)
    if status in ABOUT_THE_SENDER or stage == "MAIL FROM":
        return MESSAGE
    if status and status[0] == 1:
        return ADDRESS
    if stage == "RCPT TO" and not (status and status[0] in NOT_ABOUT_THE_RECIPIENT):
        return ADDRESS
    return MESSAGE


def describe(code, text, stage):
    """The server's reply and where it came, for the admin: "550 5.1.1 No such user (at RCPT
    TO)"."""
    where = {"session": "connecting or signing in", "sending": "while sending"}
    where = where.get(stage, f"at {stage}")
    reply = f"{code} {text}" if code is not None else text
    return f"{reply} ({where})"


def judge_provider(error):
    """(verdict, reason) for a django-anymail error."""
    status = getattr(error, "status_code", None)
    reason = " ".join(str(error).split())
    if isinstance(error, AnymailRecipientsRefused):
        answer = getattr(error.response, "text", "")  # the provider's words, not in str()
        return ADDRESS, " ".join(f"{reason}: {answer}".split()) if answer else reason
    if isinstance(error, AnymailAPIError):
        if status is None or status in (401, 403):
            return SESSION, f"{reason} (connecting or signing in)"
        if status == 429 or status >= 500:
            return RETRY, reason
    return MESSAGE, reason
