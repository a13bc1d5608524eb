"""System checks for the audit trail's signing key."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


def signing_key_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """With DEBUG off the deployment must name its key (never the generated dev key)."""
    from django.core.exceptions import ImproperlyConfigured

    from governance.audit import signing

    if not settings.DEBUG and not signing.key_configured():
        return [
            checks.Error(
                "The audit trail has no signing key.",
                hint="Set AUDIT_SIGNING_KEY (base64 or PEM of an Ed25519 private key) or "
                "AUDIT_SIGNING_KEY_FILE; publish its public key (/public/audit/keys.json).",
                id="audit.E001",
            )
        ]
    try:
        signing.signing_key()
        signing.public_keys()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="audit.E002")]
    return []


def register() -> None:
    checks.register(signing_key_check, checks.Tags.security, deploy=True)
