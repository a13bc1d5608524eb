"""Browser-facing security: a Content-Security-Policy the UI works under (no inline script
anywhere, in the templates or in the rendered pages), ``Cache-Control: private,
no-store`` on signed-in pages, and ``check --deploy`` clean with production settings."""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

# a slow suite: CI runs it once, on the PostgreSQL pass
pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>")
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def template_files() -> list[Path]:
    roots = ["templates", "governance", "decisions", "budgets"]
    return sorted(p for root in roots for p in (PROJECT / root).rglob("*.html"))


def test_no_template_has_inline_script_event_handlers_or_js_urls():
    files = template_files()
    assert len(files) > 30
    offenders = []
    for path in files:
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JS_URL):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(PROJECT)}: {pattern.search(text).group(0)}")
    assert offenders == []


def test_policy_allows_scripts_only_from_our_own_origin(settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


SKIP = ("/accounts/logout", "/admin/", "/jobs/", "/health/", "/api/", "/static/")
BINARY = (".pdf", ".ics", ".jsonl", ".csv", ".xml", "/feed/", "/download")


def crawl(client: Client, start: str, limit: int) -> dict[str, object]:
    """Breadth-first over same-site HTML links; returns url -> response."""
    seen: dict[str, object] = {}
    queue = [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc or parts.scheme not in ("", "http"):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(SKIP) or any(b in path for b in BINARY):
                continue
            if path not in seen:
                queue.append(path)
    return seen


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def assert_safe_html(url, response):
    csp = response.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp, url
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0], url
    if "text/html" in response.get("Content-Type", ""):
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
        assert not EVENT_HANDLER.search(html), url


def test_signed_in_pages_have_csp_no_inline_script_and_no_store(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="icb.secretariat"))
    pages = crawl(client, "/", limit=80)
    html_pages = {u: r for u, r in pages.items() if r.status_code == 200}
    assert len(html_pages) >= 25, sorted(pages)
    for url, response in html_pages.items():
        assert_safe_html(url, response)
        cache_control = response.get("Cache-Control", "")
        assert "private" in cache_control and "no-store" in cache_control, url
    # the workflow frontend (viewflow) and the admin work under the same policy
    for url in ("/workflow/", "/admin/"):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert_safe_html(url, response)


def test_public_pages_have_csp_and_stay_cacheable(demo):
    client = Client()
    pages = crawl(client, "/", limit=30)
    html_pages = {u: r for u, r in pages.items() if r.status_code == 200}
    assert len(html_pages) >= 5, sorted(pages)
    for url, response in html_pages.items():
        assert_safe_html(url, response)
        if not response.cookies:
            assert "no-store" not in response.get("Cache-Control", ""), url


def test_api_calls_with_a_token_are_no_store(make_org, make_user):
    from rest_framework.test import APIClient

    from governance.organisations.models import Role

    make_user(make_org(), Role.SIGNATORY, "alice")
    client = APIClient()
    key = client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "pw"}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/signoffs/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_static_files_are_served_with_debug_off(client):
    from django.templatetags.static import static

    response = client.get(static("js/jobs.js"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"data-status-url" in body or b"statusUrl" in body


# --- check --deploy ----------------------------------------------------------------------

PRODUCTION_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "governance.example-icb.nhs.uk",
    "CSRF_TRUSTED_ORIGINS": "https://governance.example-icb.nhs.uk",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_PROXY_SSL_HEADER": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "NUM_PROXIES": "1",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST_", "SECURE_")) and k not in PRODUCTION_ENV
    }
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        env=clean,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _audit_signing_key() -> str:
    """A deployment's audit signing key as the environment carries it (raw, base64)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return base64.b64encode(Ed25519PrivateKey.generate().private_bytes_raw()).decode()


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50), AUDIT_SIGNING_KEY=_audit_signing_key(),
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_what_is_missing_without_them():
    env = {k: v for k, v in PRODUCTION_ENV.items() if not k.startswith("SECURE_")}
    result = manage("check", "--deploy", SECRET_KEY=secrets.token_urlsafe(50), **env)
    assert "security.W004" in result.stderr and "security.W008" in result.stderr
    assert "drf_spectacular" not in result.stderr


def test_hsts_and_redirect_are_sent_when_configured(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/accounts/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert client.get("/health/?format=json").status_code in (200, 500)  # probes stay on HTTP
