"""Facets, sorting and paging on the search page, with JavaScript and without it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

RESULTS = "ol.results > li.result"


def years(page):
    texts = page.locator(f"{RESULTS} p.result-head").all_inner_texts()
    return [int(m.group(1)) for t in texts if (m := re.search(r"\((\d{4})\)\s*$", t))]


def check_facets_sort_and_pages(page, javascript):
    page.goto("/search/?q=mutual+aid")
    total = page.locator(RESULTS).count()
    assert total > 5
    # A facet narrows the results, and its address can be shared.
    page.locator("aside.facets a[href*='kind=review']").click()
    expect(page).to_have_url(re.compile(r"kind=review"))
    kinds = [k.lower() for k in page.locator(f"{RESULTS} .kind").all_inner_texts()]
    assert kinds and set(kinds) == {"review"}
    page.get_by_role("link", name=re.compile("Remove filter: Review")).click()
    expect(page.locator(RESULTS)).to_have_count(total)

    # Sorting: with JavaScript the choice applies at once; without, the button sends it.
    page.goto("/search/?from=1900&to=2100")
    sort_button = page.locator("form.sort-form button")
    page.select_option("#sort", "oldest")
    if javascript:
        expect(sort_button).to_be_hidden()
    else:
        sort_button.click()
    expect(page).to_have_url(re.compile(r"sort=oldest"))
    oldest = years(page)
    assert oldest == sorted(oldest) and len(oldest) >= 10

    # Numbered pages: the next page continues the same order.
    pager = page.get_by_role("navigation", name="Result pages")
    pager.get_by_role("link", name="Page 2").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("nav.pager a[aria-current=page]")).to_contain_text("2")
    second = years(page)
    assert second and second[0] >= oldest[-1]
    page.get_by_role("link", name="Previous page").click()
    expect(page).not_to_have_url(re.compile(r"page=2"))


def test_facets_sorting_and_paging_with_javascript(page):
    check_facets_sort_and_pages(page, javascript=True)


def test_facets_sorting_and_paging_without_javascript(nojs_page):
    check_facets_sort_and_pages(nojs_page, javascript=False)


def test_the_search_form_keeps_the_filters_and_reads_on_a_phone(new_context):
    phone = new_context(viewport={"width": 375, "height": 740}).new_page()
    phone.goto("/search/?q=mutual+aid&kind=study")
    phone.fill("#search-q", "referral")
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(r"q=referral.*kind=study|kind=study.*q=referral"))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=str
)
@pytest.mark.parametrize(
    "query", ["mutual+aid", "does+linking+patients+to+mutual+aid+groups+work"], ids=str
)
def test_the_first_document_is_on_the_first_screen(new_context, viewport, query):
    page = new_context(viewport=viewport).new_page()
    page.goto(f"/search/?q={query}")
    first = page.locator(RESULTS).first
    box = first.bounding_box()
    assert box and box["y"] + min(box["height"], 60) <= viewport["height"], box
    if viewport["width"] < 600:
        # Above the results on a phone, folded into at most three lines; opened, it lists
        # the cells, sections and topics.
        folded = page.locator("details.search-places-folded")
        assert folded.bounding_box()["y"] < box["y"]
        assert folded.bounding_box()["height"] <= 3 * 26
        assert page.locator("aside.search-places").is_hidden()
        folded.locator("summary").first.click()
        expect(folded.get_by_role("link", name="Alcohol E4").first).to_be_visible()
    else:
        # Beside them on a wide screen.
        places = page.locator("aside.search-places").bounding_box()
        assert places["x"] > box["x"] + box["width"] - 5
        assert page.locator("details.search-places-folded").is_hidden()
    # Follow, cite and feed come after the results.
    follow = page.locator("form.follow-form").last.bounding_box()
    assert follow["y"] > page.locator(RESULTS).last.bounding_box()["y"]
