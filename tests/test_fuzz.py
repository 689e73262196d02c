"""Hostile input answers a 4xx, never a 500: the defects a fuzzing of a production-style
copy found, each on its own."""

import pytest
from django.core import signing

from readers import tokens
from readers.models import Subscriber

pytestmark = pytest.mark.django_db

TEN_KB = 10 * 1024


@pytest.mark.parametrize("value", ["²", "①", "٣", "9" * TEN_KB])
def test_unicode_digits_and_endless_numbers_in_search_paging_and_years_are_not_numbers(
    client, demo, value
):
    # "²".isdigit() is true, and int("²") fails; int() also refuses 10 KB of digits.
    for address in ("/search/", "/cite/search.ris", "/feeds/search/"):
        for name in ("page", "from", "to"):
            response = client.get(address, {"q": "aid", name: value})
            assert response.status_code == 200, (address, name)
            if address == "/search/":
                note = "showing the first page" if name == "page" else "is not a year"
                assert note in response.text


@pytest.mark.parametrize("value", ["²", "①", "٣", "1_000", "+2", "0", "-1", "9" * 30])
def test_the_api_reads_numbers_as_the_pages_do(client, demo, value):
    for address in ("/api/v1/search", "/api/v1/documents"):
        for name in ("page", "year_from", "year_to"):
            response = client.get(address, {"q": "aid", name: value})
            assert response.status_code == 422, (address, name)
            assert "detail" in response.json()
    assert client.get("/api/v1/search", {"q": "aid", "page": "2"}).status_code == 200


@pytest.mark.parametrize(
    "address", ["/subjects/%00/", "/feeds/subjects/%00/", "/subjects/a%01b/", "/topics/%7F/"]
)
def test_a_control_character_in_a_path_is_a_bad_request(client, demo, address):
    response = client.get(address)
    assert response.status_code == 400
    assert "The request could not be read" in response.text


def test_a_control_character_in_an_api_path_is_a_bad_request_in_the_apis_shape(client, demo):
    response = client.get("/api/v1/documents/%00")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The address holds control characters."}


def test_a_10_kb_user_name_at_sign_in_is_refused_before_it_is_recorded(client, db):
    from axes.models import AccessAttempt

    response = client.post("/admin/login/", {"username": "u" * TEN_KB, "password": "p" * TEN_KB})
    assert response.status_code == 200
    assert "at most 150 characters" in response.text
    assert "u" * 150 in response.text  # the form keeps what was typed
    assert not AccessAttempt.objects.exists()


def test_absurd_user_names_do_not_stop_lockouts_counting(client, db):
    from django.contrib.auth.models import User

    User.objects.create_user("editor1", password="the right one", is_staff=True)
    for _ in range(2):
        client.post("/admin/login/", {"username": "u" * TEN_KB, "password": "wrong"})
    for _ in range(5):
        client.post("/admin/login/", {"username": "editor1", "password": "p" * TEN_KB})
    locked = client.post("/admin/login/", {"username": "editor1", "password": "the right one"})
    assert locked.status_code == 429


@pytest.mark.parametrize("s", ["abc", "²", "", None, [1], {"a": 1}, 1.5, True, -1, 10**30])
def test_a_signed_reader_token_whose_fields_are_not_numbers_is_a_bad_link(client, db, s):
    reader = Subscriber.objects.create(email="reader@example.org")
    for salt, address in (
        (tokens.MANAGE_SALT, "/subscription/{}/"),
        (tokens.UNSUBSCRIBE_SALT, "/unsubscribe/{}/"),
        (tokens.CONFIRM_SALT, "/subscribe/confirm/{}/"),
    ):
        token = signing.dumps({"s": s, "k": reader.key, "f": ""}, salt=salt)
        response = client.get(address.format(token))
        assert response.status_code == 400
        assert "This link no longer works" in response.text


def test_an_old_address_encoded_twice_brings_no_control_characters_into_its_page(client, demo):
    # The old-address page decodes ?file= itself, after the request's own clean-up.
    response = client.get("/PHP/dl.php?file=Manning%2500_V%25013.txt")
    assert response.status_code == 404
    assert "\x00" not in response.text and "\x01" not in response.text
    assert "Manning_V3.txt" in response.text


MAILJET_BOUNCE = [{"event": "bounce", "email": "reader@example.org", "time": 1700000000}]


def test_mail_provider_webhooks_answer_404_until_a_webhook_secret_is_set(client, db):
    from mail.models import Undeliverable

    # Anyone could otherwise silence a reader with a forged bounce, or get a 500 from a
    # provider whose keys are not set.
    forged = client.post(
        "/anymail/mailjet/tracking/", MAILJET_BOUNCE, content_type="application/json"
    )
    assert forged.status_code == 404
    assert not Undeliverable.objects.exists()
    assert client.post("/anymail/mailgun/tracking/", {"x": "1"}).status_code == 404
    assert client.get("/anymail/postal/inbound/").status_code == 404


def test_a_secured_webhook_still_hears_bounces_and_refuses_strangers(client, settings, db):
    from base64 import b64encode

    from mail.models import Undeliverable

    settings.ANYMAIL = {"WEBHOOK_SECRET": "provider:a-long-secret"}
    address = "/anymail/mailjet/tracking/"
    stranger = client.post(address, MAILJET_BOUNCE, content_type="application/json")
    assert stranger.status_code == 400
    assert not Undeliverable.objects.exists()
    auth = "Basic " + b64encode(b"provider:a-long-secret").decode()
    provider = client.post(
        address, MAILJET_BOUNCE, content_type="application/json", HTTP_AUTHORIZATION=auth
    )
    assert provider.status_code == 200
    assert Undeliverable.objects.filter(email="reader@example.org").exists()
    # A provider whose own keys are not set (Mailgun's signing key) stays off.
    unset = client.post("/anymail/mailgun/tracking/", {"x": "1"}, HTTP_AUTHORIZATION=auth)
    assert unset.status_code == 404
