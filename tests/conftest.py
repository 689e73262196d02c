import pytest
from django.core.management import call_command
from django.db import transaction


def pytest_collection_modifyitems(items):
    """Within each module, run the tests that use the demo content last, so the tests that
    do not use it always start from an empty database (see `_demo_content`)."""
    modules = {}
    for item in items:
        modules.setdefault(item.path, len(modules))
    items[:] = sorted(items, key=lambda item: (modules[item.path], "demo" in item.fixturenames))


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
