"""Issuing, checking and revoking API tokens; every issue and revocation is audited.

The key is a secret: audit events name the user and the token's prefix, never the key.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from governance.audit.services import audit_record
from governance.tokens.models import ApiToken, TokenState

# A user keeps at most this many live tokens; issuing one more revokes the oldest.
MAX_LIVE_TOKENS = 10
# last_used_at is refreshed at most this often (not a write on every call).
TOUCH_INTERVAL = datetime.timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def password_fingerprint(user) -> str:
    """Changes whenever the user's password changes (Django's session auth hash)."""
    return user.get_session_auth_hash()


def token_state(token: ApiToken, now: datetime.datetime | None = None) -> TokenState:
    state = token.state(now or timezone.now())
    if state == TokenState.ACTIVE and not constant_time_compare(
        token.password_fingerprint, password_fingerprint(token.user)
    ):
        return TokenState.PASSWORD_CHANGED
    return state


@transaction.atomic
def api_token_issue(*, actor) -> tuple[ApiToken, str]:
    """A new token for the actor (who has just proved their password). Returns the record
    and the key, which is shown this once and stored only as a hash."""
    now = timezone.now()
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        key_hash=hash_key(key),
        prefix=key[:8],
        password_fingerprint=password_fingerprint(actor),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.API_TOKEN_DAYS),
    )
    live = ApiToken.objects.filter(user=actor, revoked_at__isnull=True, expires_at__gt=now)
    newest_first = live.order_by("-created_at", "-pk").values_list("pk", flat=True)
    surplus = list(newest_first[MAX_LIVE_TOKENS:])
    if surplus:
        ApiToken.objects.filter(pk__in=surplus).update(revoked_at=now, revoked_by=actor)
    audit_record(
        actor=actor,
        verb="api_token.issued",
        target=actor,
        target_label=actor.get_username(),
        changes={
            "token": token.pk,
            "prefix": token.prefix,
            "expires_at": token.expires_at,
            "revoked_oldest": surplus,
        },
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens (a superuser may revoke anyone's)."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied("You may revoke only your own tokens.")
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        verb="api_token.revoked",
        target=token.user,
        target_label=token.user.get_username(),
        changes={"token": token.pk, "prefix": token.prefix},
    )
    return token


def api_token_authenticate(key: str) -> tuple[ApiToken | None, TokenState | None]:
    """The token for ``key`` and its state, or ``(None, None)`` for an unknown key. Marks
    the token used (``last_used_at``, at most once a minute: telemetry, not audited)."""
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None:
        return None, None
    now = timezone.now()
    state = token_state(token, now)
    if state == TokenState.ACTIVE and (
        token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token, state
