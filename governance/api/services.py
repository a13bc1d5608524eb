"""State changes the API itself makes (issuing tokens), audited like every other."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from governance.audit.services import audit_record


@transaction.atomic
def api_token_issue(*, actor) -> Token:
    """The actor's API token, created (and audited) on first use. The key itself is a
    secret, so the audit event names the user, never the key."""
    token, created = Token.objects.get_or_create(user=actor)
    if created:
        audit_record(
            actor=actor,
            verb="api_token.issued",
            target=actor,
            target_label=actor.get_username(),
        )
    return token
