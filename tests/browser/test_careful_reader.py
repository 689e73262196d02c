"""What a careful reader noticed (issue 21), checked as the browser draws it: no word broken
inside itself on the home page, a grid or a cell, on a phone or a desktop; no page type
wider than a phone; a chart pointed at shows the highlight; a whole section pointed at does
not turn yellow."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CELL = "/matrices/alcohol/E4/"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}

# Every word of four letters or more in the page's main part whose letters the browser put
# on more than one line. Left out: what is hidden (clipped to a pixel, or in a closed
# <details>, which has no boxes) and text that may break anywhere on purpose (addresses).
BROKEN_WORDS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const element = node.parentElement;
    if (!element || element.closest("code, textarea, .citation, .formatted-citation")) continue;
    const box = element.getBoundingClientRect();
    if (box.width <= 2 || box.height <= 2) continue;
    const words = /[A-Za-z\\u00C0-\\u024F]{4,}/g;
    let match;
    while ((match = words.exec(node.data))) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
      const lines = new Set(rects.map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("address", ["/", "/matrices/alcohol/", "/matrices/drug/", CELL])
def test_no_word_is_broken_inside_itself(new_context, size, address):
    page = new_context(viewport=SIZES[size]).new_page()
    page.goto(address)
    assert page.evaluate(BROKEN_WORDS) == [], f"{address} at {size}"


@pytest.mark.parametrize(
    "address",
    [
        "/documents/humphreys-2020-twelve-step-six-trials/",  # a DOI at the end of its citation
        "/documents/nugget-4-3-mutual-supports/",
        "/matrices/alcohol/rows/4/",
        "/matrices/alcohol/E4/evidence/",
        "/subjects/",
        "/subjects/mutual-aid/",
        "/topics/",
        "/methods/",
        "/brief/?cells=alcohol/E4",
        "/subscribe/?follow=cell:alcohol/E4",
        "/bulletins/",
        "/search/?sort=newest",
    ],
)
def test_no_page_type_is_wider_than_a_phone(new_context, address):
    page = new_context(viewport=SIZES["phone"], is_mobile=True, has_touch=True).new_page()
    page.goto(address)
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width <= inner, f"{address} is {width}px wide in a {inner}px window"


def background(page, selector):
    return page.locator(selector).evaluate("el => getComputedStyle(el).backgroundColor")


def test_a_chart_pointed_at_shows_the_highlight(page):
    page.goto(CELL + "?bite=open")
    chart = "#chart-timko-2007-referral-outcomes"
    plain = background(page, chart)
    page.goto(CELL + "?bite=open" + chart)
    highlight = page.evaluate(
        "() => { const probe = document.createElement('span');"
        " probe.style.background = 'var(--highlight)'; document.body.append(probe);"
        " const colour = getComputedStyle(probe).backgroundColor; probe.remove(); return colour; }"
    )
    assert highlight != plain
    # The highlight fades in (a short animation): the colour it settles on is the figure's.
    expect(page.locator(chart)).to_have_css("background-color", highlight)


def test_a_whole_section_pointed_at_is_not_highlighted(page):
    page.goto(CELL + "#entries")
    assert background(page, "#entries") == "rgba(0, 0, 0, 0)"


def test_the_editors_dashboard_fits_a_phone(new_context, site):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("phone-ed", password="a long pass phrase", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    page = new_context(viewport=SIZES["phone"], is_mobile=True, has_touch=True).new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", "phone-ed")
    page.fill("#id_password", "a long pass phrase")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width <= inner, f"the dashboard is {width}px wide in a {inner}px window"
    # Column headers keep their words whole ("E N T RI E S" was one per line).
    heights = page.locator(".dashboard-table th").evaluate_all(
        "cells => cells.map(th => [th.textContent, th.getClientRects()[0].height,"
        " parseFloat(getComputedStyle(th).lineHeight) || 20])"
    )
    assert heights
    for text, height, line in heights:
        assert height < 2.5 * line, f"the header {text!r} takes {height}px"
