"""The cell page in real Chromium with JavaScript on: /matrices/alcohol/E4/ from the demo content.

The Matrix Bite folds and unfolds, supplementary text folds and unfolds, hover notes show on
hover and keyboard focus, and links to passages scroll to and highlight them.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CELL = "/matrices/alcohol/E4/"

# The stylesheet's --highlight colour (#fff1a8), as getComputedStyle reports it.
HIGHLIGHT = "rgb(255, 241, 168)"
NO_BACKGROUND = "rgba(0, 0, 0, 0)"

# Seen only inside the bite: a passage of its "What is this cell about?" section.
BITE_TEXT = "#medication-share"


BOTH_TRIGGERS = pytest.mark.parametrize(
    "trigger_selector",
    [
        pytest.param(".entry .annotation span.has-note > span.note-phrase", id="phrase"),
        pytest.param(".entry .annotation span.has-note > a", id="link"),
    ],
)


def bite_parts(page):
    bite = page.locator("details#bite")
    return bite, bite.locator("> summary"), page.locator(BITE_TEXT)


def expect_highlighted(locator):
    # The highlight fades in over 1.2 s; expect() polls until the animation has settled.
    expect(locator).to_be_in_viewport()
    expect(locator).to_have_css("background-color", HIGHLIGHT)


def tab_to(page, target, limit=15):
    """Press Tab until `target` has the keyboard focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


# 1. Folded on arrival; unfolds and folds by its summary and by the links.


def test_bite_is_folded_on_arrival(page):
    page.goto(CELL)
    bite, summary, text = bite_parts(page)
    expect(bite).to_have_js_property("open", False)
    expect(text).to_be_hidden()
    expect(page.locator("#care-coordination")).to_be_hidden()
    expect(summary).to_have_text("Unfold the Matrix Bite", use_inner_text=True)
    expect(page.locator("a.bite-open-link")).to_be_visible()


def test_bite_unfolds_and_folds_by_its_summary(page):
    page.goto(CELL)
    bite, summary, text = bite_parts(page)
    summary.click()
    expect(bite).to_have_js_property("open", True)
    expect(text).to_be_visible()
    expect(summary).to_have_text("Fold the Matrix Bite", use_inner_text=True)
    # Once the bite is open its "Unfold" link in the introduction has no job and is hidden.
    expect(page.locator("a.bite-open-link")).to_be_hidden()

    summary.click()
    expect(bite).to_have_js_property("open", False)
    expect(text).to_be_hidden()
    expect(summary).to_have_text("Unfold the Matrix Bite", use_inner_text=True)


def test_bite_unfolds_by_its_link_and_folds_by_the_link_at_its_end(page):
    page.goto(CELL)
    page.evaluate("window.__sameDocument = true")
    bite, summary, text = bite_parts(page)

    page.get_by_role("link", name="Unfold the Matrix Bite").click()
    expect(bite).to_have_js_property("open", True)
    expect(text).to_be_visible()
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()

    close = page.get_by_role("link", name="Fold the Matrix Bite")
    close.scroll_into_view_if_needed()
    expect(close).to_be_visible()
    close.click()
    expect(bite).to_have_js_property("open", False)
    expect(text).to_be_hidden()
    expect(page.locator("#bite-heading")).to_be_in_viewport()
    # Folding is not "arriving at a passage": nothing is highlighted.
    expect(page.locator("#bite-heading")).to_have_css("background-color", NO_BACKGROUND)
    # Both links worked in place, without loading the page again.
    assert page.evaluate("window.__sameDocument") is True


# 2. Arriving with the bite open.


def test_bite_open_in_the_address_arrives_open(page):
    page.goto(CELL + "?bite=open")
    bite, summary, text = bite_parts(page)
    expect(bite).to_have_js_property("open", True)
    expect(text).to_be_visible()
    expect(summary).to_have_text("Fold the Matrix Bite", use_inner_text=True)


def test_hash_bite_arrives_open(page):
    page.goto(CELL + "#bite")
    bite, summary, text = bite_parts(page)
    expect(bite).to_have_js_property("open", True)
    expect(text).to_be_visible()
    expect(summary).to_be_in_viewport()


def test_legacy_address_with_format_open_lands_with_the_bite_open(page):
    response = page.goto("/PHP/dl.php?file=Matrix/Alcohol/E4.htm&format=open")
    assert response.ok
    assert response.request.redirected_from is not None
    assert response.request.redirected_from.response().status == 301
    expect(page).to_have_url(re.compile(re.escape(CELL) + r"\?bite=open#bite$"))
    bite, _, text = bite_parts(page)
    expect(bite).to_have_js_property("open", True)
    expect(text).to_be_visible()


# 3. Supplementary text inside the bite.


def supplement_parts(page):
    details = page.locator("#aftercare-mutual-aid details.supplement")
    expect(details).to_have_count(1)
    body = details.locator("> .supplement-body")
    return details, details.locator("> summary"), body


def test_supplement_is_folded_and_unfolds_and_folds_by_its_summary(page):
    page.goto(CELL + "?bite=open")
    details, summary, body = supplement_parts(page)
    expect(summary).to_be_visible()
    expect(details).to_have_js_property("open", False)
    expect(body).to_be_hidden()

    summary.click()
    expect(details).to_have_js_property("open", True)
    expect(body).to_be_visible()
    expect(body.locator("p").first).to_be_visible()

    summary.click()
    expect(details).to_have_js_property("open", False)
    expect(body).to_be_hidden()


def test_supplement_folds_by_the_button_at_its_end(page):
    page.goto(CELL + "?bite=open")
    details, summary, body = supplement_parts(page)
    fold = details.get_by_role("button", name="Fold the supplementary text")
    expect(fold).to_be_hidden()

    summary.click()
    expect(body).to_be_visible()
    expect(fold).to_be_visible()
    fold.click()
    expect(details).to_have_js_property("open", False)
    expect(body).to_be_hidden()
    # Focus goes back to the summary, so keyboard users are not left stranded.
    expect(summary).to_be_focused()


def test_supplement_toggles_from_the_keyboard(page):
    page.goto(CELL + "?bite=open")
    details, summary, body = supplement_parts(page)
    summary.focus()
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(details).to_have_js_property("open", True)
    expect(body).to_be_visible()
    page.keyboard.press("Enter")
    expect(details).to_have_js_property("open", False)
    expect(body).to_be_hidden()
    page.keyboard.press("Space")
    expect(details).to_have_js_property("open", True)


# 4. Hover notes: on hover, on keyboard focus, hidden by Escape, announced.


def note_parts(page, trigger_selector):
    trigger = page.locator(trigger_selector).first
    wrapper = trigger.locator("xpath=..")
    expect(wrapper).to_have_class(re.compile(r"\bhas-note\b"))
    note = wrapper.locator("> span.note")
    expect(note).to_have_count(1)
    return trigger, note


def expect_note_shown(note):
    expect(note).to_be_visible()
    expect(note).to_have_css("opacity", "1")


def expect_accessible(trigger, note):
    note_id = note.get_attribute("id")
    assert note_id, "a note needs an id for aria-describedby"
    expect(trigger).to_have_attribute("aria-describedby", note_id)
    expect(note).to_have_attribute("role", "tooltip")
    # Announced: the trigger's accessible description is the note's text.
    description = trigger.evaluate(
        "el => el.getAttribute('aria-describedby').split(' ')"
        ".map(id => document.getElementById(id).textContent).join(' ')"
    )
    expect(note).to_have_text(description)
    assert description.strip()


@BOTH_TRIGGERS
def test_note_shows_on_hover_and_hides_when_the_pointer_leaves(page, trigger_selector):
    page.goto(CELL)
    trigger, note = note_parts(page, trigger_selector)
    expect_accessible(trigger, note)
    expect(note).to_be_hidden()

    trigger.hover()
    expect_note_shown(note)
    page.mouse.move(1, 1)
    expect(note).to_be_hidden()


@BOTH_TRIGGERS
def test_note_shows_on_keyboard_focus_and_escape_hides_it(page, trigger_selector):
    page.goto(CELL)
    trigger, note = note_parts(page, trigger_selector)
    expect(note).to_be_hidden()

    # Reach it with the Tab key from the headline link of its entry.
    entry = trigger.locator("xpath=ancestor::li[contains(@class, 'entry')]")
    entry.locator("a.entry-title").focus()
    tab_to(page, trigger)
    expect(trigger).to_be_focused()
    expect_note_shown(note)

    page.keyboard.press("Escape")
    expect(note).to_be_hidden()
    expect(trigger).to_be_focused()

    # Leaving and coming back shows it again.
    page.keyboard.press("Tab")
    expect(note).to_be_hidden()
    trigger.focus()
    expect_note_shown(note)


@BOTH_TRIGGERS
def test_the_pointer_can_move_onto_a_shown_note(page, trigger_selector):
    # WCAG 1.4.13: content shown on hover stays while the pointer moves over it.
    page.goto(CELL)
    trigger, note = note_parts(page, trigger_selector)
    trigger.hover()
    expect_note_shown(note)
    phrase, shown = trigger.bounding_box(), note.bounding_box()
    assert shown["y"] > phrase["y"] + phrase["height"], "the note opens below its phrase"
    # Straight down from the phrase, across the gap, onto the middle of the note.
    page.mouse.move(phrase["x"] + 4, shown["y"] + shown["height"] / 2, steps=10)
    expect_note_shown(note)


def test_note_opens_on_tap_and_closes_on_a_tap_elsewhere(page):
    page.goto(CELL)
    trigger, note = note_parts(page, ".entry .annotation span.has-note > span.note-phrase")
    trigger.click()
    page.mouse.move(1, 1)  # the pointer leaves, as after a tap
    expect_note_shown(note)
    expect(trigger.locator("xpath=..")).to_have_class(re.compile(r"\bis-open\b"))
    page.locator("h1").click()
    expect(note).to_be_hidden()


def test_every_note_is_a_tooltip_described_by_its_trigger(page):
    page.goto(CELL + "?bite=open")
    notes = page.locator("span.has-note > span.note")
    count = notes.count()
    assert count >= 10
    ids = notes.evaluate_all("els => els.map(el => el.id)")
    assert all(ids) and len(set(ids)) == count
    for index in range(count):
        note = notes.nth(index)
        trigger = note.locator("xpath=preceding-sibling::*[self::a or self::span][1]")
        expect_accessible(trigger, note)


# 5. Arriving at a passage, and clicking a link to one, highlights it.


@pytest.mark.parametrize(
    "address, target",
    [
        pytest.param("?bite=open#care-coordination", "#care-coordination", id="bite-section"),
        pytest.param("?bite=open#va-intervention", "#va-intervention", id="passage-open"),
        # Without ?bite=open the script unfolds the bite around the passage.
        pytest.param("#va-intervention", "#va-intervention", id="passage-folded"),
        pytest.param(
            "#entry-timko-debenedetti-2007-intensive-referral",
            "#entry-timko-debenedetti-2007-intensive-referral",
            id="entry",
        ),
    ],
)
def test_arriving_at_a_passage_scrolls_to_and_highlights_it(page, address, target):
    page.goto(CELL + address)
    passage = page.locator(target)
    expect(passage).to_be_visible()
    expect_highlighted(passage)
    # Only the target is highlighted.
    expect(page.locator("#medication-share")).to_have_css("background-color", NO_BACKGROUND)
    expect(page.locator("#entries-heading")).to_have_css("background-color", NO_BACKGROUND)


def test_the_highlight_colour_is_the_stylesheets(page):
    page.goto(CELL)
    colour = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--highlight').trim()"
    )
    assert colour.lower() == "#fff1a8"


def test_a_passage_link_in_an_annotation_opens_the_bite_and_highlights_in_place(page):
    page.goto(CELL)
    page.evaluate("window.__sameDocument = true")
    bite, _, _ = bite_parts(page)
    expect(bite).to_have_js_property("open", False)
    target = page.locator("#aftercare-mutual-aid")
    expect(target).to_be_hidden()

    link = page.locator(
        "#entry-sisson-mallams-1981-systematic-encouragement .annotation "
        "a.ref-passage[href$='#aftercare-mutual-aid']"
    )
    expect(link).to_have_count(1)
    link.click()

    expect(bite).to_have_js_property("open", True)
    expect(target).to_be_visible()
    expect_highlighted(target)
    expect(page).to_have_url(re.compile(r"#aftercare-mutual-aid$"))
    assert page.evaluate("window.__sameDocument") is True, "the page was loaded again"


def test_following_another_passage_link_moves_the_highlight(page):
    page.goto(CELL + "?bite=open#care-coordination")
    first = page.locator("#care-coordination")
    expect_highlighted(first)

    # A link inside the bite to a passage elsewhere on the page, followed with the keyboard.
    link = page.locator("#aftercare-mutual-aid a.ref-passage[href$='#va-intervention']").first
    link.focus()
    page.keyboard.press("Enter")
    second = page.locator("#va-intervention")
    expect_highlighted(second)
    expect(first).to_have_css("background-color", NO_BACKGROUND)
    expect(page).to_have_url(re.compile(r"#va-intervention$"))


def test_the_for_discussion_link_of_an_entry_reaches_a_highlighted_heading(page):
    page.goto(CELL)
    page.evaluate("window.__sameDocument = true")
    links = page.locator(".entry .annotation a.ref-passage")
    hrefs = links.evaluate_all("els => els.map(el => el.getAttribute('href'))")
    bite_ids = set(
        page.locator("#bite .bite-section[id]").evaluate_all("els => els.map(el => el.id)")
    )
    to_sections = [h for h in hrefs if h.split("#", 1)[1] in bite_ids]
    assert to_sections, "no entry links to a section of the bite"
    # Pick one that is not the supplementary-text test's section, to cover another.
    href = next((h for h in to_sections if "aftercare" not in h), to_sections[0])
    section = page.locator("#" + href.split("#", 1)[1])
    page.locator(f".entry .annotation a.ref-passage[href='{href}']").first.click()
    expect_highlighted(section)
    assert page.evaluate("window.__sameDocument") is True
