import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import transaction


def _flushes_the_database(item):
    """Transactional tests end with a flush, which also empties what migrations put in (the
    starting synonym list, for one), so they run after every other test, as pytest-django
    would order them."""
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    return transactional or bool({"transactional_db", "live_server"} & set(item.fixturenames))


def pytest_collection_modifyitems(items):
    """Within each module, run the tests that use the demo content last, so the tests that
    do not use it always start from an empty database (see `_demo_content`)."""
    modules = {}
    for item in items:
        modules.setdefault(item.path, len(modules))
    items[:] = sorted(
        items,
        key=lambda item: (
            _flushes_the_database(item),
            modules[item.path],
            "demo" in item.fixturenames,
        ),
    )


@pytest.fixture(scope="module")
def _demo_content(django_db_setup, django_db_blocker):
    """The demo content, loaded once per test module inside a transaction that is rolled
    back when the module is done. Each test still runs in its own savepoint, so whatever a
    test changes is undone after it, as with the ordinary `db` fixture."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_content, db):
    """The demo content from fixtures/, loaded as `make run` loads it."""


@pytest.fixture
def e4(demo):
    from matrix.models import Cell

    return Cell.objects.with_labels().by_key("alcohol", "E4")


@pytest.fixture
def editor(demo):
    user = User.objects.create_user("ed", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters, stored pages and anything else cached never leak from one test to
    the next."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()
    yield
    for alias in ("default", "pages"):
        caches[alias].clear()
