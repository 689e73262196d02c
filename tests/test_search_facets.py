"""Search facets are objects in one registry (search/facets.py, search/hooks.py): the "free
copy" facet, added as one, works on the page, in the API, feeds and exports like the others."""

import pytest
import rispy
from django.contrib.auth.models import User

from search.facets import Facet, Param, registry
from search.models import SearchEntry
from search.params import SearchParams
from studies.models import Document
from tests.factories import make_document
from tests.htmlparse import page

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def quokkas():
    free = make_document(title="Quokka outreach trial", free_url="https://example.org/q.pdf")
    paid = make_document(title="Quokka referral trial")
    hidden = make_document(
        title="Quokka draft trial",
        free_url="https://example.org/d.pdf",
        status=Document.Status.DRAFT,
    )
    return free, paid, hidden


def slugs(user, query):
    params = SearchParams.from_query_dict(query)
    return {r.document.slug for r in SearchEntry.objects.search_page(user, params).results}


def test_free_copy_filters_and_counts_only_what_readers_may_see(client, quokkas):
    free, paid, hidden = quokkas
    assert slugs(None, {"q": "quokka"}) == {free.slug, paid.slug}
    assert slugs(None, {"q": "quokka", "free": "1"}) == {free.slug}
    staff = User.objects.create_user("staff", is_staff=True)
    assert slugs(staff, {"q": "quokka", "free": "1"}) == {free.slug, hidden.slug}

    tree = page(client.get("/search/?q=quokka"))
    facets = tree.find("aside", class_="facets")
    (link,) = [a for a in facets.find_all("a") if "free=1" in a["href"]]
    assert link["href"] == "?q=quokka&free=1"
    assert link.clean_text.startswith("With a free copy") and "1" in link.find("span").text
    assert "Free copy" in [h.clean_text for h in facets.find_all("h3")]

    chosen = page(client.get("/search/?q=quokka&free=1"))
    titles = [a.clean_text for a in chosen.find_all("a", class_="result-title")]
    assert titles == ["Quokka outreach trial"]
    assert chosen.find("aside", class_="facets").find("strong", **{"aria-current": "true"})


def test_free_copy_follows_the_document(quokkas):
    free, paid, _ = quokkas
    paid.free_url = "https://example.org/r.pdf"
    paid.save()
    free.free_url = ""
    free.save()
    assert slugs(None, {"q": "quokka", "free": "1"}) == {paid.slug}


def test_free_copy_in_the_api_feeds_and_exports(client, quokkas):
    free, paid, _ = quokkas
    answer = client.get(f"{API}/search", {"q": "quokka", "free": "true"}).json()
    assert [r["slug"] for r in answer["results"]] == [free.slug]
    assert answer["facets"]["free"] == [{"label": "With a free copy", "count": 1, "selected": True}]
    everything = client.get(f"{API}/search", {"q": "quokka"}).json()
    assert everything["facets"]["free"][0]["count"] == 1 and everything["count"] == 2
    listing = client.get(f"{API}/documents", {"free": "true"}).json()
    assert [r["slug"] for r in listing["results"]] == [free.slug]
    assert client.get(f"{API}/documents", {"free": "maybe"}).status_code == 422

    feed = client.get("/feeds/search/?q=quokka&free=1").content.decode()
    assert "Quokka outreach trial" in feed and "Quokka referral trial" not in feed
    ris = rispy.loads(client.get("/cite/search.ris?q=quokka&free=1").content.decode())
    assert [e["title"] for e in ris] == ["Quokka outreach trial"]


class Colour(Facet):
    name = "colour"
    params = (Param("colour", "colour", lambda value, problems: value[:10]),)


def test_search_parameters_are_those_of_the_registered_facets():
    with registry.temporarily(Colour()):
        params = SearchParams.from_query_dict({"q": "x", "colour": "blue", "free": "1"})
        assert params.colour == "blue" and params.free and params.has_filters
        assert params.url(colour="") == "?q=x&free=1"
        assert SearchParams.from_values({"colour": "red"}).as_dict() == {"colour": "red"}
    assert not hasattr(SearchParams.from_query_dict({"colour": "blue"}), "colour")
