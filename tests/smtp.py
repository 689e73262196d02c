"""A real SMTP server in the test process (aiosmtpd), recording what it accepts."""

import email
import logging
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller

# aiosmtpd logs every closed connection; the tests count messages instead.
logging.getLogger("mail.log").setLevel(logging.ERROR)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """The server's handler: it keeps every message it accepts, parsed."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.refuse = {}  # address -> SMTP reply to RCPT TO, e.g. "550 No such user"
        self.before_accepting = None  # called with the envelope before the 250 reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.before_accepting and self.before_accepting(envelope) is False:
            return "451 Try again later"
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


class SMTPServer:
    def __init__(self):
        self.recorder = Recorder()
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

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
