"""Settings come from the environment and fail loudly (each case in a fresh process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ENGINE": db["ENGINE"], "NAME": str(db["NAME"]), "HOST": db.get("HOST"),
    "PORT": db.get("PORT"), "USER": db.get("USER"), "CONN_MAX_AGE": db.get("CONN_MAX_AGE"),
    "TIME_ZONE": settings.TIME_ZONE, "USE_TZ": settings.USE_TZ,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
}))
"""
CONTROLLED = (
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "CONN_MAX_AGE",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


def start(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in CONTROLLED and not k.startswith(("DJANGO_", "PYTEST_"))
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="governance.settings")
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        env=clean,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_of(**env: str) -> dict:
    result = start(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("env", [{"DEBUG": "0"}, {"DEBUG": "false"}, {}, {"SECRET_KEY": ""}])
def test_production_without_secret_key_refuses_to_start(env):
    result = start(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_development_without_secret_key_starts():
    found = settings_of(DEBUG="1")
    assert found["DEBUG"] is True
    assert found["SECRET_KEY"]
    assert "127.0.0.1" in found["ALLOWED_HOSTS"]


def test_production_with_secret_key():
    found = settings_of(DEBUG="0", SECRET_KEY="s3cret-from-env")
    assert found["DEBUG"] is False
    assert found["SECRET_KEY"] == "s3cret-from-env"
    assert found["ALLOWED_HOSTS"] == []
    assert found["SESSION_COOKIE_SECURE"] is True
    assert found["CSRF_COOKIE_SECURE"] is True


def test_development_key_is_not_used_in_production():
    dev_key = settings_of(DEBUG="1")["SECRET_KEY"]
    assert settings_of(DEBUG="0", SECRET_KEY="other")["SECRET_KEY"] != dev_key


def test_bad_boolean_fails_loudly():
    result = start(DEBUG="maybe", SECRET_KEY="x")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG" in result.stderr


def test_database_url_selects_postgresql():
    found = settings_of(SECRET_KEY="x", DATABASE_URL="postgres://u:p@h:5432/d")
    assert found["ENGINE"] == "django.db.backends.postgresql"
    assert (found["NAME"], found["HOST"], found["PORT"], found["USER"]) == ("d", "h", 5432, "u")


def test_conn_max_age_from_environment():
    found = settings_of(SECRET_KEY="x", DATABASE_URL="postgres://u:p@h/d", CONN_MAX_AGE="60")
    assert found["CONN_MAX_AGE"] == 60
    result = start(SECRET_KEY="x", CONN_MAX_AGE="soon")
    assert result.returncode != 0
    assert "CONN_MAX_AGE" in result.stderr


def test_sqlite_in_project_folder_by_default():
    found = settings_of(SECRET_KEY="x")
    assert found["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(found["NAME"]) == PROJECT / "db.sqlite3"


def test_uk_time():
    found = settings_of(SECRET_KEY="x")
    assert found["TIME_ZONE"] == "Europe/London"
    assert found["USE_TZ"] is True
