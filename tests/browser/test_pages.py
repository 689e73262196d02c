"""Every page loads cleanly in Chromium, is readable on a phone, and "copy title and link" works."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DOCUMENT = "/documents/timko-debenedetti-2007-intensive-referral/"
DOCUMENT_TITLE = (
    "A randomized controlled trial of intensive referral to 12-step self-help groups: "
    "one-year outcomes"
)

PAGES = [
    "/",
    "/matrices/alcohol/",
    "/matrices/drug/",
    "/matrices/alcohol/E4/",
    "/matrices/alcohol/E4/?bite=open",
    "/matrices/alcohol/rows/4/",
    DOCUMENT,
    "/topics/twelve-step-mutual-aid/",
    "/search/?q=mutual+aid",
    "/matrices/alcohol/E4/comment/",
    "/brief/?cells=alcohol/E4,drug/E4,alcohol/E3",
]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def test_no_console_or_page_errors_on_the_main_pages(page, browser_errors):
    responses = []
    page.on("response", lambda response: responses.append(response))
    for path in PAGES:
        responses.clear()
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        expect(page.locator("h1")).to_be_visible()
        # The stylesheet arrived and applies.
        expect(page.locator("header.site-header")).to_have_css(
            "background-color", "rgb(18, 61, 99)"
        )
        page.wait_for_load_state("load")
        scripts = [r for r in responses if r.url.endswith("/static/js/site.js")]
        assert [r.status for r in scripts] == [200], f"{path}: site.js not loaded"
        broken = [f"{r.status} {r.url}" for r in responses if r.status >= 400]
        errors = browser_errors.take()
        assert not errors and not broken, (path, errors, broken)


def test_the_script_runs_on_the_cell_page(page):
    # The supplement's extra fold button only exists when site.js has run.
    page.goto("/matrices/alcohol/E4/?bite=open")
    expect(page.locator("details.supplement > button.supplement-close")).not_to_have_count(0)


def page_widths(page):
    return page.evaluate(
        "() => { const d = document.documentElement;"
        " return [d.scrollWidth, d.clientWidth, document.body.scrollWidth]; }"
    )


def test_no_horizontal_scrolling_on_a_phone(new_context):
    page = new_context(**PHONE).new_page()
    too_wide = []
    for path in PAGES:
        page.goto(path)
        # Unfold everything a reader could unfold (the bite, supplements, charts' numbers) and
        # show every note: nothing may make the page wider than the phone.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.evaluate(
            "document.querySelectorAll('.has-note').forEach(n => { n.classList.add('is-open'); })"
        )
        scroll_width, client_width, body_width = page_widths(page)
        assert client_width == PHONE["viewport"]["width"]
        if max(scroll_width, body_width) > client_width + 1:
            too_wide.append(f"{path} is {scroll_width}px wide on a {client_width}px phone")
    assert not too_wide, too_wide


@pytest.mark.parametrize("matrix", ["alcohol", "drug"])
def test_grid_cells_are_visible_and_tappable_on_a_phone(new_context, matrix):
    page = new_context(**PHONE).new_page()
    page.goto(f"/matrices/{matrix}/")
    links = page.locator("td.grid-cell a.grid-cell-link")
    # All 25 cells of the demo matrices are published, so each one links to its page.
    expect(links).to_have_count(25)
    width = page.viewport_size["width"]
    for link in links.all():
        link.scroll_into_view_if_needed()
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
        # Large enough to hit with a finger (WCAG 2.2 target size minimum: 24 x 24 CSS px).
        assert box["height"] >= 24 and box["width"] >= 24, (link.inner_text(), box)
        # Nothing covers it: Playwright's actionability checks, without navigating.
        link.tap(trial=True)

    e4 = page.locator(f"td#{matrix}-cell-E4 a")
    e4.tap()
    expect(page).to_have_url(re.compile(rf"/matrices/{matrix}/E4/$"))
    expect(page.locator("h1")).to_contain_text("E4")


def test_cell_page_is_usable_on_a_phone(new_context):
    page = new_context(**PHONE).new_page()
    page.goto("/matrices/alcohol/E4/")
    summary = page.locator("details#bite > summary")
    summary.tap()
    expect(page.locator("#medication-share")).to_be_visible()
    # A note opens on tap, and stays inside the screen.
    trigger = page.locator(".entry .annotation .note-phrase").first
    trigger.tap()
    note = trigger.locator("xpath=following-sibling::span[@role='tooltip']")
    expect(note).to_be_visible()
    box = note.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box


def test_copy_title_and_link(new_context):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(DOCUMENT)
    field = page.get_by_label("Title and address, ready to paste")
    expect(field).to_have_value(re.compile(re.escape(DOCUMENT_TITLE)))
    button = page.get_by_role("button", name="Copy", exact=True)
    expect(button).to_be_visible()
    button.click()
    expect(page.locator(".copy-box .copy-status")).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == field.input_value()
    assert copied.endswith(page.url)


def test_copy_title_and_link_without_javascript(nojs_page):
    page = nojs_page
    page.goto(DOCUMENT)
    field = page.get_by_label("Title and address, ready to paste")
    expect(field).to_be_visible()
    expect(field).to_have_attribute("readonly", "")
    value = field.input_value()
    assert value.startswith(DOCUMENT_TITLE)
    assert value.endswith(page.url)
    # Without the script there is nothing for a Copy button to do, so it stays hidden.
    expect(page.get_by_role("button", name="Copy", exact=True)).to_be_hidden()


def test_a_brief_prints_without_the_site_around_it(page):
    page.goto("/brief/?cells=alcohol/E4,alcohol/E3")
    expect(page.locator("form.brief-add")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in ("header.site-header", "footer.site-footer", ".breadcrumbs", "form.brief-add"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator(".brief-tools").first).to_be_hidden()
    expect(page.locator(".brief-formats")).to_be_hidden()
    expect(page.locator(".brief-cell h2").first).to_be_visible()
    expect(page.locator(".brief-citation").first).to_be_visible()
