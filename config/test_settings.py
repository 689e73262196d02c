"""Settings for the test suite: the site's own settings, made fast and self-contained.

Chosen explicitly (pyproject.toml's DJANGO_SETTINGS_MODULE), never detected.
"""

import os

from .settings import *  # noqa: F403
from .settings import STORAGES

SECRET_KEY = "tests-only-secret-key-never-used-to-serve"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}

# A worker process started by a test (tests/workers.py) must reach the test database, so on
# SQLite the test database is a file rather than memory.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405

# Tests that run a real worker switch to the database backend (TEST_TASKS=db in the worker).
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
if os.environ.get("TEST_TASKS") == "db":
    TASKS = DATABASE_TASKS

# The page cache is on for the whole suite, in memory: every test that edits and then reads a
# page as a reader also checks that the edit dropped the stored page. Emptied between tests
# (tests/conftest.py), since a test's rolled-back rows leave no trace the cache would see.
PAGE_CACHE_ENABLED = True
PAGE_CACHE_RELEASE = "tests"
CACHES = {
    **CACHES,  # noqa: F405
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}

# Search slots of this test run's own: other runs on the machine must not hold them.
SEARCH_SLOTS_DIR = os.path.join(SEARCH_SLOTS_DIR, f"tests-{os.getpid()}")  # noqa: F405
# No rest between searches (tests/test_search_limits.py sets a share where it tests the rest).
SEARCH_MACHINE_SHARE = 1.0
