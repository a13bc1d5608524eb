"""Read paths for API tokens: a user sees only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.tokens.models import ApiToken


def tokens_of(user) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (``select_related`` user for the state)."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).select_related("user")
