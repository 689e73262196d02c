"""Browser tests: Playwright (sync API) driving Debian's Chromium against the live server.

Run on their own: ``.venv/bin/pytest tests/browser -q`` (``make test-browser``).

Every page a test opens is watched: a console error or an uncaught page error fails the test,
even when the test's own assertions passed.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an asyncio event loop in this thread; Django would otherwise refuse
# the ORM calls (loading the demo content, flushing the database) made from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import sync_playwright  # noqa: E402

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Short enough to keep a broken run quick, long enough for a loaded CI machine.
TIMEOUT_MS = 5_000


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents and not item.get_closest_marker("browser"):
            raise pytest.UsageError(f"{item.nodeid} must be marked with pytest.mark.browser")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a passing test body, fail it if its pages logged console or page errors."""
    result = yield
    errors = item.funcargs.get("browser_errors")
    if errors is not None:
        errors.check()
    return result


class BrowserErrors:
    """Console errors and uncaught exceptions from every page of a test's contexts."""

    def __init__(self):
        self.messages = []

    def watch(self, context):
        context.on("console", self._console)
        context.on("weberror", self._page_error)

    def _console(self, msg):
        if msg.type == "error":
            where = msg.page.url if msg.page else "?"
            self.messages.append(f"console error on {where}: {msg.text} ({msg.location})")

    def _page_error(self, web_error):
        where = web_error.page.url if web_error.page else "?"
        self.messages.append(f"page error on {where}: {web_error.error}")

    def take(self):
        taken, self.messages = self.messages, []
        return taken

    def check(self):
        errors = self.take()
        assert not errors, "The browser reported errors:\n" + "\n".join(errors)


@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)")
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's base URL, with the demo content loaded (as `make run` loads it)."""
    from studies.models import Country
    from tests.conftest import _demo

    if not Country.objects.exists():
        # The last live-server test's flush came after the session's restore and took the
        # migrations' rows with it (the countries and vocabularies the demo names): put
        # them back, with the demo.
        _demo.restore()
    else:
        call_command("load_demo", verbosity=0)
    return live_server.url


@pytest.fixture
def browser_errors():
    return BrowserErrors()


@pytest.fixture
def new_context(browser, site, browser_errors):
    """Make a browser context on the live site; every page it opens is watched for errors."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=site, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS * 2)
        browser_errors.watch(context)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A fresh page with JavaScript on, desktop size."""
    return new_context(viewport={"width": 1280, "height": 900}).new_page()


@pytest.fixture
def nojs_page(new_context):
    """A fresh page with JavaScript switched off."""
    return new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    ).new_page()


@pytest.fixture
def editor_page(sign_in_editor):
    """A signed-in editor's page on a desktop."""
    return sign_in_editor()


@pytest.fixture
def sign_in_editor(new_context, site):
    """Signs in a new editor ("ed", in the Editors group) on a desktop-sized page of a new
    browser context (``context_options``: without JavaScript, say), and gives the page."""
    from django.contrib.auth.models import Group, User

    def sign_in(email="", **context_options):
        user = User.objects.create_user(
            "ed", email=email, password="a long pass phrase", is_staff=True
        )
        user.groups.add(Group.objects.get(name="Editors"))
        context = new_context(viewport={"width": 1280, "height": 900}, **context_options)
        page = context.new_page()
        page.goto("/admin/login/")
        page.fill("#id_username", "ed")
        page.fill("#id_password", "a long pass phrase")
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/")
        return page

    return sign_in
