"""The appraisal in search, the API, feeds and exports: design, certainty, country (the UK
counting its nations), setting and population, with one set of parameter names, counted only
from what readers may see."""

import pytest
import rispy
from django.contrib.auth.models import User

from matrix.models import Cell, CellVerdict
from search.models import SearchEntry
from search.params import SearchParams
from studies.models import Document, Population, Setting
from tests.factories import get_cell, make_document, make_entry, make_matrix
from tests.htmlparse import page

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def wombats():
    """Three wombat studies and a draft, placed in E4 (published) and D4 (a draft cell)."""
    matrix = make_matrix()
    e4, d4 = get_cell(matrix, "E4"), get_cell(matrix, "D4")
    d4.status = Cell.Status.DRAFT
    d4.save()
    london = make_document(title="Wombat referral trial in London", design="randomised-trial")
    london.countries.add("GB-ENG")
    london.care_settings.add(Setting.objects.get(slug="primary-care"))
    glasgow = make_document(title="Wombat cohort in Glasgow", design="cohort-study")
    glasgow.countries.add("GB-SCT")
    glasgow.populations.add(Population.objects.get(slug="women"))
    boston = make_document(title="Wombat trial in Boston", design="randomised-trial")
    boston.countries.add("US")
    draft = make_document(
        title="Wombat draft trial", design="randomised-trial", status=Document.Status.DRAFT
    )
    draft.countries.add("GB-ENG")
    make_entry(e4, london, certainty="moderate")
    make_entry(e4, glasgow, certainty="low")
    make_entry(e4, boston, certainty="not_rated")
    make_entry(e4, draft, certainty="high")
    make_entry(d4, boston, certainty="high")  # a draft cell's judgement counts nowhere
    return london, glasgow, boston, draft


def found(user, **query):
    params = SearchParams.from_query_dict({"q": "wombat", **query})
    return {r.document.title for r in SearchEntry.objects.search_page(user, params).results}


def test_design_and_country_filters_with_the_uk_counting_its_nations(wombats):
    assert found(None, design="randomised-trial") == {
        "Wombat referral trial in London",
        "Wombat trial in Boston",
    }
    assert found(None, country="GB") == {
        "Wombat referral trial in London",
        "Wombat cohort in Glasgow",
    }
    assert found(None, country="gb-sct") == {"Wombat cohort in Glasgow"}
    assert found(None, country="GB", design="randomised-trial") == {
        "Wombat referral trial in London"
    }
    assert found(None, setting="primary-care") == {"Wombat referral trial in London"}
    assert found(None, population="women") == {"Wombat cohort in Glasgow"}
    staff = User.objects.create_user("staff", is_staff=True)
    assert "Wombat draft trial" in found(staff, country="GB", design="randomised-trial")


def test_certainty_reads_only_cells_readers_may_see(wombats):
    assert found(None, certainty="moderate") == {"Wombat referral trial in London"}
    assert found(None, certainty="high") == set()  # a draft document, and a draft cell
    assert found(None, certainty="moderate-or-better") == {"Wombat referral trial in London"}
    assert found(None, certainty="low-or-better") == {
        "Wombat referral trial in London",
        "Wombat cohort in Glasgow",
    }
    staff = User.objects.create_user("staff", is_staff=True)
    assert found(staff, certainty="high") == {"Wombat draft trial", "Wombat trial in Boston"}


def test_the_page_shows_counts_from_what_readers_may_see(client, wombats):
    tree = page(client.get("/search/?q=wombat"))
    facets = tree.find("aside", class_="facets")
    headings = [h.clean_text for h in facets.find_all("h3")]
    for heading in ("Design", "Certainty of the evidence", "Country", "Setting", "Population"):
        assert heading in headings
    links = {a["href"]: a.clean_text for a in facets.find_all("a")}
    assert links["?q=wombat&country=GB"].startswith("United Kingdom")
    assert "2" in links["?q=wombat&country=GB"]  # London and Glasgow; the draft is not counted
    assert "2" in links["?q=wombat&design=randomised-trial"]
    assert "?q=wombat&certainty=high" not in links
    chosen = page(client.get("/search/?q=wombat&country=GB&design=randomised-trial"))
    titles = [a.clean_text for a in chosen.find_all("a", class_="result-title")]
    assert titles == ["Wombat referral trial in London"]


def test_bad_values_are_left_out_with_a_note_never_an_error(client, wombats):
    for query in (
        "design=magic",
        "certainty=sure",
        "country=Britain",
        "setting=Primary Care!",
        "population=A B",
    ):
        response = client.get(f"/search/?q=wombat&{query}")
        assert response.status_code == 200
        assert "left out" in response.content.decode()
    assert client.get(f"{API}/search", {"q": "wombat", "design": "magic"}).status_code == 422
    assert client.get(f"{API}/search", {"q": "wombat", "country": "Britain"}).status_code == 422


def test_an_appraisal_change_reaches_the_index(wombats):
    london, glasgow, *_ = wombats
    glasgow.design = "randomised-trial"
    glasgow.save()
    assert "Wombat cohort in Glasgow" in found(None, design="randomised-trial")
    london.countries.remove("GB-ENG")
    assert found(None, country="GB") == {"Wombat cohort in Glasgow"}
    entry = london.cell_entries.get()
    entry.certainty = "high"
    entry.save()
    assert found(None, certainty="high") == {"Wombat referral trial in London"}


def test_the_same_names_in_the_api_feeds_and_exports(client, wombats):
    answer = client.get(
        f"{API}/search", {"q": "wombat", "country": "GB", "design": "randomised-trial"}
    ).json()
    assert [r["title"] for r in answer["results"]] == ["Wombat referral trial in London"]
    assert {v["label"] for v in answer["facets"]["country"]} >= {"United Kingdom", "England"}
    listing = client.get(f"{API}/documents", {"certainty": "low"}).json()
    assert [r["title"] for r in listing["results"]] == ["Wombat cohort in Glasgow"]
    feed = client.get("/feeds/search/?q=wombat&country=US").content.decode()
    assert "Wombat trial in Boston" in feed and "London" not in feed
    ris = rispy.loads(client.get("/cite/search.ris?q=wombat&setting=primary-care").content.decode())
    assert [e["title"] for e in ris] == ["Wombat referral trial in London"]


def test_the_api_answers_with_the_appraisal_and_the_verdict(client, wombats):
    london, *_ = wombats
    cell = Cell.objects.by_key("alcohol", "E4")
    CellVerdict(
        cell=cell,
        bottom_line="Linking works for some.",
        certainty="low",
        certainty_reasons=["imprecision"],
        cost_band=2,
    ).save()
    answer = client.get(f"{API}/matrices/alcohol/cells/E4").json()
    assert answer["verdict"]["certainty"] == "low"
    assert answer["verdict"]["certainty_reasons"] == ["imprecision"]
    assert answer["verdict"]["cost_band"] == 2
    assert "Linking works for some." in answer["verdict"]["bottom_line"]
    entries = {e["document"]["title"]: e for e in answer["entries"]}
    assert "Wombat draft trial" not in entries
    first = entries["Wombat referral trial in London"]
    assert first["certainty"] == "moderate"
    assert first["document"]["appraisal"] == {
        "design": "randomised-trial",
        "participants": None,
        "studies": None,
        "countries": ["GB-ENG"],
        "setting": ["primary-care"],
        "population": [],
        "effect_direction": "",
        "risk_of_bias": "",
    }
    document = client.get(f"{API}/documents/{london.slug}").json()
    assert document["appraisal"]["countries"] == ["GB-ENG"]
    assert client.get(f"{API}/matrices/alcohol/cells/E3").json()["verdict"] is None


def test_the_description_documents_every_value(client):
    schema = client.get(f"{API}/openapi.json").json()
    components = schema["components"]["schemas"]
    design = components["Appraisal"]["properties"]["design"]
    assert "randomised-trial" in str(design) and "meta-analysis" in str(design)
    assert "very_low" in str(components["Entry"]["properties"]["certainty"])
    assert "dose-response" in str(components["Verdict"]["properties"]["certainty_reasons"])
    search = next(
        op
        for path, ops in schema["paths"].items()
        if path.endswith("/search")
        for op in ops.values()
    )
    params = {p["name"]: p for p in search["parameters"]}
    assert "moderate-or-better" in str(params["certainty"]["schema"])
    assert "GB-SCT" in params["country"].get("description", "") + str(params["country"]["schema"])
