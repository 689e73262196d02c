"""Comment/query and suggest-a-document forms: stored for the editors, validated, protected."""

import pytest
from django.test import Client

from feedback.models import EditorMessage
from studies.models import Document
from tests.htmlparse import page

pytestmark = pytest.mark.django_db

CELL_COMMENT = "/matrices/alcohol/E4/comment/"
CELL_SUGGEST = "/matrices/alcohol/E4/suggest/"
DOCUMENT = "manning-2012-active-referral"
DOCUMENT_COMMENT = f"/documents/{DOCUMENT}/comment/"

COMMENT = {
    "name": "Ann Commissioner",
    "email": "ann@example.org",
    "message": "Could you add the newer UK trials on peer referral?",
}
SUGGESTION = {
    "suggested_title": "Peer-delivered linkage to mutual aid: a randomised trial",
    "suggested_reference": "https://doi.org/10.1000/example",
    "message": "It tests exactly the question discussed in the Matrix Bite.",
    "name": "Ben Researcher",
    "email": "ben@example.org",
}


def test_the_forms_say_what_they_are_about(client, demo):
    tree = page(client.get(CELL_COMMENT))
    about = tree.find("p", class_="lede").find("a")
    assert about["href"] == "/matrices/alcohol/E4/"
    assert (
        about.text == "Alcohol Treatment Matrix cell E4: Treatment systems; Psychosocial therapies"
    )
    form = tree.find("form", method="post")
    assert form.find("input", name="csrfmiddlewaretoken")
    assert {field["name"] for field in form.find_all("textarea") + form.find_all("input")} >= {
        "name",
        "email",
        "message",
        "website",
    }
    tree = page(client.get(CELL_SUGGEST))
    assert tree.find("h1").text == "Suggest a new document for this cell"
    assert tree.find("input", name="suggested_title")
    tree = page(client.get(DOCUMENT_COMMENT))
    assert tree.find("p", class_="lede").find("a")["href"] == f"/documents/{DOCUMENT}/"


def test_a_comment_on_a_cell_is_stored_and_thanked(client, e4):
    response = client.post(CELL_COMMENT, COMMENT)
    assert response.status_code == 302
    assert response["Location"] == "/thanks/comment/"
    message = EditorMessage.objects.get()
    assert message.kind == EditorMessage.Kind.COMMENT
    assert message.cell == e4
    assert message.document is None
    assert (message.name, message.email, message.message) == (
        COMMENT["name"],
        COMMENT["email"],
        COMMENT["message"],
    )
    assert not message.handled
    thanks = page(client.get(response["Location"]))
    assert thanks.find("h1").text == "Thank you"
    assert "Your message has reached the editors" in thanks.find("p", class_="lede").text


def test_a_suggestion_for_a_cell_is_stored_and_thanked(client, e4):
    response = client.post(CELL_SUGGEST, SUGGESTION, follow=True)
    assert response.redirect_chain == [("/thanks/suggestion/", 302)]
    assert "Your suggestion has reached the editors" in page(response).find("p", class_="lede").text
    message = EditorMessage.objects.get()
    assert message.kind == EditorMessage.Kind.SUGGESTION
    assert message.cell == e4
    assert message.document is None
    assert message.suggested_title == SUGGESTION["suggested_title"]
    assert message.suggested_reference == SUGGESTION["suggested_reference"]


def test_a_comment_on_a_document_is_stored_and_thanked(client, demo):
    response = client.post(DOCUMENT_COMMENT, COMMENT)
    assert response.status_code == 302
    assert response["Location"] == "/thanks/comment/"
    message = EditorMessage.objects.get()
    assert message.kind == EditorMessage.Kind.COMMENT
    assert message.document == Document.objects.get(slug=DOCUMENT)
    assert message.cell is None


@pytest.mark.parametrize(
    "url, data, missing",
    [
        (CELL_COMMENT, {**COMMENT, "message": ""}, "message"),
        (CELL_COMMENT, {**COMMENT, "name": ""}, "name"),
        (CELL_SUGGEST, {**SUGGESTION, "suggested_title": ""}, "suggested_title"),
        (DOCUMENT_COMMENT, {**COMMENT, "message": "  "}, "message"),
    ],
)
def test_an_invalid_form_shows_its_errors_and_keeps_what_was_typed(
    client, demo, url, data, missing
):
    response = client.post(url, data)
    assert response.status_code == 200
    assert EditorMessage.objects.count() == 0
    tree = page(response)
    assert "Nothing you typed has been lost" in tree.find("p", class_="form-errors").text
    field = tree.find(id=f"id_{missing}")
    assert field["aria-invalid"] == "true"
    box = next(node for node in field.ancestors() if node.has_class("field"))
    assert box.has_class("has-error")
    assert "This field is required." in box.find("div", class_="field-errors").text
    for name, value in data.items():
        if name != missing and value.strip():
            typed = tree.find(id=f"id_{name}")
            kept = typed.text.strip() if typed.tag == "textarea" else typed["value"]
            assert kept == value


def test_a_bad_email_address_is_explained(client, demo):
    response = client.post(CELL_COMMENT, {**COMMENT, "email": "ann at example"})
    tree = page(response)
    assert tree.find("input", name="email")["value"] == "ann at example"
    assert "Enter a valid email address." in tree.find("div", class_="field-errors").text
    assert tree.find("textarea", name="message").text.strip() == COMMENT["message"]
    assert EditorMessage.objects.count() == 0


@pytest.mark.parametrize(
    "url, data, kind",
    [
        (CELL_COMMENT, COMMENT, "comment"),
        (CELL_SUGGEST, SUGGESTION, "suggestion"),
        (DOCUMENT_COMMENT, COMMENT, "comment"),
    ],
)
def test_a_filled_honeypot_stores_nothing_but_thanks_as_usual(client, demo, url, data, kind):
    response = client.post(url, {**data, "website": "https://spam.example/"})
    assert response.status_code == 302
    assert response["Location"] == f"/thanks/{kind}/"
    assert EditorMessage.objects.count() == 0


def test_the_honeypot_is_hidden_from_people(client, demo):
    tree = page(client.get(CELL_COMMENT))
    trap = tree.find("input", name="website")
    assert trap["tabindex"] == "-1"
    assert trap["autocomplete"] == "off"
    assert trap.parent.has_class("hp") and trap.parent["aria-hidden"] == "true"


@pytest.mark.parametrize("url", [CELL_COMMENT, CELL_SUGGEST, DOCUMENT_COMMENT])
def test_csrf_is_enforced(demo, url):
    browser = Client(enforce_csrf_checks=True)
    data = SUGGESTION if url == CELL_SUGGEST else COMMENT
    assert browser.post(url, data).status_code == 403
    assert browser.post(url, {**data, "csrfmiddlewaretoken": "forged" * 8}).status_code == 403
    assert EditorMessage.objects.count() == 0

    token = page(browser.get(url)).find("input", name="csrfmiddlewaretoken")["value"]
    response = browser.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert EditorMessage.objects.count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "/matrices/heroin/E4/comment/",
        "/matrices/alcohol/F4/suggest/",
        "/documents/no-such-document/comment/",
        "/thanks/spam/",
    ],
)
def test_forms_for_unknown_things_are_404(client, demo, url):
    assert client.get(url).status_code == 404
    assert client.post(url, COMMENT).status_code == 404
    assert EditorMessage.objects.count() == 0


def test_no_comments_on_draft_documents(client, demo):
    Document.objects.filter(slug=DOCUMENT).update(status=Document.Status.DRAFT)
    assert client.post(DOCUMENT_COMMENT, COMMENT).status_code == 404
    assert EditorMessage.objects.count() == 0
