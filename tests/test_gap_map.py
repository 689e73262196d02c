"""The grid as a gap map (coverage per cell, empty and thin cells, the key above the grid) and
the jurisdiction filter on cell and grid pages, for readers and for staff."""

from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.test import Client

from matrix.models import THIN_UP_TO, Cell, CellEntry
from studies.models import Document
from tests.factories import get_cell, make_document, make_entry
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


# What readers may not see.


def add_draft_to_e4():
    document = make_document(
        kind=Document.Kind.STUDY, year=2030, jurisdiction="Wales", status=Document.Status.DRAFT
    )
    make_entry(get_cell("alcohol", "E4"), document=document, roles="K")
    return document


def filter_labels(tree):
    nav = first(tree, "nav", class_="jurisdictions")
    return [a.clean_text.split(" (")[0] for a in nav.find_all("a")] if nav else []


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
def test_a_draft_documents_jurisdiction_is_not_offered_to_readers(client, demo, url):
    add_draft_to_e4()
    assert "Wales" not in filter_labels(get(client, url))
    assert "Wales" in filter_labels(get(staff_client(), url))
    tree = get(client, f"{url}?jurisdiction=Wales")
    assert first(tree, "p", class_="filter-unknown") is not None
    assert "Wales" not in tree.find("main").find("nav", class_="jurisdictions").clean_text


def test_an_unpublished_cell_shows_readers_no_coverage(client, demo):
    Cell.objects.filter(pk=get_cell("alcohol", "E4").pk).update(status="draft")
    td = cell_td(get(client, GRID), "E4")
    assert first(td, "span", class_="count") is None
    assert first(td, "span", class_="last-revised") is None
    assert first(td, "a") is None  # no link to it, and no follow link either
    assert "In preparation" in td.clean_text
    assert filter_labels(get(client, GRID)) == ["All"] or not filter_labels(get(client, GRID))


# The jurisdiction filter on the cell page.


def expected_jurisdictions(entries):
    return Counter(e.document.jurisdiction for e in entries if e.document.jurisdiction)


def test_the_cell_page_offers_the_jurisdictions_of_its_entries_with_counts(client, demo):
    entries = reader_entries(get_cell("alcohol", "E4"))
    wanted = expected_jurisdictions(entries)
    assert len(wanted) >= 2  # the demo has guidance from more than one jurisdiction
    nav = get(client, E4).find("nav", class_="jurisdictions")
    links = nav.find_all("a")
    assert links[0].clean_text == f"All ({len(entries)} entries)"
    assert links[0]["href"] == f"{E4}#entries"
    assert links[0]["aria-current"] == "true"
    offered = {
        a.clean_text.split(" (")[0]: (a["href"], a.clean_text.split(" (")[1].split()[0])
        for a in links[1:]
    }
    assert offered == {
        name: (f"{E4}?jurisdiction={name}#entries", str(count)) for name, count in wanted.items()
    }
    assert all("aria-current" not in a.attrs for a in links[1:])


def test_filtering_a_cell_by_jurisdiction_lists_only_its_entries(client, demo):
    entries = reader_entries(get_cell("alcohol", "E4"))
    uk = {e.anchor for e in entries if e.document.jurisdiction == "UK"}
    assert uk and len(uk) < len(entries)
    tree = get(client, f"{E4}?jurisdiction=UK")
    shown = {li["id"] for li in tree.find_all("li", class_="entry")}
    assert shown == uk
    current = tree.find("nav", class_="jurisdictions").find_all("a", **{"aria-current": "true"})
    assert [a.clean_text.split(" (")[0] for a in current] == ["UK"]
    note = tree.find("p", class_="filter-note")
    assert "marked UK" in note.clean_text and note.find("a")["href"] == f"{E4}#entries"


def test_an_unknown_jurisdiction_shows_everything_with_a_message(client, demo):
    response = client.get(f"{E4}?jurisdiction=Mars")
    assert response.status_code == 200
    tree = page(response)
    message = tree.find("p", class_="filter-unknown")
    assert message is not None and "“Mars”" in message.clean_text
    assert len(tree.find_all("li", class_="entry")) == len(
        reader_entries(get_cell("alcohol", "E4"))
    )
    current = tree.find("nav", class_="jurisdictions").find("a", **{"aria-current": "true"})
    assert current.clean_text.startswith("All")


def test_entries_without_a_jurisdiction_are_under_all_only(client, demo):
    entries = reader_entries(get_cell("alcohol", "E4"))
    without = [e for e in entries if not e.document.jurisdiction]
    assert without
    for name in expected_jurisdictions(entries):
        shown = {
            li["id"]
            for li in get(client, f"{E4}?jurisdiction={name}").find_all("li", class_="entry")
        }
        assert not shown & {e.anchor for e in without}
    assert len(get(client, E4).find_all("li", class_="entry")) == len(entries)


# The jurisdiction filter on the grid.


def test_the_grid_offers_the_matrix_jurisdictions_and_counts_only_the_chosen_one(client, demo):
    matrix_entries = [
        e
        for e in CellEntry.objects.filter(cell__matrix__slug="alcohol").select_related("document")
        if e.document.is_public
    ]
    wanted = expected_jurisdictions(matrix_entries)
    tree = get(client, GRID)
    nav = tree.find("nav", class_="jurisdictions")
    assert filter_labels(tree) == ["All", *sorted(wanted)]
    assert nav.find("a", href="/matrices/alcohol/?jurisdiction=UK").clean_text == (
        f"UK ({wanted['UK']} {'entry' if wanted['UK'] == 1 else 'entries'})"
    )

    e4_uk = [
        e for e in reader_entries(get_cell("alcohol", "E4")) if e.document.jurisdiction == "UK"
    ]
    filtered = get(client, f"{GRID}?jurisdiction=UK")
    td = cell_td(filtered, "E4")
    roles = Counter(role for e in e4_uk for role in e.roles)
    assert {role: shown for role, (shown, _) in badges(td).items()} == {
        role: str(n) for role, n in roles.items()
    }
    assert td.has_class("is-thin") == (len(e4_uk) <= THIN_UP_TO)
    current = filtered.find("nav", class_="jurisdictions").find("a", **{"aria-current": "true"})
    assert current["href"] == "/matrices/alcohol/?jurisdiction=UK"
    assert "marked UK" in filtered.find("p", class_="filter-note").clean_text
    # A cell with entries, none of them UK, counts as empty under the filter.
    assert "None marked UK" in cell_td(filtered, "A1").clean_text


def test_the_grid_with_an_unknown_jurisdiction_counts_everything_with_a_message(client, demo):
    plain = badges(cell_td(get(client, GRID), "E4"))
    tree = get(client, f"{GRID}?jurisdiction=Mars")
    assert "“Mars”" in tree.find("p", class_="filter-unknown").clean_text
    assert badges(cell_td(tree, "E4")) == plain


# The page cache stores filtered pages, and drops them when they change.


def outcome(response):
    return response.headers.get("X-Page-Cache")


@pytest.mark.parametrize("url", [f"{GRID}?jurisdiction=UK", f"{E4}?jurisdiction=UK"])
def test_filtered_pages_are_stored_in_the_page_cache(demo, url):
    first, second = Client().get(url), Client().get(url)
    assert (outcome(first), outcome(second)) == ("miss", "hit")
    assert second.content == first.content


@pytest.mark.parametrize("url", [f"{GRID}?jurisdiction=Mars", f"{E4}?jurisdiction=Mars"])
def test_made_up_jurisdictions_are_not_stored(demo, url):
    assert outcome(Client().get(url)) != "hit"
    assert outcome(Client().get(url)) != "hit"


def test_changing_a_documents_jurisdiction_drops_the_filtered_grid(demo):
    url = f"{GRID}?jurisdiction=UK"
    assert outcome(Client().get(url)) == "miss" and outcome(Client().get(url)) == "hit"
    cell = get_cell("alcohol", "E4")
    document = next(e.document for e in reader_entries(cell) if e.document.jurisdiction == "UK")
    before = badges(cell_td(page(Client().get(url)), "E4"))["G"][0]
    document.jurisdiction = "Wales"
    document.save()
    after = Client().get(url)
    assert outcome(after) == "miss"
    assert badges(cell_td(page(after), "E4"))["G"][0] == str(int(before) - 1)


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
