"""The provider's metadata from its discovery document (OpenID Connect Discovery 1.0),
fetched on first use and kept for ``OIDC_DISCOVERY_CACHE_SECONDS``."""

from __future__ import annotations

import threading
import time

import requests
from django.conf import settings
from mozilla_django_oidc.utils import import_from_settings

from governance.oidc.config import discovery_url

REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
# mozilla-django-oidc's setting names → the discovery document's keys.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}

_cache: dict[str, tuple[float, dict]] = {}
_lock = threading.Lock()


class ProviderUnavailable(Exception):
    """The identity provider's discovery document could not be read or is unusable."""


def metadata() -> dict:
    """The discovery document of the configured provider (cached)."""
    url = discovery_url(settings.OIDC_OP_ISSUER, settings.OIDC_OP_DISCOVERY_URL)
    with _lock:
        hit = _cache.get(url)
        if hit and hit[0] > time.monotonic():
            return hit[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"Discovery document {url}: {exc}") from exc
    missing = [key for key in REQUIRED if not document.get(key)]
    if missing:
        raise ProviderUnavailable(f"Discovery document {url} lacks {', '.join(missing)}.")
    expected = settings.OIDC_OP_ISSUER
    if expected and document["issuer"].rstrip("/") != expected.rstrip("/"):
        raise ProviderUnavailable(
            f"Discovery document {url} is for issuer {document['issuer']}, not {expected}."
        )
    methods = document.get("code_challenge_methods_supported")
    if methods is not None and "S256" not in methods:
        raise ProviderUnavailable(f"The provider at {url} does not support PKCE with S256.")
    with _lock:
        _cache[url] = (time.monotonic() + settings.OIDC_DISCOVERY_CACHE_SECONDS, document)
    return document


def issuer() -> str:
    return metadata()["issuer"]


def oidc_setting(attr: str, *default):
    """mozilla-django-oidc's ``get_settings``: endpoints from discovery, the rest from
    Django's settings."""
    if attr in ENDPOINTS:
        return metadata().get(ENDPOINTS[attr]) or (default[0] if default else None)
    return import_from_settings(attr, *default)


def forget() -> None:
    """Drop the cached documents (tests; a provider's keys rolled over)."""
    with _lock:
        _cache.clear()
