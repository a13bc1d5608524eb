"""Django settings, read from the environment (see README for the variables)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from governance.env import env_bool, env_int, env_list, env_str

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
    "rest_framework.authtoken",
    "drf_spectacular",
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
    "decisions",
    "budgets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "governance.api.middleware.IdBoundsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "governance.audit.middleware.RequestIdMiddleware",
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

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "governance.permissions.MembershipPermissionBackend",
]
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
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="governance@ics.example.nhs.uk")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "governance.api.errors.exception_handler",
    # Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE answer 413; JSON nested too deeply 400.
    "DEFAULT_PARSER_CLASSES": [
        "governance.api.parsers.BoundedJSONParser",
        "governance.api.parsers.BoundedFormParser",
        "governance.api.parsers.BoundedMultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ICS governance engine API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "ProposalStatusEnum": "decisions.models.ProposalStatus",
        "SignOffStatusEnum": "governance.signoffs.models.SignOffStatus",
        "DecisionOutcomeEnum": "decisions.models.DecisionOutcome",
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
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="WARNING")},
}

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

# Token endpoint throttle (per client address); use a shared cache with several workers.
API_TOKEN_RATE = env_str("API_TOKEN_RATE", default="20/minute")

# Background jobs (board packs): Celery with a Redis broker when CELERY_BROKER_URL is
# set; otherwise jobs run in-process so the embedded default needs no broker.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TIMEZONE = TIME_ZONE
