"""The grid as a gap map (coverage per cell, empty and thin cells, the key above the grid) and
the country filter on cell and grid pages (the UK counting its nations), with the design
filter on the cell page, for readers and for staff."""

import datetime
from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from matrix.models import THIN_UP_TO, Cell, CellEntry, CellVerdict, age_band
from studies.appraisal import Design
from studies.models import Country, Document
from tests.factories import get_cell, make_document, make_entry, make_matrix
from tests.htmlparse import page

pytestmark = pytest.mark.django_db

GRID = "/matrices/alcohol/"
E4 = "/matrices/alcohol/E4/"
GRIDS = [GRID, "/"]  # the matrix page and the home page show the same coverage


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return page(response)


def cell_td(tree, code, matrix="alcohol"):
    return tree.find("td", id=f"{matrix}-cell-{code}")


def first(node, *args, **kwargs):
    """The first match, or None (``find`` insists on one)."""
    found = node.find_all(*args, **kwargs)
    return found[0] if found else None


def badges(td):
    """{role: (count shown, what a screen reader hears)} of a grid cell."""
    found = {}
    for count in td.find_all("span", class_="count"):
        shown = count.find("span", **{"aria-hidden": "true"})
        heard = count.find("span", class_="visually-hidden")
        found[shown.find("span", class_="badge").text] = (
            shown.find("span", class_="count-n").text,
            heard.clean_text.rstrip(","),
        )
    return found


def reader_entries(cell):
    """The cell's entries a reader sees, worked out here without the grid's query."""
    return [e for e in cell.entries.select_related("document") if e.document.is_public]


def staff_client():
    client = Client()
    client.force_login(User.objects.create_user("staff", is_staff=True))
    return client


# Coverage.


@pytest.mark.parametrize("url", GRIDS)
def test_e4_shows_its_role_counts_newest_study_and_last_revised(client, demo, url):
    cell = get_cell("alcohol", "E4")
    entries = reader_entries(cell)
    newest = max(e.document.year for e in entries if e.document.kind == "study" and e.document.year)
    td = cell_td(get(client, url), "E4")
    assert badges(td) == {
        "S": ("1", "1 seminal study"),
        "K": ("6", "6 key studies"),
        "R": ("5", "5 reviews"),
        "G": ("4", "4 guidance documents"),
    }
    assert td.find("span", class_="newest-study").clean_text == f"Newest study {newest}"
    assert cell.last_revised is not None
    revised = td.find("span", class_="last-revised")
    assert revised.clean_text == f"Revised {cell.last_revised:%b %Y}"
    assert revised.find("time")["datetime"] == cell.last_revised.isoformat()
    assert td.has_class("coverage-covered")
    assert not td.has_class("is-thin") and not td.has_class("is-empty")


@pytest.mark.parametrize("url", GRIDS)
def test_the_newest_study_is_the_newest_study_not_review(client, demo, url):
    cell = get_cell("alcohol", "E4")
    make_entry(cell, document=make_document(kind=Document.Kind.REVIEW, year=2031), roles="R")
    make_entry(cell, document=make_document(kind=Document.Kind.STUDY, year=2029), roles="K")
    td = cell_td(get(client, url), "E4")
    assert td.find("span", class_="newest-study").clean_text == "Newest study 2029"


@pytest.mark.parametrize("url", GRIDS)
def test_an_empty_cell_says_so_and_invites_readers_to_follow_it(client, demo, url):
    td = cell_td(get(client, url), "A1")
    assert td.has_class("is-empty") and td.has_class("coverage-empty")
    assert "No documents yet" in td.clean_text or "no documents yet" in td.clean_text
    follow = td.find("a", class_="follow-cell")
    assert follow["href"] == "/subscribe/?follow=cell:alcohol/A1"
    assert follow.clean_text.startswith("Follow")
    assert "A1" in follow.clean_text  # its accessible name says which cell
    assert first(td, "span", class_="newest-study") is None
    # A populated cell offers no such link.
    assert first(cell_td(get(client, url), "E4"), "a", class_="follow-cell") is None


def test_the_follow_link_opens_the_subscribe_page_for_that_cell(client, demo):
    tree = get(client, "/subscribe/?follow=cell:alcohol/A1")
    assert tree.find("input", name="follow")["value"] == "cell:alcohol/A1"


@pytest.mark.parametrize("url", GRIDS)
def test_thin_cells_are_marked_in_words_and_by_class(client, demo, url):
    a1, b1 = get_cell("alcohol", "A1"), get_cell("alcohol", "B1")
    for number in range(THIN_UP_TO):
        make_entry(a1, roles="K", order=number)
    for number in range(THIN_UP_TO + 1):
        make_entry(b1, roles="R", order=number)
    tree = get(client, url)
    thin = cell_td(tree, "A1")
    assert thin.has_class("is-thin") and not thin.has_class("is-empty")
    assert "Thin coverage" in thin.find("span", class_="coverage-mark").clean_text
    assert first(thin, "a", class_="follow-cell") is None
    assert badges(thin)["K"][0] == str(THIN_UP_TO)
    enough = cell_td(tree, "B1")
    assert not enough.has_class("is-thin") and first(enough, "span", class_="coverage-mark") is None
    assert cell_td(tree, "C1").has_class("is-empty")


def test_the_key_explains_thin_with_its_threshold(client, demo):
    key = get(client, GRID).find("section", class_="role-key")
    assert f"Thin: 1 to {THIN_UP_TO} entries" in key.clean_text


@pytest.mark.parametrize("url", GRIDS)
def test_the_key_sits_above_the_grid(client, demo, url):
    html = client.get(url).content.decode()
    key = html.index('class="role-legend')
    assert key < html.index('<table class="grid')
    assert html.index('class="coverage-key') < html.index('<table class="grid')
    tree = page(client.get(url))
    legend = tree.find("dl", class_="role-legend")
    assert [dd.find("strong").text for dd in legend.find_all("dd")][:4] == [
        "Seminal studies",
        "Key studies",
        "Reviews",
        "Guidance",
    ]


@pytest.mark.parametrize("url", GRIDS)
def test_every_badge_is_hidden_from_screen_readers_and_read_in_words(client, demo, url):
    tree = get(client, url)
    counts = tree.find_all("span", class_="count")
    assert counts
    for count in counts:
        shown = count.find("span", **{"aria-hidden": "true"})
        assert shown is not None and shown.find("span", class_="badge")
        number = shown.find("span", class_="count-n").text
        heard = count.find("span", class_="visually-hidden").clean_text
        assert heard.startswith(f"{number} ") and heard.split()[-1].rstrip(",") in {
            "study",
            "studies",
            "review",
            "reviews",
            "document",
            "documents",
        }


# Countries for the demo's E4: what the migration gives guidance from its jurisdiction, and
# studies from England, Scotland and the US (whatever the demo itself already says).

JURISDICTIONS = {"UK": "GB", "Scotland": "GB-SCT", "US": "US"}


@pytest.fixture
def e4_countries(demo):
    """Countries on E4's documents: each guidance's from its jurisdiction, and three studies
    without any placed in England, Scotland and the US; returns the cell."""
    cell = get_cell("alcohol", "E4")
    entries = reader_entries(cell)
    for entry in entries:  # from a known start, whatever the demo's appraisal says
        entry.document.countries.clear()
        if entry.document.design:
            entry.document.design = ""
            entry.document.save()
    for entry in entries:
        code = JURISDICTIONS.get(entry.document.jurisdiction)
        if code:
            entry.document.countries.add(code)
    studies = [
        e.document
        for e in entries
        if e.document.kind == "study" and not e.document.countries.exists()
    ]
    for document, code in zip(studies, ["GB-ENG", "GB-SCT", "US"], strict=False):
        document.countries.add(code)
    studies[0].design = Design.RANDOMISED_TRIAL
    studies[0].save()
    return cell


def codes_of(entry):
    """The countries an entry is found under: its document's, and the countries they are
    part of (a Scottish study is found under the UK too)."""
    codes = set()
    for country in entry.document.countries.all():
        codes.add(country.code)
        if country.part_of_id:
            codes.add(country.part_of_id)
    return codes


def expected_countries(entries):
    return Counter(code for e in entries for code in codes_of(e))


def country_links(tree):
    """[(label, href, count)] of the country filter's links, All first."""
    nav = first(tree, "nav", class_="filter-country")
    if nav is None:
        return []
    return [
        (
            a.clean_text.split(" (")[0].split(",")[0],
            a["href"],
            a.find("span", class_="filter-count").clean_text.strip("()").split()[0],
        )
        for a in nav.find_all("a")
    ]


def filter_labels(tree):
    return [label for label, _, _ in country_links(tree)]


def shown_entries(tree):
    return {li["id"] for li in tree.find_all("li", class_="entry")}


# What readers may not see.


def add_draft_to_e4():
    document = make_document(kind=Document.Kind.STUDY, year=2030, status=Document.Status.DRAFT)
    document.countries.add("GB-WLS")
    make_entry(get_cell("alcohol", "E4"), document=document, roles="K")
    return document


@pytest.mark.parametrize("url", GRIDS)
def test_a_draft_document_is_not_counted_for_readers(client, demo, url):
    before = cell_td(get(client, url), "E4")
    add_draft_to_e4()
    after = cell_td(get(client, url), "E4")
    assert badges(after) == badges(before)
    assert after.find("span", class_="newest-study").clean_text == (
        before.find("span", class_="newest-study").clean_text
    )
    staff = cell_td(get(staff_client(), url), "E4")
    assert badges(staff)["K"][0] == str(int(badges(before)["K"][0]) + 1)
    assert staff.find("span", class_="newest-study").clean_text == "Newest study 2030"


@pytest.mark.parametrize("url", [GRID, E4])
def test_a_draft_documents_country_is_not_offered_to_readers(client, e4_countries, url):
    add_draft_to_e4()
    staff = staff_client()
    assert "Wales" not in filter_labels(get(client, url))
    assert "Wales" in filter_labels(get(staff, url))
    tree = get(client, f"{url}?country=GB-WLS")
    assert first(tree, "p", class_="filter-unknown") is not None
    assert "Wales" not in tree.find("main").find("nav", class_="filter-country").clean_text
    # Nor is it counted under the UK it is part of.
    uk = dict((label, count) for label, _, count in country_links(get(client, url)))
    staff_uk = dict((label, count) for label, _, count in country_links(get(staff, url)))
    assert int(staff_uk["United Kingdom"]) == int(uk["United Kingdom"]) + 1


def test_an_unpublished_cell_shows_readers_no_coverage(client, demo):
    Cell.objects.filter(pk=get_cell("alcohol", "E4").pk).update(status="draft")
    td = cell_td(get(client, GRID), "E4")
    assert first(td, "span", class_="count") is None
    assert first(td, "span", class_="last-revised") is None
    assert first(td, "a") is None  # no link to it, and no follow link either
    assert "In preparation" in td.clean_text
    assert filter_labels(get(client, GRID)) == ["All"] or not filter_labels(get(client, GRID))


# The country filter on the cell page.


def test_the_cell_page_offers_the_countries_of_its_entries_the_uk_before_its_nations(
    client, e4_countries
):
    entries = reader_entries(e4_countries)
    wanted = expected_countries(entries)
    links = country_links(get(client, E4))
    assert links[0] == ("All", E4, str(len(entries)))
    names = dict(Country.objects.filter(code__in=wanted).values_list("code", "name"))
    offered = {label: (href, count) for label, href, count in links[1:]}
    assert offered == {names[code]: (f"{E4}?country={code}", str(n)) for code, n in wanted.items()}
    order = [label for label, _, _ in links[1:]]
    assert order.index("United Kingdom") < order.index("England") < order.index("Scotland")
    assert order.index("Scotland") < order.index("United States")
    # No link jumps to #entries (it would turn the section yellow as it landed).
    assert all("#" not in href for _, href, _ in links)
    nation = get(client, E4).find("nav", class_="filter-country").find("li", class_="filter-part")
    assert "part of the United Kingdom" in nation.clean_text


def test_the_uk_includes_its_nations_and_a_nation_only_itself(client, e4_countries):
    entries = reader_entries(e4_countries)
    uk = {e.anchor for e in entries if "GB" in codes_of(e)}
    scotland = {e.anchor for e in entries if "GB-SCT" in codes_of(e)}
    assert scotland and len(scotland) < len(uk) < len(entries)
    tree = get(client, f"{E4}?country=GB")
    assert shown_entries(tree) == uk
    current = tree.find("nav", class_="filter-country").find_all("a", **{"aria-current": "true"})
    assert [a.clean_text.split(" (")[0] for a in current] == ["United Kingdom"]
    note = tree.find("p", class_="filter-note")
    assert "marked United Kingdom (with England, Scotland)" in note.clean_text
    assert note.find("a")["href"] == E4
    assert shown_entries(get(client, f"{E4}?country=GB-SCT")) == scotland
    assert shown_entries(get(client, f"{E4}?country=gb-sct")) == scotland


def test_an_unknown_country_shows_everything_with_a_message(client, e4_countries):
    for asked in ("Mars", "XX", "G" * 300):
        response = client.get(f"{E4}?country={asked}")
        assert response.status_code == 200
        tree = page(response)
        message = tree.find("p", class_="filter-unknown")
        assert message is not None and f"“{asked.upper()[:40]}”" in message.clean_text
        assert len(tree.find_all("li", class_="entry")) == len(reader_entries(e4_countries))


def test_entries_without_a_country_are_under_all_only(client, e4_countries):
    entries = reader_entries(e4_countries)
    without = {e.anchor for e in entries if not codes_of(e)}
    assert without
    for code in expected_countries(entries):
        assert not shown_entries(get(client, f"{E4}?country={code}")) & without
    assert len(get(client, E4).find_all("li", class_="entry")) == len(entries)


def test_uk_randomised_trials_are_one_link_away(client, e4_countries):
    entries = reader_entries(e4_countries)
    trials = {
        e.anchor
        for e in entries
        if "GB" in codes_of(e) and e.document.design == Design.RANDOMISED_TRIAL
    }
    assert trials
    uk = get(client, f"{E4}?country=GB")
    design = uk.find("nav", class_="filter-design")
    link = design.find("a", href=f"{E4}?country=GB&design=randomised-trial")
    entries_word = "entry" if len(trials) == 1 else "entries"
    assert link.clean_text == f"Randomised controlled trial ({len(trials)} {entries_word})"
    tree = get(client, link["href"])
    assert shown_entries(tree) == trials
    note = tree.find("p", class_="filter-note").clean_text
    assert "United Kingdom" in note and "Randomised controlled trial" in note
    # The country links keep the design chosen, and All drops only the country.
    countries = tree.find("nav", class_="filter-country")
    assert countries.find("a", href=f"{E4}?country=US&design=randomised-trial")
    assert countries.find("a")["href"] == f"{E4}?design=randomised-trial"


def test_a_design_with_no_entries_in_a_country_says_so(client, e4_countries):
    tree = get(client, f"{E4}?country=US&design=randomised-trial")
    assert not tree.find_all("li", class_="entry")
    assert "No entry in this cell is marked United States and Randomised controlled trial" in (
        tree.find("section", id="entries").clean_text
    )


def test_an_unknown_design_shows_everything_with_a_message(client, e4_countries):
    tree = get(client, f"{E4}?design=astrology")
    assert "“astrology”" in tree.find("p", class_="filter-unknown").clean_text
    assert len(tree.find_all("li", class_="entry")) == len(reader_entries(e4_countries))


# Old jurisdiction addresses.


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (f"{E4}?jurisdiction=UK", f"{E4}?country=GB"),
        (f"{E4}?jurisdiction=Scotland", f"{E4}?country=GB-SCT"),
        (f"{E4}?jurisdiction=US&bite=open", f"{E4}?bite=open&country=US"),
        (f"{E4}?jurisdiction=Mars", f"{E4}?country=MARS"),
        (f"{E4}?jurisdiction=", E4),
        (f"{GRID}?jurisdiction=UK", f"{GRID}?country=GB"),
        (f"{GRID}?jurisdiction=United+States", f"{GRID}?country=US"),
    ],
)
def test_old_jurisdiction_addresses_are_sent_to_their_country(client, demo, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


# The country filter on the grid.


def test_the_grid_offers_the_matrix_countries_and_counts_only_the_chosen_one(client, e4_countries):
    matrix_entries = [
        e
        for e in CellEntry.objects.filter(cell__matrix__slug="alcohol").select_related("document")
        if e.document.is_public
    ]
    wanted = expected_countries(matrix_entries)
    tree = get(client, GRID)
    links = {label: (href, count) for label, href, count in country_links(tree)}
    assert links["United Kingdom"] == (f"{GRID}?country=GB", str(wanted["GB"]))
    assert links["Scotland"] == (f"{GRID}?country=GB-SCT", str(wanted["GB-SCT"]))

    e4_uk = [e for e in reader_entries(e4_countries) if "GB" in codes_of(e)]
    filtered = get(client, f"{GRID}?country=GB")
    td = cell_td(filtered, "E4")
    roles = Counter(role for e in e4_uk for role in e.roles)
    assert {role: shown for role, (shown, _) in badges(td).items()} == {
        role: str(n) for role, n in roles.items()
    }
    current = filtered.find("nav", class_="filter-country").find("a", **{"aria-current": "true"})
    assert current["href"] == f"{GRID}?country=GB"
    assert "marked United Kingdom" in filtered.find("p", class_="filter-note").clean_text
    # A cell with entries, none of them from the UK, counts as empty under the filter.
    assert "None marked United Kingdom" in cell_td(filtered, "A1").clean_text


def test_a_document_of_the_uk_and_england_counts_once(client, e4_countries):
    entry = next(e for e in reader_entries(e4_countries) if "GB-ENG" in codes_of(e))
    before = badges(cell_td(get(client, f"{GRID}?country=GB"), "E4"))
    entry.document.countries.add("GB")
    assert badges(cell_td(get(client, f"{GRID}?country=GB"), "E4")) == before


def test_the_grid_with_an_unknown_country_counts_everything_with_a_message(client, demo):
    plain = badges(cell_td(get(client, GRID), "E4"))
    tree = get(client, f"{GRID}?country=Mars")
    assert "“MARS”" in tree.find("p", class_="filter-unknown").clean_text
    assert badges(cell_td(tree, "E4")) == plain


# The page cache stores filtered pages, and drops them when they change.


def outcome(response):
    return response.headers.get("X-Page-Cache")


@pytest.mark.parametrize(
    "url", [f"{GRID}?country=GB", f"{E4}?country=GB", f"{E4}?country=GB&design=randomised-trial"]
)
def test_filtered_pages_are_stored_in_the_page_cache(e4_countries, url):
    first, second = Client().get(url), Client().get(url)
    assert (outcome(first), outcome(second)) == ("miss", "hit")
    assert second.content == first.content


@pytest.mark.parametrize(
    "url", [f"{GRID}?country=Mars", f"{E4}?country=Mars", f"{E4}?design=astrology"]
)
def test_made_up_countries_and_designs_are_not_stored(demo, url):
    assert outcome(Client().get(url)) != "hit"
    assert outcome(Client().get(url)) != "hit"


def test_changing_a_documents_countries_drops_the_filtered_grid(e4_countries):
    url = f"{GRID}?country=GB"
    assert outcome(Client().get(url)) == "miss" and outcome(Client().get(url)) == "hit"
    document = next(e.document for e in reader_entries(e4_countries) if "GB" in codes_of(e))
    before = sum(int(n) for n, _ in badges(cell_td(page(Client().get(url)), "E4")).values())
    document.countries.set(["FR"])
    after = Client().get(url)
    assert outcome(after) == "miss"
    total = sum(int(n) for n, _ in badges(cell_td(page(after), "E4")).values())
    assert total == before - len(
        next(e for e in reader_entries(e4_countries) if e.document == document).roles
    )


def test_changing_a_study_year_drops_the_grid(demo):
    assert outcome(Client().get(GRID)) == "miss" and outcome(Client().get(GRID)) == "hit"
    study = next(
        e.document for e in reader_entries(get_cell("alcohol", "E4")) if e.document.kind == "study"
    )
    study.year = 2035
    study.save()
    after = Client().get(GRID)
    assert outcome(after) == "miss"
    assert "Newest study 2035" in cell_td(page(after), "E4").clean_text


# The grid's views: coverage, certainty and freshness.


def give_verdict(cell, certainty="moderate", bottom_line="It helps.", **fields):
    """The cell's verdict card, whatever the demo wrote there before."""
    CellVerdict.objects.filter(cell=cell).delete()
    verdict = CellVerdict(cell=cell, certainty=certainty, bottom_line=bottom_line, **fields)
    verdict.save()
    return verdict


def view_links(tree):
    """[(label, href, current)] of the grid's view links."""
    nav = tree.find("nav", class_="grid-views")
    return [
        (
            a.clean_text.split(":")[0].replace(" of the evidence", ""),
            a["href"],
            a.get("aria-current"),
        )
        for a in nav.find_all("a")
    ]


def mark(td):
    return td.find("span", class_="grid-view-mark").clean_text


def test_the_grid_offers_its_three_views_coverage_first_and_current(client, demo):
    assert view_links(get(client, GRID)) == [
        ("Coverage", GRID, "true"),
        ("Certainty", f"{GRID}?view=certainty", None),
        ("Freshness", f"{GRID}?view=freshness", None),
    ]
    chosen = view_links(get(client, f"{GRID}?view=certainty"))
    assert [current for _, _, current in chosen] == [None, "true", None]


def test_the_view_links_keep_the_country_and_the_country_links_keep_the_view(client, e4_countries):
    tree = get(client, f"{GRID}?country=GB&view=freshness")
    assert view_links(tree)[1][1] == f"{GRID}?country=GB&view=certainty"
    assert view_links(tree)[0][1] == f"{GRID}?country=GB"
    links = dict((label, href) for label, href, _ in country_links(tree))
    assert links["All"] == f"{GRID}?view=freshness"
    assert links["United States"] == f"{GRID}?country=US&view=freshness"
    assert tree.find("table", class_="grid").has_class("grid-view-freshness")


def test_the_certainty_view_shades_each_cell_and_says_its_certainty_in_words(client, demo):
    give_verdict(get_cell("alcohol", "E4"), "moderate", certainty_reasons=["imprecision"])
    give_verdict(get_cell("alcohol", "A1"), "very_low")
    give_verdict(get_cell("alcohol", "B1"), "not_rated")  # written, with no basis to rate
    give_verdict(get_cell("alcohol", "C1"), "not_rated", bottom_line="")  # nothing written
    CellVerdict.objects.filter(cell=get_cell("alcohol", "D1")).delete()
    tree = get(client, f"{GRID}?view=certainty")
    expected = {
        "E4": ("moderate", "Moderate certainty"),
        "A1": ("very_low", "Very low certainty"),
        "B1": ("not_rated", "Certainty not rated"),
        "C1": ("none", "No verdict yet"),
        "D1": ("none", "No verdict yet"),
    }
    for code, (band, words) in expected.items():
        td = cell_td(tree, code)
        assert td.has_class(f"grid-view-certainty-{band}"), code
        assert mark(td) == words
    e4 = cell_td(tree, "E4")
    assert first(e4, "span", class_="count") is None  # the counts are coverage's
    assert e4.find("a", class_="grid-cell-link")["href"] == E4
    # The key names every shade in words.
    key = tree.find("ul", class_="grid-view-key")
    samples = [s.clean_text for s in key.find_all("span", class_="grid-view-sample")]
    assert samples == ["High", "Moderate", "Low", "Very low", "Not rated", "No verdict yet"]
    assert "by certainty" in tree.find("table", class_="grid").find("caption").clean_text


def test_an_unpublished_cell_shows_readers_nothing_of_its_verdict(client, demo):
    cell = get_cell("alcohol", "E4")
    give_verdict(cell, "high")
    Cell.objects.filter(pk=cell.pk).update(status="draft", review_due=datetime.date(2001, 1, 1))
    for view in ("certainty", "freshness"):
        td = cell_td(get(client, f"{GRID}?view={view}"), "E4")
        assert mark(td) == "In preparation"
        assert "High" not in td.clean_text and "overdue" not in td.clean_text
        assert first(td, "a") is None and first(td, "time") is None
        assert not td.has_class("grid-view-certainty-high")
    staff = cell_td(get(staff_client(), f"{GRID}?view=certainty"), "E4")
    assert mark(staff) == "High certainty"


def test_the_freshness_view_gives_years_since_the_newest_study_and_overdue_reviews(client, demo):
    today = timezone.localdate()
    e4 = get_cell("alcohol", "E4")
    newest = max(
        e.document.year
        for e in reader_entries(e4)
        if e.document.kind == "study" and e.document.year
    )
    Cell.objects.filter(pk=e4.pk).update(review_due=today - datetime.timedelta(days=1))
    a1 = get_cell("alcohol", "A1")
    make_entry(a1, document=make_document(kind=Document.Kind.STUDY, year=today.year - 1))
    Cell.objects.filter(pk=a1.pk).update(review_due=today + datetime.timedelta(days=40))
    b1 = get_cell("alcohol", "B1")
    make_entry(b1, document=make_document(kind=Document.Kind.REVIEW, year=today.year))
    tree = get(client, f"{GRID}?view=freshness")

    td = cell_td(tree, "E4")
    years = today.year - newest
    assert mark(td) == f"{years} year{'s' if years != 1 else ''} since the newest study"
    assert f"Newest study {newest}" in td.clean_text
    assert td.has_class(f"grid-view-age-{age_band(years)}") and td.has_class("grid-view-is-overdue")
    overdue = td.find("strong", class_="grid-view-overdue")
    assert overdue.clean_text.startswith("Review overdue")
    assert overdue.find("time")["datetime"] == (today - datetime.timedelta(days=1)).isoformat()

    td = cell_td(tree, "A1")
    assert mark(td) == "1 year since the newest study" and td.has_class("grid-view-age-recent")
    assert first(td, "strong", class_="grid-view-overdue") is None
    assert "Review due" in td.clean_text
    td = cell_td(tree, "B1")  # a review is not a study
    assert mark(td) == "No study yet" and td.has_class("grid-view-age-none")
    key = tree.find("ul", class_="grid-view-key").clean_text
    assert "2 years or less" in key and "Review overdue" in key


@pytest.mark.parametrize(("years", "band"), [(0, "recent"), (2, "recent"), (3, "aging"),
                                             (5, "aging"), (6, "old"), (10, "old"),
                                             (11, "oldest"), (None, "none")])  # fmt: skip
def test_age_bands(years, band):
    assert age_band(years) == band


@pytest.mark.parametrize("asked", ["colour", "CERTAINTY", "%3Cb%3E", "a%01b", "x" * 300])
def test_an_unknown_view_shows_coverage_says_so_and_is_not_stored(client, demo, asked):
    response = Client().get(f"{GRID}?view={asked}")
    assert response.status_code == 200
    tree = page(response)
    assert tree.find("table", class_="grid").has_class("grid-view-coverage")
    assert [current for _, _, current in view_links(tree)] == ["true", None, None]
    assert "has no view called" in tree.find("p", class_="filter-unknown").clean_text
    assert outcome(Client().get(f"{GRID}?view={asked}")) != "hit"
    assert badges(cell_td(tree, "E4"))


@pytest.mark.parametrize("view", ["certainty", "freshness"])
def test_each_view_is_stored_and_a_new_verdict_drops_it(demo, view):
    url = f"{GRID}?view={view}"
    assert outcome(Client().get(url)) == "miss" and outcome(Client().get(url)) == "hit"
    give_verdict(get_cell("alcohol", "A2"), "low")
    after = Client().get(url)
    assert outcome(after) == "miss"
    if view == "certainty":
        assert mark(cell_td(page(after), "A2")) == "Low certainty"


def test_the_home_page_links_each_grid_to_its_certainty_and_freshness_views(client, demo):
    tree = get(client, "/")
    hrefs = [
        a["href"] for p in tree.find_all("p", class_="grid-view-home") for a in p.find_all("a")
    ]
    assert hrefs == [
        "/matrices/alcohol/?view=certainty",
        "/matrices/alcohol/?view=freshness",
        "/matrices/drug/?view=certainty",
        "/matrices/drug/?view=freshness",
    ]


# Whatever its size and view, the grid costs the same queries: the verdicts come with the
# cells. The matrix, its cells with coverage and verdicts, its columns, its countries.
GRID_QUERIES = 4


@pytest.mark.parametrize("view", ["", "certainty", "freshness", "colour"])
@pytest.mark.parametrize("verdicts", [1, 25])
def test_the_grid_queries_do_not_grow_with_its_verdicts(
    client, django_assert_num_queries, view, verdicts
):
    matrix = make_matrix("test", "Test")
    cells = list(Cell.objects.filter(matrix=matrix).order_by("column__code", "row__number"))
    for cell in cells[:verdicts]:
        give_verdict(cell, "low")
        document = make_document(kind=Document.Kind.STUDY, year=2020)
        document.countries.set(["GB"])  # the country choices' names take their query
        make_entry(cell, document=document)
    with django_assert_num_queries(GRID_QUERIES):
        response = client.get(f"/matrices/test/?view={view}")
    tree = page(response)
    if view == "certainty":
        marks = [mark(td) for td in tree.find_all("td", class_="grid-cell")]
        assert marks.count("Low certainty") == verdicts
