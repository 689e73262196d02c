"""A real SMTP server in the test process (aiosmtpd), recording what it accepts.

Like a production server, it refuses a message with a line over 998 octets (RFC 5321
4.5.3.1.6) after DATA, and it can be told to refuse a sender, a recipient, a message after
DATA, or the sign-in.
"""

import email
import logging
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult

# aiosmtpd logs every closed connection; the tests count messages instead.
logging.getLogger("mail.log").setLevel(logging.ERROR)

LINE_LIMIT = 998  # octets, CRLF aside


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StrictSMTP(SMTP):
    # aiosmtpd counts the CRLF and by default lets a line of 999 octets through; this is
    # RFC 5321's limit exactly, answered as aiosmtpd answers any longer line:
    # "500 Line too long", after the whole message has been read.
    line_length_limit = LINE_LIMIT + 2


class Recorder:
    """The server's handler: it keeps every message it accepts, parsed."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.refuse_sender = None  # SMTP reply to every MAIL FROM, e.g. "552 5.3.4 Too big"
        self.refuse = {}  # address -> SMTP reply to RCPT TO, e.g. "550 No such user"
        # Text the message contains -> SMTP reply after DATA, e.g. "554 5.6.0 Refused"
        self.refuse_data = {}
        self.before_accepting = None  # called with the envelope before the 250 reply
        self.sign_ins = []  # (user name, accepted?) for each AUTH

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_sender:
            return self.refuse_sender
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.before_accepting and self.before_accepting(envelope) is False:
            return "451 Try again later"
        for text, reply in self.refuse_data.items():
            if text.encode() in envelope.content:
                return reply
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"

    def ids(self):
        with self.lock:
            return [m["Message-ID"] for m in self.messages]

    def count(self):
        with self.lock:
            return len(self.messages)


class StrictController(Controller):
    def factory(self):
        return StrictSMTP(self.handler, **self.SMTP_kwargs)


class SMTPServer:
    """``password``: the server asks clients to sign in, and takes only that password."""

    def __init__(self, password=None):
        self.recorder = Recorder()
        self.port = free_port()
        self.password = password
        options = {}
        if password is not None:
            options = {
                "authenticator": self.authenticate,
                "auth_require_tls": False,
                # smtplib's LOGIN sends the user name with the command, which aiosmtpd's
                # LOGIN does not expect (both would wait for the other): PLAIN only.
                "auth_exclude_mechanism": ["LOGIN"],
            }
        self.controller = StrictController(
            self.recorder, hostname="127.0.0.1", port=self.port, **options
        )

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        accepted = auth_data.password.decode() == self.password
        self.recorder.sign_ins.append((auth_data.login.decode(), accepted))
        return AuthResult(success=accepted, handled=False)  # aiosmtpd answers 535 itself

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def messages(self):
        return self.recorder.messages

    def settings(self):
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
        }
