"""Sending through a provider's API (django-anymail) blames whom the provider blames: an
address it refuses is suppressed; a message it refuses fails alone; a refused API key or an
unreachable provider holds the queue and fails nothing; its own trouble is tried again.

The provider is a local HTTP server answering as Postmark's email API does
(https://postmarkapp.com/developer/api/email-api, error codes from its API overview).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mail.models import OutboxMessage, Undeliverable
from mail.registry import Content, Kind, register
from mail.sending import queue, send_pending

pytestmark = pytest.mark.django_db

INACTIVE = (
    "You tried to send to recipient(s) that have been marked as inactive.\n"
    "Found inactive addresses: {address}.\n"
    "Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a "
    "manual suppression."
)


class Postmark(BaseHTTPRequestHandler):
    """POST /email: each address's answer from ``server.answers`` (status, body), else OK."""

    def do_POST(self):
        sent = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.received.append(sent)
        if self.headers.get("X-Postmark-Server-Token") != "right-token":
            status, body = 401, {"ErrorCode": 10, "Message": "The Server Token is invalid."}
        else:
            status, body = self.server.answers.get(sent["To"], (200, None))
        body = body or {
            "To": sent["To"],
            "SubmittedAt": "2026-12-04T10:00:00Z",
            "ErrorCode": 0,
            "MessageID": f"b7bc2f4a-e38e-4336-af7d-e6c39{len(self.server.received):07d}",
            "Message": "OK",
        }
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def postmark(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Postmark)
    server.received, server.answers = [], {}
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {
        "POSTMARK_SERVER_TOKEN": "right-token",
        "POSTMARK_API_URL": f"http://127.0.0.1:{server.server_port}/",
    }
    yield server
    server.shutdown()
    server.server_close()


def render_plain(context):
    words = f"A message marked {context['marker']}."
    return Content(f"Message {context['marker']}", words + "\n", f"<p>{words}</p>")


register(Kind("tests.provider-plain", render_plain))


def queue_to(address, marker="x"):
    return queue("tests.provider-plain", address, {"marker": marker})


def deliver():
    return send_pending("test-worker", time_budget=30)


def test_the_provider_takes_the_message(postmark):
    row = queue_to("reader@example.org", "hello")
    assert deliver() == {"sent": 1, "retry": 0, "failed": 0}
    assert postmark.received[0]["TextBody"] == "A message marked hello.\n"
    assert OutboxMessage.objects.get(pk=row.pk).status == "sent"


def test_an_address_the_provider_refuses_is_suppressed(postmark):
    postmark.answers["gone@example.org"] = (
        422,
        {"ErrorCode": 406, "Message": INACTIVE.format(address="gone@example.org")},
    )
    row, other = queue_to("gone@example.org"), queue_to("reader@example.org")
    assert deliver() == {"sent": 1, "retry": 0, "failed": 1}
    row.refresh_from_db(), other.refresh_from_db()
    assert (row.status, row.failure, other.status) == ("failed", "address", "sent")
    assert "inactive" in row.last_error
    suppressed = Undeliverable.objects.get()
    assert suppressed.email == "gone@example.org"
    assert suppressed.reason.startswith("refused by the provider: All message recipients")


def test_a_message_the_provider_refuses_fails_alone(postmark):
    postmark.answers["editors@example.org"] = (
        422,
        {"ErrorCode": 300, "Message": "Invalid 'From' address: 'bulletins@localhost'."},
    )
    row, other = queue_to("editors@example.org"), queue_to("reader@example.org")
    assert deliver() == {"sent": 1, "retry": 0, "failed": 1}
    row.refresh_from_db(), other.refresh_from_db()
    assert (row.status, row.failure, other.status) == ("failed", "message", "sent")
    assert "422" in row.last_error and "Invalid 'From' address" in row.last_error
    assert not Undeliverable.objects.exists()


def test_a_refused_api_key_holds_the_queue_and_blames_nobody(postmark, settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "POSTMARK_SERVER_TOKEN": "wrong-token"}
    rows = [queue_to(f"reader{n}@example.org") for n in range(3)]
    assert deliver() == {"sent": 0, "retry": 1, "failed": 0}
    assert len(postmark.received) == 1  # one try, not one per message
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"queued"}
    assert "401" in OutboxMessage.objects.get(pk=rows[0].pk).last_error
    assert not Undeliverable.objects.exists()


def test_the_providers_own_trouble_is_tried_again_later(postmark):
    postmark.answers["reader@example.org"] = (500, {"ErrorCode": 500, "Message": "Oops"})
    row = queue_to("reader@example.org")
    assert deliver() == {"sent": 0, "retry": 1, "failed": 0}
    row.refresh_from_db()
    assert row.status == "queued" and row.attempts == 1 and "500" in row.last_error
