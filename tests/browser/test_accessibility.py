"""Every page type passes axe-core's WCAG 2.2 AA rules, at desktop width and on a phone, and
shows no Content-Security-Policy violation (public pages and the editors' admin alike)."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGE_TYPES = [
    "/",
    "/matrices/alcohol/",
    "/matrices/drug/?row=4",
    "/matrices/alcohol/?country=GB",
    "/matrices/alcohol/E4/?country=GB&design=randomised-trial",
    "/matrices/alcohol/E4/evidence/?sort=-certainty",
    "/methods/",
    "/matrices/alcohol/E4/",
    "/matrices/alcohol/E4/?bite=open",
    "/matrices/drug/E4/",
    "/matrices/alcohol/A1/",
    "/matrices/alcohol/rows/4/",
    "/documents/timko-debenedetti-2007-intensive-referral/",
    "/documents/nugget-4-3-mutual-supports/",
    "/topics/",
    "/topics/twelve-step-mutual-aid/",
    "/subjects/",
    "/subjects/case-management/",
    "/search/?q=mutual+aid",
    "/search/?q=xylophone+quantum",
    "/matrices/alcohol/E4/comment/",
    "/matrices/alcohol/E4/suggest/",
    "/subscribe/?follow=cell:alcohol/E4",
    "/bulletins/",
    "/documents/no-such-document/",
    "/brief/?cells=alcohol/E4,drug/E4,alcohol/E3",
    "/brief/?cells=alcohol/E4,alcohol/Z9,nonsense",
]
# Pages made by a library: held to the policy, not to axe (Swagger UI's own markup).
LIBRARY_PAGES = ["/api/v1/docs"]
ADMIN_PAGES = [
    "/admin/",
    "/admin/matrix/cell/{e4}/change/",
    "/admin/studies/document/{timko}/change/",
    "/admin/studies/document/{timko}/history/",
    "/admin/studies/document/import/",
    "/admin/studies/document/?q=timko&decade=2000",
    "/admin/guide/markup/",
    "/admin/guide/links/?q=timko",
    "/admin/readers/bulletin/add/",
]
WIDTHS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


def violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_passes_wcag_2_2_aa(new_context, browser_errors, width):
    assert AXE.exists(), "axe-core is missing: npm ci (make test-browser does it)"
    # axe is injected as a script; the pages' own policy would rightly refuse it.
    page = new_context(bypass_csp=True, **WIDTHS[width]).new_page()
    found = {}
    for path in PAGE_TYPES:
        page.goto(path)
        problems = violations(page)
        if problems:
            found[path] = problems
    assert found == {}
    errors = [e for e in browser_errors.take() if "404 (Not Found)" not in e]
    assert errors == []  # only the not-found page's own 404


def test_no_page_type_breaks_the_content_security_policy(new_context, browser_errors):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    reported = []
    page.on("console", lambda m: reported.append(m.text) if "Content Security" in m.text else None)
    for path in PAGE_TYPES + LIBRARY_PAGES:
        page.goto(path)
        page.wait_for_load_state("load")
    user = User.objects.create_user("ed", password="a long pass phrase", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    page.goto("/admin/login/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", "a long pass phrase")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    from matrix.models import Cell
    from studies.models import Document

    ids = {
        "e4": Cell.objects.with_labels().by_key("alcohol", "E4").pk,
        "timko": Document.objects.get(slug="timko-debenedetti-2007-intensive-referral").pk,
    }
    for path in ADMIN_PAGES:
        page.goto(path.format(**ids))
        page.wait_for_load_state("load")
    assert reported == []
    browser_errors.take()  # 404s of the not-found page are expected; CSP is what this checks
