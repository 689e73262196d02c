"""Reading on a phone: 390 × 844, touch. Notes on links, charts, no sideways scrolling, and
the Matrix Bite's contents list, with JavaScript and without."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CELL = "/matrices/alcohol/E4/"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}
LINK_NOTE = ".entry .annotation span.has-note > a"


@pytest.fixture
def phone(new_context):
    return new_context(**PHONE).new_page()


@pytest.fixture
def phone_nojs(new_context):
    return new_context(java_script_enabled=False, **PHONE).new_page()


def link_note(page):
    link = page.locator(LINK_NOTE).first
    note = page.locator("#" + link.get_attribute("aria-describedby"))
    return link, note


def unfold_everything(page):
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")


def test_first_tap_on_a_link_with_a_note_shows_the_note_and_stays(phone):
    phone.goto(CELL)
    link, note = link_note(phone)
    href = link.get_attribute("href")
    expect(note).to_be_hidden()
    link.tap()
    expect(note).to_be_visible()
    expect(phone).to_have_url(re.compile(re.escape(CELL) + r"$"))
    go = note.locator(".note-go a")
    expect(go).to_have_text(re.compile(r"^Go to "))
    assert go.get_attribute("href").endswith(href)
    # The second tap on the link follows it.
    link.tap()
    phone.wait_for_url(re.compile(re.escape(href) + r"$"))


def test_the_notes_go_to_link_follows_the_link(phone):
    phone.goto(CELL)
    link, note = link_note(phone)
    href = link.get_attribute("href")
    link.tap()
    note.locator(".note-go a").tap()
    phone.wait_for_url(re.compile(re.escape(href) + r"$"))


def test_a_tap_elsewhere_closes_a_link_note_and_its_go_to_link(phone):
    phone.goto(CELL)
    link, note = link_note(phone)
    link.tap()
    expect(note).to_be_visible()
    phone.locator("h1").tap()
    expect(note).to_be_hidden()
    assert phone.locator(".note-go").count() == 0


def test_a_mouse_click_on_a_link_with_a_note_follows_it_at_once(page):
    page.goto(CELL)
    link, _ = link_note(page)
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(re.escape(href) + r"$"))


def test_punctuation_after_a_note_stays_on_the_phrases_line(phone):
    phone.goto(CELL)
    kept = phone.locator(".annotation .note-nowrap")
    assert kept.count() >= 1
    assert kept.first.evaluate("el => getComputedStyle(el).whiteSpace") == "nowrap"
    # The phrase inside still wraps like the words around it.
    inner = kept.first.locator("> .has-note")
    assert inner.evaluate("el => getComputedStyle(el).whiteSpace") == "normal"


def test_note_phrases_wrap_like_the_words_around_them(phone):
    phone.goto(CELL + "?bite=open")
    displays = phone.locator(".note-phrase").evaluate_all(
        "els => els.map(el => getComputedStyle(el).display)"
    )
    assert displays and set(displays) == {"inline"}
    # A phrase longer than the rest of its line is broken across lines, as text is.
    lines = phone.evaluate(
        """() => Math.max(...[...document.querySelectorAll('.note-phrase')]
            .filter(el => el.getBoundingClientRect().width > 0)
            .map(el => el.getClientRects().length))"""
    )
    assert lines >= 2


def test_a_phrase_note_opens_from_the_keyboard(phone):
    phone.goto(CELL)
    phrase = phone.locator(".entry .annotation .note-phrase").first
    note = phone.locator("#" + phrase.get_attribute("aria-describedby"))
    phrase.focus()
    phrase.press("Enter")
    expect(phrase.locator("xpath=..")).to_have_class(re.compile(r"\bis-open\b"))
    expect(note).to_be_visible()


def test_chart_text_is_at_least_12px_as_rendered(phone):
    phone.goto(CELL + "?bite=open")
    unfold_everything(phone)
    charts = phone.locator("figure.chart")
    assert charts.count() >= 2
    sizes = phone.evaluate(
        """() => [...document.querySelectorAll('figure.chart svg.chart-svg')]
            .filter(svg => svg.getBoundingClientRect().width > 0)
            .flatMap(svg => {
              const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
              return [...svg.querySelectorAll('text')].map(
                t => parseFloat(getComputedStyle(t).fontSize) * scale);
            })"""
    )
    assert len(sizes) >= 8  # both charts: labels and values
    assert min(sizes) >= 12, sizes


def test_chart_numbers_never_overflow_their_frame(phone):
    phone.goto(CELL + "?bite=open")
    unfold_everything(phone)
    frames = phone.evaluate(
        """() => [...document.querySelectorAll('figure.chart')].map(f => {
              const box = f.getBoundingClientRect();
              const region = f.querySelector('.chart-table').getBoundingClientRect();
              return [box.left, box.right, region.left, region.right];
            })"""
    )
    assert frames
    for left, right, region_left, region_right in frames:
        assert left - 0.5 <= region_left and region_right <= right + 0.5


@pytest.mark.parametrize(
    "address",
    [
        CELL,
        CELL + "?bite=open",
        "/matrices/alcohol/",
        "/",
        "/documents/timko-debenedetti-2007-intensive-referral/",
        "/topics/twelve-step-mutual-aid/",
        "/search/?q=referral",
    ],
)
def test_no_page_scrolls_sideways_on_a_phone(phone, address):
    phone.goto(address)
    width, inner = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{address} is {width}px wide in a {inner}px window"


def test_a_highlighted_section_stays_within_the_texts_width(page):
    page.goto(CELL + "?bite=open#aftercare-mutual-aid")
    section = page.locator("#aftercare-mutual-aid")
    box = section.bounding_box()
    prose = section.locator(".prose").bounding_box()
    assert box["width"] <= prose["width"] + 1
    assert box["width"] < 900


def test_contents_list_marks_the_section_being_read(phone):
    phone.goto(CELL)
    contents = phone.locator("nav.bite-contents")
    links = contents.locator("a.bite-contents-link")
    assert links.count() >= 4
    last = links.last
    target = last.get_attribute("href").split("#")[1]
    last.tap()
    expect(phone.locator("details#bite")).to_have_attribute("open", "")
    expect(phone.locator("#" + target)).to_be_in_viewport()
    expect(last).to_have_attribute("aria-current", "location")
    expect(contents.locator("a[aria-current]")).to_have_count(1)
    # Scrolling back to the first section moves the mark.
    first = links.first
    first_target = first.get_attribute("href").split("#")[1]
    phone.locator("#" + first_target).evaluate("el => el.scrollIntoView({block: 'start'})")
    expect(first).to_have_attribute("aria-current", "location")
    expect(last).not_to_have_attribute("aria-current", "location")
    # Back to contents, after the section.
    phone.locator("#" + first_target + " .bite-back a", has_text="Back to contents").tap()
    expect(phone.locator("#bite-contents-heading")).to_be_in_viewport()


def test_contents_list_works_without_javascript(phone_nojs):
    page = phone_nojs
    page.goto(CELL)
    expect(page.locator("details#bite")).not_to_have_attribute("open", "")
    link = page.locator("nav.bite-contents a.bite-contents-link").nth(2)
    target = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_url(re.compile(r"\?bite=open#" + target + "$"))
    expect(page.locator("details#bite")).to_have_attribute("open", "")
    section = page.locator("#" + target)
    expect(section).to_be_visible()
    expect(section).to_be_in_viewport()
    # Back to the entries, from the end of the section.
    section.locator(".bite-back a", has_text="Back to the entries").click()
    expect(page.locator("#entries-heading")).to_be_in_viewport()
