"""With JavaScript switched off the cell page still works: everything the script enhances is
plain HTML and CSS underneath (<details> for folding, :hover and :focus-within for notes)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CELL = "/matrices/alcohol/E4/"
BITE_TEXT = "#medication-share"


def test_the_script_really_is_off(nojs_page):
    nojs_page.goto(CELL + "?bite=open")
    # site.js adds a fold button to each supplement; without it there is none.
    expect(nojs_page.locator("button.supplement-close")).to_have_count(0)


def test_bite_unfolds_and_folds_by_its_summary(nojs_page):
    page = nojs_page
    page.goto(CELL)
    bite = page.locator("details#bite")
    summary = bite.locator("> summary")
    expect(bite).to_have_js_property("open", False)
    expect(page.locator(BITE_TEXT)).to_be_hidden()
    summary.click()
    expect(bite).to_have_js_property("open", True)
    expect(page.locator(BITE_TEXT)).to_be_visible()
    expect(summary).to_have_text("Fold the Matrix Bite", use_inner_text=True)
    summary.click()
    expect(page.locator(BITE_TEXT)).to_be_hidden()


def test_bite_open_in_the_address_shows_it_open(nojs_page):
    page = nojs_page
    page.goto(CELL + "?bite=open")
    expect(page.locator("details#bite")).to_have_js_property("open", True)
    expect(page.locator(BITE_TEXT)).to_be_visible()
    expect(page.locator("a.bite-open-link")).to_be_hidden()


def test_unfold_link_loads_the_page_with_the_bite_open(nojs_page):
    page = nojs_page
    page.goto(CELL)
    page.get_by_role("link", name="Unfold the Matrix Bite").click()
    expect(page).to_have_url(re.compile(r"\?bite=open#bite$"))
    expect(page.locator(BITE_TEXT)).to_be_visible()
    # ... and the link at its end folds it again.
    page.get_by_role("link", name="Fold the Matrix Bite").click()
    expect(page).to_have_url(re.compile(re.escape(CELL) + "#bite-heading$"))
    expect(page.locator("details#bite")).to_have_js_property("open", False)
    expect(page.locator(BITE_TEXT)).to_be_hidden()


def test_passage_link_from_an_entry_opens_the_bite_at_the_highlighted_passage(nojs_page):
    page = nojs_page
    page.goto(CELL)
    link = page.locator(
        "#entry-sisson-mallams-1981-systematic-encouragement .annotation "
        "a.ref-passage[href$='#aftercare-mutual-aid']"
    )
    link.click()
    expect(page).to_have_url(re.compile(r"\?bite=open#aftercare-mutual-aid$"))
    target = page.locator("#aftercare-mutual-aid")
    expect(target).to_be_in_viewport()
    expect(target).to_have_css("background-color", "rgb(255, 241, 168)")


def test_supplement_unfolds_and_folds(nojs_page):
    page = nojs_page
    page.goto(CELL + "?bite=open")
    details = page.locator("#aftercare-mutual-aid details.supplement")
    body = details.locator("> .supplement-body")
    expect(body).to_be_hidden()
    details.locator("> summary").click()
    expect(body).to_be_visible()
    details.locator("> summary").click()
    expect(body).to_be_hidden()


@pytest.mark.parametrize(
    "trigger_selector",
    [
        pytest.param(".entry .annotation span.has-note > span.note-phrase", id="phrase"),
        pytest.param(".entry .annotation span.has-note > a", id="link"),
    ],
)
def test_note_shows_on_hover_and_on_focus(nojs_page, trigger_selector):
    page = nojs_page
    page.goto(CELL)
    trigger = page.locator(trigger_selector).first
    note = trigger.locator("xpath=following-sibling::span[@role='tooltip']")
    expect(note).to_be_hidden()
    trigger.hover()
    expect(note).to_be_visible()
    page.mouse.move(1, 1)
    expect(note).to_be_hidden()
    trigger.focus()
    expect(note).to_be_visible()


def test_the_grid_views_switch_by_plain_links_keeping_the_country(nojs_page):
    from studies.models import Document

    # A country among the grid's documents, whatever the demo says, so the filter applies.
    Document.objects.get(slug="manning-2012-active-referral").countries.add("GB-ENG")
    page = nojs_page
    page.goto("/matrices/alcohol/?country=GB")
    views = page.get_by_role("navigation", name="Show the grid by:")
    for label, view in (("Certainty", "certainty"), ("Freshness", "freshness")):
        views.get_by_role("link", name=label).click()
        page.wait_for_url(f"**/matrices/alcohol/?country=GB&view={view}")
        expect(views.get_by_role("link", name=label)).to_have_attribute("aria-current", "true")
        expect(page.locator("table.grid")).to_have_class(re.compile(f"grid-view-{view}"))
    expect(page.locator("#alcohol-cell-E4 .grid-view-mark")).to_be_visible()
    views.get_by_role("link", name="Coverage").click()
    page.wait_for_url("**/matrices/alcohol/?country=GB")
    expect(page.locator("#alcohol-cell-E4 .counts")).to_be_visible()
