"""The API, as a client reads it: JSON, OpenAPI, ETag, CORS."""

import json

import bibtexparser
import pytest
import rispy

from matrix.models import Cell
from studies.models import Document

pytestmark = pytest.mark.django_db

STUDY = "humphreys-2020-twelve-step-six-trials"
API = "/api/v1"


def test_api_serves_the_bank(client, demo):
    matrices = client.get(f"{API}/matrices").json()
    assert [m["slug"] for m in matrices] == ["alcohol", "drug"]
    grid = client.get(f"{API}/matrices/alcohol").json()
    assert len(grid["rows"]) == 5 and all(len(row) == 5 for row in grid["rows"])
    cell = client.get(f"{API}/matrices/alcohol/cells/E4").json()
    assert len(cell["entries"]) == 16 and cell["entries"][0]["roles"] == ["S"]
    document = client.get(f"{API}/documents/{STUDY}").json()
    assert document["doi"] == "10.1016/j.drugalcdep.2020.108213"
    assert rispy.loads(document["cite"]["ris"])[0]["doi"] == document["doi"]
    assert not bibtexparser.parse_string(document["cite"]["bibtex"]).failed_blocks
    assert document["cite"]["apa"].startswith("Humphreys, K.")
    topics = client.get(f"{API}/topics").json()
    assert len(topics) == 4
    subjects = client.get(f"{API}/subjects").json()
    assert any(s["slug"] == "mutual-aid" for s in subjects)
    subject = client.get(f"{API}/subjects/mutual-aid").json()
    assert subject["count"] == Document.objects.filter(tags__slug="mutual-aid").count()


def test_api_search_and_document_list_take_the_facets(client, demo):
    answer = client.get(f"{API}/search", {"q": "mutual aid", "kind": "review"}).json()
    assert answer["count"] and all(r["kind"] == "review" for r in answer["results"])
    assert answer["facets"]["kind"]
    listing = client.get(f"{API}/documents", {"matrix": "drug"}).json()
    assert STUDY in [r["slug"] for r in listing["results"]]
    everything = client.get(f"{API}/documents").json()
    assert everything["count"] == Document.objects.count() and everything["next"]
    second = client.get(everything["next"].replace("http://testserver", "")).json()
    assert second["page"] == 2 and second["previous"]
    # A search that cannot run is answered, with no results and a notice saying why.
    only_excludes = client.get(f"{API}/search", {"q": "-x"})
    assert only_excludes.status_code == 200
    assert (
        only_excludes.json()["results"] == []
        and "cannot only exclude" in (only_excludes.json()["notice"])
    )
    refused = client.get(f"{API}/documents", {"year_from": "abc"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_parameters"
    assert refused.json()["fields"][0]["field"] == "year_from"


def test_api_is_cacheable_cross_origin_and_described(client, demo):
    response = client.get(f"{API}/matrices/alcohol", HTTP_ORIGIN="https://elsewhere.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"] and response["ETag"]
    again = client.get(f"{API}/matrices/alcohol", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["openapi"].startswith("3.") and "/api/v1/search" in schema["paths"]
    docs = client.get(f"{API}/docs")
    assert docs.status_code == 200 and b"/static/ninja/swagger-ui-bundle.js" in docs.content
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
    # Only the API is open to other origins.
    other = client.get("/search/?q=aid", HTTP_ORIGIN="https://elsewhere.example")
    assert "Access-Control-Allow-Origin" not in other


def test_api_never_shows_what_readers_may_not_see(client, admin_client, demo):
    document = Document.objects.get(slug=STUDY)
    document.status = Document.Status.DRAFT
    document.save()
    for c in (client, admin_client):  # staff sessions get the public answer too
        assert c.get(f"{API}/documents/{STUDY}").status_code == 404
        listing = json.dumps(c.get(f"{API}/documents").json())
        assert STUDY not in listing
        assert STUDY not in json.dumps(c.get(f"{API}/search", {"q": "mutual aid"}).json())
        assert STUDY not in json.dumps(c.get(f"{API}/subjects/mutual-aid").json())
        assert STUDY not in json.dumps(c.get(f"{API}/topics/twelve-step-mutual-aid").json())
    e4 = Cell.objects.with_labels().by_key("alcohol", "E4")
    e4.status = Cell.Status.DRAFT
    e4.save()
    assert client.get(f"{API}/matrices/alcohol/cells/E4").status_code == 404
    row = client.get(f"{API}/matrices/alcohol").json()["rows"][3]
    assert next(c for c in row if c["code"] == "E4")["counts"][0]["count"] == 0


def test_every_error_has_one_shape_and_every_status_is_described(client, demo):
    schema = client.get(f"{API}/openapi.json").json()
    for path, operations in schema["paths"].items():
        responses = operations["get"]["responses"]
        assert {"200", "304", "400", "404", "414", "422", "429", "503"} <= set(responses), path
        error = responses["404"]["content"]["application/json"]["schema"]["$ref"]
        assert error.endswith("/ApiError")
    shape = schema["components"]["schemas"]["ApiError"]["properties"]
    assert {"code", "message", "fields"} <= set(shape)
    answers = {
        f"{API}/documents/no-such-document": (404, "not_found"),
        f"{API}/matrices/alcohol/cells/Z9": (422, "invalid_parameters"),
        f"{API}/documents/%00": (400, "bad_request"),
        f"{API}/topics/a%01b": (400, "bad_request"),
        f"{API}/search?q=aid%01": (400, "bad_request"),
        f"{API}/search?page=0": (422, "invalid_parameters"),
        f"{API}/search?sort=sideways": (422, "invalid_parameters"),
        # Over API_MAX_ADDRESS_BYTES, valid or not: the API's own 414, not the server's page.
        f"{API}/documents?" + "page=1&" * 700: (414, "too_long"),
        f"{API}/search?q=" + "x" * 4_100: (414, "too_long"),
    }
    for address, (status, code) in answers.items():
        response = client.get(address)
        assert response.status_code == status, address
        body = response.json()
        assert body["code"] == code and body["message"], address


def test_the_api_root_says_what_it_offers_and_every_link_answers(client, demo):
    root = client.get(f"{API}/")
    assert root.status_code == 200
    answer = root.json()
    assert answer["version"] == "1"
    assert set(answer["collections"]) == {"matrices", "documents", "topics", "subjects", "search"}
    links = [*answer["collections"].values(), answer["openapi"], answer["docs"]]
    for link in links:
        assert client.get(link.replace("http://testserver", "")).status_code == 200, link
    schema = client.get(f"{API}/openapi.json").json()
    assert "/api/v1/" in schema["paths"]
