"""Read paths for API tokens: a user sees only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.tokens.models import ApiToken


def tokens_of(user) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (``select_related`` user for the state)."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).select_related("user")


def token_user(key: str):
    """The person an active token ``key`` stands for, or None; reads only (the
    authentication class, which also marks the token used, answers the refusals)."""
    from governance.tokens.models import TokenState
    from governance.tokens.services import hash_key, token_state

    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None or token_state(token) != TokenState.ACTIVE or not token.user.is_active:
        return None
    return token.user
