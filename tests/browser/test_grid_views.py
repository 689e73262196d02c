"""The grid's three views (coverage, certainty, freshness): switched by links with and
without JavaScript, each passing axe-core's WCAG 2.2 AA rules on a phone and a desktop, the
certainty shades and the overdue mark included."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import AXE, WIDTHS, violations

pytestmark = pytest.mark.browser

GRID = "/matrices/alcohol/"
VIEWS = {
    "Coverage": GRID,
    "Certainty": f"{GRID}?view=certainty",
    "Freshness": f"{GRID}?view=freshness",
}


def appraise_grid():
    """A verdict of every level (and one cell with none) and an overdue review, so each
    shade and mark is on the page axe checks."""
    from matrix.models import Cell, CellVerdict

    levels = ["high", "moderate", "low", "very_low", "not_rated"]
    cells = Cell.objects.with_labels().filter(matrix__slug="alcohol").order_by("column__code")
    for number, cell in enumerate(cells.filter(row__number=4)):
        CellVerdict.objects.filter(cell=cell).delete()
        CellVerdict(cell=cell, certainty=levels[number], bottom_line="A test verdict.").save()
    e4 = Cell.objects.with_labels().by_key("alcohol", "E4")
    e4.review_due = datetime.date(2001, 1, 1)
    e4.save()


@pytest.mark.parametrize("width", WIDTHS)
def test_each_view_passes_wcag_2_2_aa(new_context, width):
    assert AXE.exists(), "axe-core is missing: npm ci (make test-browser does it)"
    appraise_grid()
    page = new_context(bypass_csp=True, **WIDTHS[width]).new_page()
    found = {}
    for url in [*VIEWS.values(), "/"]:
        page.goto(url)
        problems = violations(page)
        if problems:
            found[url] = problems
    assert found == {}


@pytest.mark.parametrize("script", ["on", "off"])
def test_the_view_links_switch_the_grid_and_mark_the_current_one(new_context, script):
    appraise_grid()
    page = new_context(
        java_script_enabled=script == "on", viewport={"width": 1280, "height": 900}
    ).new_page()
    page.goto(GRID)
    views = page.get_by_role("navigation", name="Show the grid by:")
    for label, url in VIEWS.items():
        link = views.get_by_role("link", name=label)
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"**{url}")
        expect(views.get_by_role("link", name=label)).to_have_attribute("aria-current", "true")
        expect(views.locator("[aria-current]")).to_have_count(1)
    page.goto(VIEWS["Certainty"])
    e4 = page.locator("#alcohol-cell-E4")
    expect(e4.locator(".grid-view-mark")).to_have_text("Certainty not rated")
    expect(page.locator("#alcohol-cell-A4 .grid-view-mark")).to_have_text("High certainty")
    expect(page.locator("#alcohol-cell-A1 .grid-view-mark")).to_have_text("No verdict yet")
    page.goto(VIEWS["Freshness"])
    expect(page.locator("#alcohol-cell-E4 .grid-view-overdue")).to_contain_text("Review overdue")


def test_on_a_phone_each_cell_keeps_its_certainty_in_words(new_context):
    appraise_grid()
    page = new_context(**WIDTHS["phone"]).new_page()
    page.goto(VIEWS["Certainty"])
    cell = page.locator("#alcohol-cell-B4")
    expect(cell.locator(".grid-view-mark")).to_be_visible()
    expect(cell.locator(".grid-view-mark")).to_have_text("Moderate certainty")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the certainty view scrolls sideways on a phone ({width} px)"
