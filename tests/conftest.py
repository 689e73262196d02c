import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

# Redis servers of the tests' own (redis_server, silent_port).
pytest_plugins = ["tests.redis_servers"]


class DemoContent:
    """The demo content, loaded and committed once per test session (per xdist worker) into
    the test database, beside what the migrations put there.

    Tests that ask for `demo` see it; every other database test starts from an empty bank,
    because `_bank_without_the_demo` deletes the demo's rows inside that test's own
    transaction, which is rolled back after it. A transactional test commits for real and
    ends with a flush that empties every table: `restore` then puts back the migrations'
    rows and the demo, so the order of the tests never matters.
    """

    def __init__(self):
        self.migrated = None  # the database as the migrations left it, serialised
        self.rows = {}  # {model: primary keys the demo added}

    def load(self):
        before = self._primary_keys()
        call_command("load_demo", verbosity=0)
        after = self._primary_keys()
        self.rows = {
            model: after[model] - before.get(model, set())
            for model in after
            if after[model] - before.get(model, set())
        }

    def setup(self):
        self.migrated = connection.creation.serialize_db_to_string()
        self.load()

    def remove(self):
        """Delete the demo's rows: undone with the test's transaction, or committed for a
        transactional test. Foreign keys are checked at commit, so in one transaction the order
        of the deletions does not matter."""
        with transaction.atomic():
            for model, keys in self.rows.items():
                model._base_manager.filter(pk__in=keys)._raw_delete(connection.alias)

    def restore(self):
        """After a transactional test's flush: the migrations' rows, then the demo again.
        The post-migrate rows (content types, permissions) the flush re-created are flushed
        first, since the serialised ones carry their own primary keys, and the content types
        cached under the re-created keys are forgotten."""
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(self.migrated)
        # The rows come back with their keys, but PostgreSQL's sequences were reset by the
        # flush: move them past those keys, or the demo's next row (a vocabulary term) collides.
        statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        ContentType.objects.clear_cache()
        self.load()

    @staticmethod
    def _primary_keys():
        return {
            model: set(model._base_manager.values_list("pk", flat=True))
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }


_demo = DemoContent()


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """The test database, migrated (by pytest-django), with the demo content committed."""
    if request.config.getvalue("reuse_db"):
        # A kept database holds the last run's demo: it could not tell the demo's rows apart.
        raise pytest.UsageError("--reuse-db is not supported: the demo is loaded per run")
    with django_db_blocker.unblock():
        _demo.setup()


def _uses_the_database(item):
    return bool(
        item.get_closest_marker("django_db")
        or {"db", "transactional_db", "live_server", "django_db_reset_sequences"}
        & set(item.fixturenames)
    )


def _commits_for_real(item):
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    return transactional or bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames)
    )


@pytest.fixture(autouse=True)
def _bank_without_the_demo(request, django_db_blocker):
    """Every database test but those asking for `demo` starts from an empty bank; after a
    transactional test, the database is as the session set it up."""
    if not _uses_the_database(request.node):
        yield
        return
    # The test's own database fixture first, so the deletion happens inside its transaction
    # (and, for a transactional test, the flush happens before the restore below).
    request.getfixturevalue("_django_db_helper")
    if "demo" not in request.fixturenames:
        with django_db_blocker.unblock():
            _demo.remove()
    yield
    if _commits_for_real(request.node):
        with django_db_blocker.unblock():
            _demo.restore()


@pytest.fixture
def demo(db):
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
