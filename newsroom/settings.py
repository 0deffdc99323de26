"""Newsroom settings: one file, every deploy-time value from the environment.

Development needs nothing set: SQLite, DEBUG off unless asked for, and the random
SECRET_KEY that `make run` / `make test` (deploy/make-env) write to the git-ignored `.env`,
read here beneath the real environment. With DEBUG off, a missing, published, placeholder or
weak key stops the process (core.secret_key).
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from core.secret_key import secret_key_problem

BASE_DIR = Path(__file__).resolve().parent.parent
# Variables already in the environment win over the file's.
load_dotenv(BASE_DIR / ".env", override=False)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG and (problem := secret_key_problem(SECRET_KEY)):
    # Anyone holding the key can sign preview links and sessions: never start with a known one.
    raise ImproperlyConfigured(problem)
if not SECRET_KEY:
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "editorial.site.NewsroomAdminConfig",  # django.contrib.admin, content first
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "imagekit",
    "core",
    "images",
    "stories",
    "people",
    "timelines",
    "readers",
    "editorial",
    "syndication",
    "sync",
    "reversion",
    "reversion_compare",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (settings below).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before anything reads a body: 413 for one over the limits below.
    "core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The admin shows and takes times in DISPLAY_TIME_ZONE, the newsroom's, as readers see them.
    "editorial.middleware.AdminTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # ETag on every page, and 304 when the browser or CDN already holds it.
    "django.middleware.http.ConditionalGetMiddleware",
    # Below it, so 304s compare the variant sent: gzip for API clients without cookies.
    "core.compression.ApiGzipMiddleware",
    # Last, as django-axes asks: turns a sign-in lockout into readers.views.locked_out's page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "5000"))
DB_CLIENT_TIMEOUT = float(
    os.environ.get(
        "DB_CLIENT_TIMEOUT",
        str(DB_STATEMENT_TIMEOUT_MS / 1000 + 1 if DB_STATEMENT_TIMEOUT_MS else 0),
    )
)
# On PostgreSQL each process keeps the content version in memory while it listens for the
# change log's NOTIFY (core.db.listen, stories.versions): a cached page then costs no query.
# 0 reads it on every request. Tests turn it off: their transactions never commit.
DB_LISTEN = os.environ.get("DB_LISTEN", "1") == "1"
# Seconds a client is told to wait (Retry-After) when the database cannot be reached.
DB_UNAVAILABLE_RETRY_AFTER = int(os.environ.get("DB_UNAVAILABLE_RETRY_AFTER", "5"))

# SQLite when DATABASE_URL is unset (make run on a fresh machine); PostgreSQL through
# psycopg 3 in CI, docker-compose and production.
DATABASES = {
    "default": dj_database_url.parse(
        # An empty DATABASE_URL means "not set", not "no database".
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on a local file and keep it locked in tests.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # SQLite has no row locks (select_for_update is ignored): each transaction takes the write
    # lock when it begins, so writers run one at a time and a version check inside one is safe
    # (stories.concurrency). A writer waits up to `timeout` seconds for the one before it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
else:
    # Short OLTP queries: PostgreSQL's JIT compiles any plan it estimates as costly, which
    # added 65 ms of compilation to a 0.3 s API list query at 100k stories. The connection's
    # options replace libpq's PGOPTIONS, so those are kept (and win, coming last).
    #
    # Faults: a connection attempt gives up after DB_CONNECT_TIMEOUT seconds and a statement
    # after DB_STATEMENT_TIMEOUT_MS on the server; a frozen server enforces nothing, so the
    # backend (core.db.postgresql) also cuts any round trip still waiting DB_CLIENT_TIMEOUT
    # seconds after it began. The request then answers 503 with Retry-After (core.faults),
    # well inside gunicorn's worker timeout. 0 turns a limit off; manage.py commands other than
    # runserver run without a statement limit (migrations, imports, content generation).
    DATABASES["default"]["ENGINE"] = "core.db.postgresql"
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    options.setdefault(
        "options",
        " ".join(
            [
                "-c jit=off",
                f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}",
                os.environ.get("PGOPTIONS", ""),
            ]
        ).strip(),
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out account+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "readers.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in lockout (django-axes), for the admin, the reader login and the API token endpoint:
# SIGNIN_FAILURE_LIMIT wrong passwords in a row for one account from one address lock that
# pair out for SIGNIN_COOLOFF_MINUTES, counted from the lockout and not extended by further
# tries, so the lock always ends. The same account from another address is not locked; staff
# unlock at once with `manage.py axes_reset_username NAME` (README: "Locked out").
AXES_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("SIGNIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "core.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "readers.views.locked_out"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# ISO dates first in every form (core/formats/en_GB).
FORMAT_MODULE_PATH = ["core.formats"]
# Stored times are UTC; readers see dates in DISPLAY_TIME_ZONE ("Yesterday" is computed there).
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DISPLAY_TIME_ZONE = os.environ.get("DISPLAY_TIME_ZONE", "America/New_York")

SITE_NAME = os.environ.get("SITE_NAME", "Newsroom")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files served with far-future cache headers.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

# Request bodies (core.middleware: 413 beyond them): JSON and forms up to 2.5 MB, uploads
# up to one image plus its form. Uploaded images (core.images): bytes, pixels, pixels a side.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("REQUEST_MAX_BODY_BYTES", str(2_621_440)))
# Renditions (images.renditions): django-imagekit writes each once through the default storage
# and, with the Optimistic strategy, never checks for it again on a read.
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"
IMAGEKIT_CACHEFILE_DIR = "renditions"
IMAGEKIT_SPEC_CACHEFILE_NAMER = "imagekit.cachefiles.namers.source_name_dot_hash"
IMAGE_MAX_BYTES = int(os.environ.get("IMAGE_MAX_BYTES", str(10 * 1024 * 1024)))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", str(40_000_000)))
IMAGE_MAX_SIDE = int(os.environ.get("IMAGE_MAX_SIDE", "12000"))
REQUEST_MAX_UPLOAD_BYTES = IMAGE_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE

# Production hardening; each is on whenever DEBUG is off and can be relaxed by env.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# Content-Security-Policy (django-csp): everything from this site only, no inline script or
# style. The reader pages need no nonce (they are cached whole, so must hold none); the admin,
# the browsable API and the API docs mark their few inline scripts with the request's nonce,
# added to the header only on responses that use it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Powerful browser features no page here uses, switched off for the page and anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
X_FRAME_OPTIONS = "DENY"

LOGIN_URL = "readers:login"
LOGIN_REDIRECT_URL = "stories:following"
LOGOUT_REDIRECT_URL = "stories:home"

# Shared by every worker: Redis when REDIS_URL is set, this process's memory otherwise. The
# cache holds nothing that must survive: a Redis error or timeout is a miss (after short socket
# timeouts), and Redis is then left alone for REDIS_BACKOFF seconds (core.cache_backends).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "core.cache_backends.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.25")),
                "socket_timeout": float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.25")),
                "BACKOFF": float(os.environ.get("REDIS_BACKOFF", "5")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole responses for anonymous readers and apps, keyed by the content version that the
# database holds (core.caching), so an edit from any process is never served stale.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
# The function that reads that version (core knows no product model; stories does).
CONTENT_VERSION = "stories.versions.content_version"
# When that content last changed, for the API's Last-Modified (core.rest.views).
CONTENT_CHANGED_AT = "stories.changes.latest_change_time"
# How long a stored response is kept (memory only: a new version is a new key, never stale).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Each process also keeps the stored responses it served last, up to this many bytes, and
# serves them without asking Redis (core.hot_copies; same keys, so never stale). 0: off.
PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("PAGE_CACHE_LOCAL_BYTES", str(16 * 1024 * 1024)))
# Anonymous pages and API reads: browsers revalidate every time (ETag, 304); shared caches
# (a CDN) may keep a copy PAGE_CACHE_SHARED_MAX_AGE seconds, and serve it up to
# PAGE_CACHE_STALE_WHILE_REVALIDATE seconds longer while they fetch a new one. Their sum is
# the longest a withdrawn story can stay on a CDN that is not purged (docs/performance.md).
PAGE_CACHE_SHARED_MAX_AGE = int(os.environ.get("PAGE_CACHE_SHARED_MAX_AGE", "10"))
PAGE_CACHE_STALE_WHILE_REVALIDATE = int(os.environ.get("PAGE_CACHE_STALE_WHILE_REVALIDATE", "10"))

# Proxies in front of the app that append the client's address to X-Forwarded-For (nginx in
# docker-compose: 1). 0: the header is ignored, as clients can write it (core.clients).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
RATELIMIT_IP_META_KEY = "core.clients.ratelimit_ip"
# The per-address counters live in the cache. With Redis down they let requests through rather
# than refusing every reader's sign-in: each account stays guarded by the lockout above, whose
# failure records are in the database.
RATELIMIT_FAIL_OPEN = True

# Abuse limits per client address (django-ratelimit syntax: count/period).
READER_SIGNUP_RATE = os.environ.get("READER_SIGNUP_RATE", "5/h")
# Generous: the lockout above guards each account; this only slows one address trying many.
READER_LOGIN_RATE = os.environ.get("READER_LOGIN_RATE", "60/5m")
READER_RESET_RATE = os.environ.get("READER_RESET_RATE", "5/h")

# Mail (password resets): printed to the console in development, SMTP when EMAIL_HOST is set.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Newsroom <no-reply@localhost>")

# Request errors go to stderr so a 500 always leaves a trace, DEBUG or not.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        # A cache outage is a warning, its end an info line: both once per process.
        "newsroom.cache": {"level": "INFO"},
    },
}

# The API (newsroom/api.py): problem-details errors, cursor pages, strict filters, model
# permissions for writes, a per-IP limit for anonymous clients, versions in the URL.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "core.rest.schema.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes missing credentials a 401.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.rest.ModelPermissionsOrAnonReadOnly"],
    "DEFAULT_RENDERER_CLASSES": [
        "core.rest.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.rest.CursorPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.rest.SearchFilter",
        "core.rest.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["core.rest.AnonThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_THROTTLE_RATE", "120/minute")},
    "EXCEPTION_HANDLER": "core.rest.problem_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "StoryStatusEnum": "stories.models.Story.Status",
        "ScenarioStatusEnum": "stories.models.Scenario.Status",
        "PrecisionEnum": "core.dates.Precision",
        "FictionLabelEnum": "stories.following_serializers.FICTION_LABEL_CHOICES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.rest.schema.postprocess_schema",
    ],
}
