"""Settings for the evidence bank, read from the environment.

SQLite unless DATABASE_URL is set (then PostgreSQL through psycopg 3). SECRET_KEY and
ALLOWED_HOSTS must be given in production; with DEBUG on they fall back to development values.
The test suite uses config.test_settings, which starts from these.
"""

import hashlib
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
SECRET_KEY_FROM_ENVIRONMENT = bool(SECRET_KEY)
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "development-only-secret-key-never-use-in-production"
    else:
        # Management commands (migrate, makemigrations --check) may run without one; the web
        # entry points, config/wsgi.py and config/asgi.py, refuse to serve with this key.
        from django.core.management.utils import get_random_secret_key

        SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS and DEBUG:
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "workplace.apps.EvidenceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # search fields and lookups (unused on SQLite, harmless)
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "editorial",
    "mail",
    "markup",
    "matrix",
    "studies",
    "topics",
    "search",
    "subjects",
    "citations",
    "cite",
    "briefs",
    "feeds",
    "api",
    "ninja",
    "corsheaders",
    "feedback",
    "readers",
    "watch",
    "ops",
    "pagecache",
    # Last of the project's apps: imports every app's hooks.py (see hooks/__init__.py).
    "hooks",
    # After ops, whose db_worker (the library's, kept alive through database outages)
    # takes the place of the library's own.
    "django_tasks_db",
    "frontpage",
    # After the content apps: the Editors group it keeps is given their permissions.
    "workplace",
    "demo",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ops.middleware.RequestIdMiddleware",
    # Outside WhiteNoise, so static files get these headers too.
    "ops.middleware.SecurityHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before anything reads a body (StripControlCharactersMiddleware reads forms), after the
    # headers, so its 413 page carries them.
    "config.middleware.RequestBodyLimitMiddleware",
    "config.middleware.ApiAddressLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 304s for every page; then gzip/brotli for responses holding no secret (BREACH).
    "django.middleware.http.ConditionalGetMiddleware",
    "ops.compression.CompressionMiddleware",
    "config.middleware.StripControlCharactersMiddleware",
    # Before sessions, CSRF and authentication: a cached page costs none of them.
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
X_FRAME_OPTIONS = "DENY"  # previews in the admin are srcdoc frames, not loaded pages

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # JIT compiling pays off for long analytic queries, not for a web page's: on a search
    # with many matches it spent 150 ms compiling a query that then ran in 20.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The server and the task worker share the file: write-ahead logging lets them read
    # while the other writes, and commits need not each wait for the disk.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
    )
    # Every transaction takes SQLite's one write lock as it begins, waiting its turn (the
    # busy timeout). A transaction that read first could not write once another had
    # committed ("database is locked", a 500), and two editors' saves would read each
    # other's stale rows.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Production hardening, switched on when DEBUG is off and the site is served over HTTPS.
HTTPS = not DEBUG and env_bool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a proxy that is not on this machine, a health check from it is still plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/worker)?$"]

# A strict Content-Security-Policy (Django's own): nothing inline without a nonce, and the
# public pages use none, so they stay cacheable.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "upgrade-insecure-requests": HTTPS,
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()"
)
CROSS_ORIGIN_PATHS = ("/api/",)  # may be read by other sites (Cross-Origin-Resource-Policy)

# Sign-in throttling (django-axes): 5 wrong passwords for one account from one address lock
# it for an hour; `manage.py axes_reset_username NAME` (or axes_reset) unlocks at once.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Behind PROXY_COUNT trusted proxies, the reader's address is that far from the right of
# X-Forwarded-For (sign-in and form limits both use it).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "ops.ip.client_ip"
RATELIMIT_IP_META_KEY = "ops.ip.client_ip"

# Health: the worker must have beaten within this many seconds.
HEALTH_HEARTBEAT_SECONDS = 30
HEALTH_WORKER_MAX_AGE = int(os.environ.get("HEALTH_WORKER_MAX_AGE", "120"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "ops.logging.RequestIdFilter"},
        "quiet_heartbeat": {"()": "ops.logging.QuietHeartbeatFilter"},
    },
    "formatters": {
        "json": {"()": "ops.logging.JsonLogFormatter"},
        "plain": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            # JSON lines in production, for the log collector; readable text in development.
            "formatter": os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own logging gives "django" a console handler of its own when DEBUG is on;
        # its records also reached the root's, so each line was printed twice. Now only the
        # root's prints them (runserver's request lines, "django.server", too, with the id).
        "django": {"handlers": [], "level": "INFO"},
        # The worker's heartbeat every 30 s, at DEBUG (`db_worker -v 2` shows it).
        "django.tasks": {"filters": ["quiet_heartbeat"]},
        "django.db.backends": {"level": "INFO"},
        # It reports each unreadable BibTeX entry; the importer names them to the editor.
        "bibtexparser": {"level": "ERROR"},
        "axes": {"level": "WARNING"},  # lockouts, not every start and failed attempt
    },
}

# Error reporting to Sentry, when SENTRY_DSN is set.
if os.environ.get("SENTRY_DSN"):
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=os.environ["SENTRY_DSN"],
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
    )

SITE_NAME = "Evidence Bank"

# In development WhiteNoise serves straight from the app and static folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Limits. A markup text (annotation, essay section…) may be this many bytes; a request this
# large or with this many fields. A bigger request gets the site's own 413 or 400 page,
# explaining what to do.
MARKUP_MAX_BYTES = int(os.environ.get("MARKUP_MAX_BYTES", 200_000))
# The whole body of any request, file parts and chunked bodies included, is refused with 413
# over REQUEST_MAX_BYTES before any of it is read (config.middleware.RequestBodyLimitMiddleware):
# Django's own DATA_UPLOAD_MAX_MEMORY_SIZE counts only the fields that are not files.
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", 2_621_440))
# The editors' citation import (files of RIS, BibTeX, CSL-JSON…, each up to 5 MB) takes more,
# and only from signed-in staff.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 10_485_760))
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
# An uploaded file up to this size is kept in memory, larger ones go to a temporary file. The
# same as the request limit, so a request anyone may send (public forms take no files) never
# writes to disk; only the import's larger uploads from staff can.
FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1_000
# An API address (path and query) longer than this is refused with the API's 414
# (config.middleware.ApiAddressLimitMiddleware); browsers and proxies take 8 KB request lines.
API_MAX_ADDRESS_BYTES = 4_096
# A cell's admin page shows this many entries at a time, so its form stays within the limit.
ADMIN_ENTRIES_PER_PAGE = 20

# Living evidence (watch/): the sources' public services by default, each replaceable (a
# mirror, a proxy, a test server); the contact address they ask clients to send; NCBI's key
# raises PubMed's limit from 3 to 10 requests a second. The worker runs watches by itself
# only when WATCH_SCHEDULING is on and an editor has turned scheduling on in the admin.
PUBMED_EUTILS_URL = os.environ.get(
    "PUBMED_EUTILS_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
)
CROSSREF_API_URL = os.environ.get("CROSSREF_API_URL", "https://api.crossref.org/")
OPENALEX_API_URL = os.environ.get("OPENALEX_API_URL", "https://api.openalex.org/")
WATCH_CONTACT_EMAIL = os.environ.get("WATCH_CONTACT_EMAIL", "")
NCBI_API_KEY = os.environ.get("NCBI_API_KEY", "")
WATCH_SCHEDULING = env_bool("WATCH_SCHEDULING")

# Mail. Absolute links in emails start with SITE_URL. SMTP is configured from the environment;
# without EMAIL_HOST, mail is written to files in EMAIL_FILE_PATH (development: read it there
# or in the admin under Outgoing mail). EMAIL_BACKEND may name another backend (django-anymail).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Evidence Bank <bulletins@localhost>")
EDITORS_EMAIL = os.environ.get("EDITORS_EMAIL", "editors@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = 30
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
)
MAIL_ID_DOMAIN = urlsplit(SITE_URL).hostname or "localhost"
MAIL_BATCH = 50  # rows a worker claims at a time
MAIL_SEND_RATE = float(os.environ.get("MAIL_SEND_RATE", "0"))  # per second; 0: no limit
MAIL_LEASE_SECONDS = int(os.environ.get("MAIL_LEASE_SECONDS", "300"))
MAIL_MAX_ATTEMPTS = 6
MAIL_RETRY_DELAYS = [60, 300, 1800, 7200, 43200]  # seconds after the 1st, 2nd… failure
MAIL_TASK_SECONDS = 55  # one sending task's time budget; it queues another to go on

# The methods page states who funds the bank and the licence its content may be reused under.
# Set them to the facts of this installation: the defaults claim no funder, and license only
# the site's own writing.
BANK_FUNDING_STATEMENT = os.environ.get(
    "BANK_FUNDING_STATEMENT",
    "Those who run this copy of the Evidence Bank have not yet published who funds it.",
)
CONTENT_LICENCE = os.environ.get(
    "CONTENT_LICENCE",
    "CC BY 4.0 for the site's own writing (headlines, annotations, Matrix Bites, verdict "
    "cards and appraisals); abstracts and other third-party material remain their owners'.",
)
CONTENT_LICENCE_URL = os.environ.get(
    "CONTENT_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)

# Readers: sign-ups are limited per IP and per address (django-ratelimit, in the cache).
READERS_SUBSCRIBE_RATE_IP = os.environ.get("READERS_SUBSCRIBE_RATE_IP", "10/h")
READERS_SUBSCRIBE_RATE_EMAIL = os.environ.get("READERS_SUBSCRIBE_RATE_EMAIL", "3/h")
# Messages to the editors (comments, suggestions, consultation responses) per IP.
FEEDBACK_RATE = os.environ.get("FEEDBACK_RATE", "10/h")
# Briefs as PDF (WeasyPrint, CPU-heavy) per IP.
BRIEF_PDF_RATE = os.environ.get("BRIEF_PDF_RATE", "20/h")
# Search (search/limits.py): per IP; at most this many at once in each process, so a search
# never holds every thread of a gunicorn worker (WEB_THREADS, gunicorn.conf.py); and seconds
# its SQL may run.
SEARCH_RATE = os.environ.get("SEARCH_RATE", "60/m")
SEARCH_CONCURRENCY = int(
    os.environ.get("SEARCH_CONCURRENCY", max(1, int(os.environ.get("WEB_THREADS", "2")) - 1))
)
SEARCH_TIMEOUT = float(os.environ.get("SEARCH_TIMEOUT", "3"))
# ...and at most this many on one machine, over all its processes, so a core is left for
# pages; the slots are lock files in SEARCH_SLOTS_DIR (one folder per checkout by default).
SEARCH_MACHINE_CONCURRENCY = int(
    os.environ.get("SEARCH_MACHINE_CONCURRENCY", max(1, (os.cpu_count() or 2) - 1))
)
# The most of each machine slot's time searches may use: after a search the slot rests, so
# that under a flood of searches pages keep CPU (search/limits.py). 1 for no rest.
SEARCH_MACHINE_SHARE = min(1.0, max(0.05, float(os.environ.get("SEARCH_MACHINE_SHARE", "0.5"))))
SEARCH_SLOTS_DIR = os.environ.get("SEARCH_SLOTS_DIR") or os.path.join(
    tempfile.gettempdir(), f"evidence-bank-search-{hashlib.sha1(bytes(BASE_DIR)).hexdigest()[:8]}"
)
# An "as it happens" bulletin waits this long after a change, so a burst of saves is one email.
READERS_IMMEDIATE_DELAY = int(os.environ.get("READERS_IMMEDIATE_DELAY", "600"))
# Redis when REDIS_URL is set (shared by every app server and worker); otherwise memory,
# and for the page cache files, which every process on this machine shares.
REDIS_URL = os.environ.get("REDIS_URL", "")
# A Redis that is down or hangs must slow nothing down (ops/redis.py): seconds to connect and
# to wait for a reply, then how long this process stops asking after a failure.
REDIS_CONNECT_TIMEOUT = float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.25"))
REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.5"))
REDIS_RETRY_SECONDS = float(os.environ.get("REDIS_RETRY_SECONDS", "2"))
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"pool_class": "ops.redis.GuardedPool"},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    "pages": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
            "OPTIONS": {"pool_class": "ops.redis.GuardedPool"},
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("PAGE_CACHE_DIR", str(BASE_DIR / "var" / "page-cache")),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    ),
}

# Commands import_bank runs after loading a bank: what is derived from it is built again.
BANK_AFTER_IMPORT = ["rebuild_search_index"]

# Whole pages for anonymous readers (the pagecache app), dropped exactly when what they show
# changes. On unless DEBUG (templates edited in development would not show), or PAGE_CACHE=0.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", not DEBUG)
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", str(24 * 3600)))
PAGE_CACHE_RELEASE = os.environ.get("PAGE_CACHE_RELEASE", "")  # default: digest of the code
# The apps (or app.model) whose rows pages show; a save of one drops the pages showing it.
PAGE_CACHE_CONTENT = [
    "taggit",
    "markup",
    "studies",
    "matrix",
    "topics",
    "readers.bulletin",
]
# Never stored: editors' screens, search and its feed and exports (a page per query), the
# subscription screens (a token in the address), health, webhooks, and the API (its answers
# carry ETags; clients and shared caches revalidate every time).
PAGE_CACHE_SKIP_PATHS = [
    "/admin/", "/search/", "/feeds/search/", "/cite/search", "/subscribe/", "/subscription/",
    "/unsubscribe/", "/healthz", "/anymail/", "/api/",
]  # fmt: skip
# Query parameters pages understand; any other makes the request uncached, so made-up
# parameters cannot fill the cache.
PAGE_CACHE_QUERY_KEYS = ["page", "bite", "row", "col", "country", "design", "sort", "cells", "view"]

# The open API (/api/v1/) may be read from any origin; nothing else may.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
