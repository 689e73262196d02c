import contextlib

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import transaction

# Redis servers of the tests' own (redis_server, silent_port).
pytest_plugins = ["tests.redis_servers"]


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


_demo_transactions = []  # the module transaction holding the demo content, while it is open


def _roll_back_demo_content():
    while _demo_transactions:
        transaction.set_rollback(True)
        _demo_transactions.pop().close()


@pytest.fixture(scope="module")
def _demo_content(django_db_setup, django_db_blocker):
    """The demo content, loaded once per test module inside a transaction that is rolled
    back when the module is done. Each test still runs in its own savepoint, so whatever a
    test changes is undone after it, as with the ordinary `db` fixture."""
    with django_db_blocker.unblock():
        stack = contextlib.ExitStack()
        stack.enter_context(transaction.atomic())
        _demo_transactions.append(stack)
        try:
            call_command("load_demo", verbosity=0)
            yield
        finally:
            _roll_back_demo_content()


@pytest.fixture(autouse=True)
def _real_commits_outside_the_demo_transaction(request, django_db_blocker):
    """A test that commits for real must not run inside a module's demo transaction. Run
    alone, a module's transactional test follows its demo tests before pytest ends the module
    fixture: roll the demo content back first (on PostgreSQL its flush would otherwise meet
    the demo rows' deferred foreign-key checks, and a worker process would not see its rows)."""
    if _flushes_the_database(request.node):
        with django_db_blocker.unblock():
            _roll_back_demo_content()


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

    from ops import ratelimits
    from ops import redis as guarded
    from pagecache import versions as pagecache

    def forget():
        for alias in ("default", "pages"):
            caches[alias].clear()
        pagecache.forget_marks()
        ratelimits.forget_local_counts()
        guarded.reset()

    forget()
    yield
    forget()
