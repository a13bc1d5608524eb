"""/health/ for load balancers: every component named, 200 when all are up, 500 naming
the one that is down; and a machine without Pango still starts, saying what to install."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PACKS_PRIVATE_ROOT = tmp_path / "private"
    settings.CELERY_BROKER_URL = ""


def health(client, **extra):
    return client.get("/health/?format=json", **extra)


def test_all_components_up_is_200_for_anonymous_callers(client):
    response = health(client)
    assert response.status_code == 200, response.content
    body = response.json()
    names = " ".join(body)
    for component in ("Database", "Cache", "Storage", "PrivateStorage", "RenderEngine"):
        assert component in names
    assert set(body.values()) == {"OK"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "Broker" not in names  # no broker configured: nothing to check


def test_plain_text_and_accept_json(client):
    text = client.get("/health/?format=text")
    assert text.status_code == 200 and "RenderEngine" in text.content.decode()
    as_json = client.get("/health/", HTTP_ACCEPT="application/json")
    assert as_json["Content-Type"] == "application/json"


def test_unwritable_private_storage_is_500_naming_it(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    settings.PACKS_PRIVATE_ROOT = blocker / "packs"
    response = health(client)
    assert response.status_code == 500
    body = response.json()
    failing = {k: v for k, v in body.items() if v != "OK"}
    assert list(failing) == [next(k for k in body if "PrivateStorage" in k)]
    assert "not writable" in next(iter(failing.values()))


def test_configured_broker_is_checked_and_unreachable_is_500(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = health(client)
    assert response.status_code == 500
    body = response.json()
    broker = next(k for k in body if "Broker" in k)
    assert "unreachable" in body[broker]


def test_health_is_reachable_over_http_when_ssl_redirect_is_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert health(client).status_code == 200
    assert client.get("/accounts/login/").status_code == 301


# --- without Pango -------------------------------------------------------------------------

NO_PANGO = textwrap.dedent(
    """
    # Simulates a machine without Pango: cffi cannot open any pango library.
    import cffi

    _dlopen = cffi.FFI.dlopen

    def dlopen(self, name, *args, **kwargs):
        if "pango" in str(name):
            raise OSError(f"cannot load library {name!r}: cannot open shared object file")
        return _dlopen(self, name, *args, **kwargs)

    cffi.FFI.dlopen = dlopen
    """
)


def without_pango(tmp_path, *args: str) -> subprocess.CompletedProcess:
    (tmp_path / "sitecustomize.py").write_text(NO_PANGO)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(PYTHONPATH=str(tmp_path), SECRET_KEY="x", DEBUG="0")
    env["DJANGO_SETTINGS_MODULE"] = "governance.settings"
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], env=env, cwd=PROJECT, capture_output=True, text=True, timeout=180
    )


def test_manage_py_runs_without_pango_and_says_what_to_install(tmp_path):
    result = without_pango(tmp_path, "manage.py", "check")
    assert result.returncode == 0, result.stderr
    assert "governance.W001" in result.stderr
    assert "apt-get install libpango-1.0-0" in result.stderr
    assert "WeasyPrint could not import" not in result.stdout + result.stderr  # no banner


def test_rendering_without_pango_raises_the_clear_error(tmp_path):
    probe = textwrap.dedent(
        """
        import django
        django.setup()
        from governance.render_engine import HTML, RenderEngineMissing
        from governance.packs.fetcher import PackURLFetcher
        try:
            HTML(string="<p>x</p>").write_pdf()
        except RenderEngineMissing as exc:
            print("MISSING:", exc)
        """
    )
    result = without_pango(tmp_path, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert "MISSING: WeasyPrint cannot load Pango" in result.stdout
    assert "apt-get install" in result.stdout
