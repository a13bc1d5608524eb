"""Django settings, read from the environment (see README for the variables)."""

from __future__ import annotations

import datetime
import os
import tempfile
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from governance.env import env_bool, env_int, env_list, env_str
from governance.logging_utils import logging_config
from governance.oidc.config import oidc_settings_from_env
from governance.schedule import beat_schedule

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is required when DEBUG is off. Set SECRET_KEY, or DEBUG=1 for development."
    )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "health_check",
    "viewflow",
    "viewflow.workflow",
    "governance.organisations",
    "governance.audit",
    "governance.references",
    "governance.interests",
    "governance.signoffs",
    "governance.deputies",
    "governance.risks",
    "governance.meetings",
    "governance.packs",
    "governance.demo",
    "governance.ui",
    "governance.tokens",
    "governance.ops",
    "governance.reminders",
    "governance.search",
    "decisions",
    "budgets",
    "governance.history",  # after the apps whose history.py it finds
]

MIDDLEWARE = [
    # The request id first, so every log line of the request (even an early 4xx) carries it.
    "governance.audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "governance.api.middleware.IdBoundsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "governance.middleware.PrivateCacheMiddleware",
    # Auditors read, never write: their changes are refused here, before any view.
    "governance.middleware.ReadOnlyRolesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An anonymous visitor refused a page (403) is sent to sign in instead.
    "governance.ui.middleware.SignInInsteadOfForbiddenMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused by the lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"

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

# Database: SQLite in the project folder unless DATABASE_URL is set.
_SQLITE_URL = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=_SQLITE_URL), conn_max_age=env_int("CONN_MAX_AGE", 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions + WAL avoid "database is locked" on upgrade-to-write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests use a file, not Django's shared-cache in-memory database: background workers
    # (the Celery test's worker thread) then get WAL and busy waiting instead of
    # "database table is locked". One file per test process.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"ics-governance-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: per process by default; with several web processes set CACHE_URL to a shared
# Redis (e.g. redis://127.0.0.1:6379/1) so the token throttle counts across them.
_CACHE_URL = env_str("CACHE_URL", default="")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
    if _CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in (web or token) while the user or address is locked out.
    "governance.signin.LockoutBackend",
    # Django's password check, refused while PASSWORD_SIGNIN_ENABLED is off.
    "governance.signin.PasswordBackend",
    # Single sign-on (OpenID Connect): invited people only, by verified e-mail.
    "governance.oidc.backend.InvitedPersonBackend",
    "governance.permissions.MembershipPermissionBackend",
]
# Sign-in: OIDC_ENABLED, OIDC_OP_ISSUER, OIDC_RP_CLIENT_ID/SECRET, PASSWORD_SIGNIN_ENABLED,
# PASSWORD_BREAK_GLASS… (governance/oidc/config.py says what each does).
globals().update(oidc_settings_from_env())
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

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

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# The NHS.UK frontend's compiled CSS, JS and images, installed from the npm registry by
# `npm ci` (dev.py does it), served under /static/nhsuk/ (checked by governance.ui.checks).
NHSUK_FRONTEND_DIR = BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
# The papers' rich-text editor (TinyMCE, GPL-2.0-or-later, self-hosted; npm as above),
# served under /static/tinymce/ for static/js/richtext.js.
TINYMCE_DIR = BASE_DIR / "node_modules" / "tinymce"
STATICFILES_DIRS = [BASE_DIR / "static", ("nhsuk", NHSUK_FRONTEND_DIR), ("tinymce", TINYMCE_DIR)]
# WhiteNoise serves static files with DEBUG off. After `manage.py collectstatic` (which a
# deployment runs) they get compressed, cache-busting names and far-future expiry; until
# then (a checkout running its tests) they are served from the apps as they are.
_STATIC_MANIFEST = STATIC_ROOT / "staticfiles.json"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and _STATIC_MANIFEST.exists()
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not _STATIC_MANIFEST.exists()
# NHS.UK frontend's stylesheet names four icons by absolute path (/assets/images/…, e.g.
# the search box's clear button): WhiteNoise serves its dist folder at the site root too.
WHITENOISE_ROOT = NHSUK_FRONTEND_DIR
if WHITENOISE_USE_FINDERS:
    # ...and WhiteNoise's warning that STATIC_ROOT does not exist yet is expected.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="governance@ics.example.nhs.uk")
# Deadlines (governance.reminders): working days to sign off when the decision type does
# not say; calendar days before a due date on which reminders go out.
SIGNOFF_DEFAULT_DAYS = 10
REMINDER_DAYS_BEFORE = (3, 1)
# Key decisions go on the public forward plan this many days before their month.
FORWARD_PLAN_NOTICE_DAYS = 28

# Trusted reverse proxies in front of the app (each appends one X-Forwarded-For entry).
# 0: the client's own X-Forwarded-For is ignored and the socket address is the client.
NUM_PROXIES = env_int("NUM_PROXIES", 0)

REST_FRAMEWORK = {
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "governance.tokens.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # PageNumberPagination whose pages are read keys first (governance.paging)
    "DEFAULT_PAGINATION_CLASS": "governance.paging.DeferredJoinPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "governance.api.filters.AllowListOrdering",
    ],
    "EXCEPTION_HANDLER": "governance.api.errors.exception_handler",
    # JSON bodies only (an upload endpoint names BoundedMultiPartParser itself). Bodies
    # over DATA_UPLOAD_MAX_MEMORY_SIZE answer 413; JSON nested too deeply 400.
    "DEFAULT_PARSER_CLASSES": ["governance.api.parsers.BoundedJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ICS governance engine API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request and response components apart: read-only fields (a token's key, ids) are
    # not asked of a client. Swagger UI's files come from drf-spectacular-sidecar (CSP).
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "governance.api.schema.error_answers",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ProposalStatusEnum": "decisions.models.ProposalStatus",
        "SignOffStatusEnum": "governance.signoffs.models.SignOffStatus",
        "DecisionOutcomeEnum": "decisions.models.DecisionOutcome",
        "DecidableOutcomeEnum": "decisions.models.DECIDABLE_OUTCOMES",
        "OrganisationKindEnum": "governance.organisations.models.OrganisationKind",
        "SignOffDecisionEnum": ["abstain", "approve", "reject"],
        "RiskStatusEnum": "governance.risks.models.RiskStatus",
        "RiskStatusChangeEnum": ["closed", "open", "tolerated", "treated"],
        "EscalationStatusEnum": "governance.risks.models.EscalationStatus",
        "EscalationOutcomeEnum": "governance.risks.models.EscalationOutcome",
        "ReviewTaskStatusEnum": "governance.risks.models.ReviewTaskStatus",
        "AllocationStatusEnum": "budgets.models.AllocationStatus",
        "FundStatusEnum": "budgets.models.FundStatus",
        "EntryKindEnum": "budgets.models.EntryKind",
        "ChangeStatusEnum": "budgets.models.ChangeStatus",
        "MeetingStatusEnum": "governance.meetings.models.MeetingStatus",
        "EnvelopeStatusEnum": "budgets.models.envelope.EnvelopeStatus",
        "SordVersionStatusEnum": "decisions.models.SordVersionStatus",
        "JobStatusEnum": "governance.packs.models.JobStatus",
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)

# HTTPS. Off by default so the app also runs behind plain HTTP on loopback; a deployment
# sets them (README, "Deployment"). With TLS ended at the proxy, SECURE_PROXY_SSL_HEADER=1
# trusts its X-Forwarded-Proto (only behind a proxy that sets it).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): scripts only from our own static files, never
# inline. Inline style attributes stay allowed (risk score colours are data-driven).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        # NHS.UK frontend's CSS declares its Frutiger webfont on assets.nhs.uk; Chromium
        # checks every @font-face source against the CSP when it reads the stylesheet and
        # logs an error for a refused one. Allowed here, but never fetched: app.css sets
        # Arial on html and redeclares the Frutiger faces with local fonts only, so no
        # request leaves for it (the browser journeys fail on any request to another host).
        "font-src": ["'self'", "data:", "https://assets.nhs.uk"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Sign-in lockout (django-axes), per username and per client address, for the web
# sign-in, the admin and the API token endpoint alike.
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "governance.middleware.client_address"
AXES_VERBOSE = False

LOGGING = logging_config(
    level=env_str("LOG_LEVEL", default="WARNING"), json_lines=env_bool("LOG_JSON", default=False)
)

# Object permissions are answered from active memberships by our own backend
# (governance.permissions), which reads django-guardian's grant tables; guardian's
# backend, which ignores membership dates, is deliberately not installed.
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]

# Uploaded PDFs (proposal attachments, paper appendices)
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# ...and how far its streams may expand when decompressed (one stream; all together).
ATTACHMENT_MAX_STREAM_BYTES = env_int("ATTACHMENT_MAX_STREAM_BYTES", 64 * 1024 * 1024)
ATTACHMENT_MAX_INFLATED_BYTES = env_int("ATTACHMENT_MAX_INFLATED_BYTES", 256 * 1024 * 1024)

# PDF rendering: board packs, and self-contained reports (BAF, pool manager's report).
# Each render runs in a separate process, killed when it overruns.
PACKS_RENDER_TIME_LIMIT = env_int("PACKS_RENDER_TIME_LIMIT", 300)
PACKS_RENDER_MEMORY_MB = env_int("PACKS_RENDER_MEMORY_MB", 4096)
PACKS_PRIVATE_ROOT = Path(env_str("PACKS_PRIVATE_ROOT", default=str(BASE_DIR / "private_media")))
REPORT_TIME_LIMIT = env_int("REPORT_TIME_LIMIT", 120)
REPORT_MEMORY_MB = env_int("REPORT_MEMORY_MB", 2048)

# The audit trail's Ed25519 signing key (governance.audit.signing): never in the database.
# PEM or base64 in AUDIT_SIGNING_KEY, or a file; without either a development key is
# generated into AUDIT_DEV_KEY_FILE (a system check error under `check --deploy` when
# DEBUG is off). Retired keys' public halves keep old events verifiable.
AUDIT_SIGNING_KEY = env_str("AUDIT_SIGNING_KEY", default="")
AUDIT_SIGNING_KEY_FILE = env_str("AUDIT_SIGNING_KEY_FILE", default="")
AUDIT_DEV_KEY_FILE = BASE_DIR / "private_media" / "audit-signing-key.pem"
AUDIT_PUBLIC_KEYS = env_list("AUDIT_PUBLIC_KEYS")
AUDIT_PUBLIC_KEYS_FILE = env_str("AUDIT_PUBLIC_KEYS_FILE", default="")

# Token endpoint throttle (per client address); use a shared cache with several workers.
API_TOKEN_RATE = env_str("API_TOKEN_RATE", default="20/minute")
# API tokens expire this many days after issue (and on any password change).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)

# Background jobs (board packs): Celery with a Redis broker when CELERY_BROKER_URL is
# set; otherwise jobs run in-process so the embedded default needs no broker.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Without a broker: the app's own runner threads (governance/packs/runner.py), so the
# request that queues a job returns at once; PACK_JOBS_INLINE=1 runs jobs in the
# committing request instead (the test suite's default, see tests/conftest.py).
PACK_JOBS_INLINE = env_bool("PACK_JOBS_INLINE", False)
PACK_JOBS_THREADS = env_int("PACK_JOBS_THREADS", 2)
PACK_JOBS_POLL_SECONDS = env_int("PACK_JOBS_POLL_SECONDS", 30)
CELERY_TIMEZONE = TIME_ZONE
# Our LOGGING (one line per event, JSON when asked) also applies inside workers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The scheduled jobs (`celery -A governance beat`); governance/celery.py, README.
CELERY_BEAT_SCHEDULE = beat_schedule()
