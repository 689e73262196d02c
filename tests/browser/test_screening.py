"""Issue 20's "done when", in a real browser: an editor screens five candidates by keyboard
alone (Tab, Space, typing in the menus, Enter), includes one as a draft with a suggested role,
and E4's page then says when its literature was last searched."""

import pytest

from tests.factories import get_cell
from tests.fake_literature import FakeLiterature
from watch import services
from watch.models import Candidate, ExclusionReason, Watch

pytestmark = pytest.mark.browser


def five_test_records():
    return "\n\n".join(
        f"PMID- {9100000 + n}\nTI  - Test record {n} on mutual aid after treatment.\n"
        f"AU  - Tester A\nDP  - 2026\nTA  - Test J\nAB  - A test abstract {n} about mutual aid.\n"
        for n in range(5)
    )


def focused(page, selector):
    return page.evaluate(
        "(s) => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page, selector, back=False):
    """Press Tab (or Shift+Tab) until ``selector`` has the focus, as a keyboard user would."""
    for _ in range(150):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"the keyboard never reached {selector}")


def choose_action(page, typed):
    """Shift+Tab up to the action menu and type the start of the action's name."""
    tab_to(page, "select[name=action]", back=True)
    page.keyboard.type(typed)


def go(page):
    tab_to(page, "button[name=index]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def tick(page, rows):
    """Tab down to each row's check box in turn and tick it with Space."""
    for row in rows:
        tab_to(page, f"tr:nth-child({row + 1}) input.action-select")
        page.keyboard.press("Space")


def test_an_editor_screens_five_by_keyboard_and_e4_says_when_it_was_searched(editor_page, settings):
    e4 = get_cell("alcohol", "E4")
    ExclusionReason.objects.get_or_create(name="Wrong study design", defaults={"order": 4})
    with FakeLiterature() as fake:
        settings.PUBMED_EUTILS_URL = fake.url + "eutils/"
        fake.answer(
            "/eutils/esearch",
            {"esearchresult": {"count": "5", "webenv": "MCID_TEST", "querykey": "1"}},
        )
        fake.answer("/eutils/efetch", five_test_records())
        watch, _ = Watch.objects.get_or_create(
            cell=e4, source="pubmed", kind="search", defaults={"query": "mutual aid"}
        )
        run = services.run_watch(watch)
    assert run.new == 5

    page = editor_page
    page.goto(f"/admin/watch/candidate/?status__exact=unscreened&cell__id__exact={e4.pk}")
    assert "Records found</th><td>5" in page.content()

    tick(page, [0])
    choose_action(page, "Include")
    go(page)
    assert "is a draft, suggested for" in page.inner_text(".messagelist")
    assert ", as K." in page.inner_text(".messagelist")

    page.goto(f"/admin/watch/candidate/?status__exact=unscreened&cell__id__exact={e4.pk}")
    tick(page, [0, 1])
    choose_action(page, "Exclude")
    tab_to(page, "select[name=reason]")
    page.keyboard.type("Wrong study")
    go(page)
    assert "Excluded 2 (Wrong study design)." in page.inner_text(".messagelist")

    page.goto(f"/admin/watch/candidate/?status__exact=unscreened&cell__id__exact={e4.pk}")
    tick(page, [0, 1])
    choose_action(page, "Maybe")
    go(page)
    assert "Marked 2 as maybe." in page.inner_text(".messagelist")

    statuses = sorted(Candidate.objects.filter(cell=e4).values_list("status", flat=True))
    assert statuses == ["excluded", "excluded", "included", "maybe", "maybe"]
    draft = Candidate.objects.get(status="included").document
    assert draft.status == "draft" and draft.title.startswith("Test record")

    page.goto(e4.get_absolute_url())
    line = page.inner_text("p.cell-note")
    assert line.startswith("Literature last searched ") and line.endswith(
        ": 5 records found, 1 screened in."
    )
