"""The request-body limit holds for every kind of body: form fields, file parts and chunked
bodies with no Content-Length, refused with 413 before any of it is read
(config.middleware.RequestBodyLimitMiddleware). The same through a real gunicorn is in
tests/test_proxies.py."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 2_621_440
IMPORT = "/admin/studies/document/import/"
RIS = b"TY  - JOUR\nAU  - Miller, William R.\nTI  - Motivational interviewing\nPY  - 1983\nER  - \n"


class Sender:
    """A client's body as the server reads it, made as it is read (never held whole),
    counting what the server took."""

    def __init__(self, size, piece=b"x" * 65536, head=b""):
        self.left, self.piece, self.head, self.taken = size, piece, head, 0

    def read(self, size=-1):
        if self.head:
            out, self.head = self.head[:size], self.head[size:]
        else:
            want = self.left if size is None or size < 0 else min(size, self.left)
            out = (self.piece * (want // len(self.piece) + 1))[:want]
            self.left -= len(out)
        self.taken += len(out)
        return out

    def readline(self, size=-1):
        return self.read(size)


def multipart_head(filename="huge.bin"):
    """The start of a multipart body: an email field, then a file part that goes on."""
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\n'
        f"reader@example.org\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; "
        f'name="attachment"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()


@pytest.fixture
def temp_dir(tmp_path, settings, monkeypatch):
    """Every upload Django would write to disk lands here, to be seen."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def post_stream(client, path, sender, *, length=None, content_type=MULTIPART_CONTENT, **extra):
    """POST ``sender`` as the body, with ``length`` as Content-Length, or chunked without."""
    headers = {
        "wsgi.input": sender,
        "CONTENT_LENGTH": "" if length is None else str(length),
        "CONTENT_TYPE": content_type,  # the test client sets it only with data of its own
    }
    if length is None:
        headers["HTTP_TRANSFER_ENCODING"] = "chunked"
    return client.generic("POST", path, b"", **headers, **extra)


def test_a_100_mb_multipart_post_is_refused_before_a_byte_is_read(client, demo, temp_dir):
    size = 100 * 1024 * 1024
    sender = Sender(size, head=multipart_head())
    response = post_stream(client, "/subscribe/", sender, length=size)
    assert response.status_code == 413
    assert "Too much was sent at once" in response.text and "2.5\xa0MB" in response.text
    assert sender.taken == 0
    assert list(temp_dir.iterdir()) == []


def test_a_file_part_just_over_the_limit_is_refused_and_nothing_is_written(client, demo, temp_dir):
    body = encode_multipart(
        BOUNDARY,
        {"email": "reader@example.org", "attachment": SimpleUploadedFile("a.bin", b"x" * LIMIT)},
    )
    assert LIMIT < len(body) < LIMIT + 1000  # Django's own limit counts none of the file
    sender = Sender(0, head=body)
    response = post_stream(client, "/subscribe/", sender, length=len(body))
    assert response.status_code == 413
    assert sender.taken == 0
    assert list(temp_dir.iterdir()) == []


def test_a_chunked_body_over_the_limit_is_refused_having_read_no_more_than_the_limit(
    client, demo, temp_dir
):
    sender = Sender(100 * 1024 * 1024, head=multipart_head())
    response = post_stream(client, "/subscribe/", sender)
    assert response.status_code == 413
    assert sender.taken == LIMIT + 1  # one byte over shows it; the rest stays unread
    assert list(temp_dir.iterdir()) == []


def test_a_chunked_form_within_the_limit_is_read_and_answered(client, demo, temp_dir):
    body = b"email=chunked%40example.org"
    response = post_stream(
        client,
        "/subscribe/",
        Sender(0, head=body),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Check your inbox" in response.text


def test_a_file_part_within_the_limit_stays_in_memory_on_a_public_form(client, demo, temp_dir):
    """Public forms take no files; one sent anyway is held in memory and dropped."""
    upload = SimpleUploadedFile("a.bin", b"x" * (LIMIT - 1000))
    response = client.post("/subscribe/", {"email": "reader@example.org", "attachment": upload})
    assert response.status_code == 200 and "Check your inbox" in response.text
    assert list(temp_dir.iterdir()) == []


def test_the_api_answers_413_in_json(client, db):
    sender = Sender(10 * 1024 * 1024)
    response = post_stream(client, "/api/v1/documents", sender, length=10 * 1024 * 1024)
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["code"] == "too_large" and "2621440 bytes" in body["message"]
    assert sender.taken == 0


def import_upload(size):
    """The import's first step with one RIS file of ``size`` bytes (a record, then padding)."""
    ris = RIS + b"\n" * (size - len(RIS))
    return {"_read": "1", "records": "", "files": [SimpleUploadedFile("big.ris", ris)]}


def test_staff_may_send_the_import_more_than_the_general_limit(editor_client, temp_dir):
    response = editor_client.post(IMPORT, import_upload(3_000_000))
    assert response.status_code == 200
    assert "Motivational interviewing" in response.text  # the record, read from the file
    assert list(temp_dir.iterdir()) == []  # the temporary file is gone with the request


def test_the_import_limit_is_for_signed_in_staff_only(client, demo, temp_dir):
    data = import_upload(3_000_000)
    assert client.post(IMPORT, data).status_code == 413  # not signed in
    reader = User.objects.create_user("reader", password="pw")  # signed in, not staff
    client.force_login(reader)
    assert client.post(IMPORT, import_upload(3_000_000)).status_code == 413
    assert list(temp_dir.iterdir()) == []


def test_a_strangers_body_to_the_import_is_read_to_its_end_and_refused(client, demo, temp_dir):
    """The proxies let up to 10 MB through to the import: a body refused there is read (and
    dropped) before the 413 goes out, so the proxy is not reset mid-send and answers 502."""
    size = 3_000_000
    sender = Sender(size, head=multipart_head("big.ris"))
    response = post_stream(client, IMPORT, sender, length=size)
    assert response.status_code == 413
    assert sender.taken == size
    assert list(temp_dir.iterdir()) == []


def test_the_import_has_its_own_limit_and_says_so(editor_client, settings, temp_dir):
    size = settings.UPLOAD_MAX_BYTES + 1
    sender = Sender(size)
    response = post_stream(editor_client, IMPORT, sender, length=size)
    assert response.status_code == 413
    assert "10.0\xa0MB" in response.text
    assert sender.taken == 0


def test_the_limits_come_from_the_environment():
    """REQUEST_MAX_BYTES and UPLOAD_MAX_BYTES (README, Configuration) set the limits, and
    Django's own limits follow the first."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL="sqlite://:memory:",  # never the developer's own database
        DEBUG="1",
        REQUEST_MAX_BYTES="1000000",
        UPLOAD_MAX_BYTES="20000000",
    )
    code = (
        "from django.conf import settings as s; print(s.REQUEST_MAX_BYTES, "
        "s.DATA_UPLOAD_MAX_MEMORY_SIZE, s.FILE_UPLOAD_MAX_MEMORY_SIZE, s.UPLOAD_MAX_BYTES)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert shown.stdout.split() == ["1000000", "1000000", "1000000", "20000000"], shown.stderr
