"""The API token record (never the key itself)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class TokenState(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    PASSWORD_CHANGED = "password_changed", "Ended by a password change"


class ApiToken(models.Model):
    """One API token of one user. ``key_hash`` is SHA-256 of the key (hex); ``prefix`` is
    the key's first characters, enough for the user to tell tokens apart in the list."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64)
    prefix = models.CharField(max_length=8)
    password_fingerprint = models.CharField(
        max_length=128, help_text="HMAC of the password hash when issued."
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["key_hash"], name="api_token_unique_key_hash"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="api_token_expires_after_created",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="api_token_revoked_after_created",
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_live")]

    def __str__(self) -> str:
        return f"API token {self.prefix}… of {self.user}"

    def state(self, now) -> TokenState:
        """The token's state at ``now`` (password changes are checked by the caller, who
        knows the user's current fingerprint: see services.token_state)."""
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if self.expires_at <= now:
            return TokenState.EXPIRED
        return TokenState.ACTIVE
