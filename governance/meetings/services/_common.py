"""Helpers shared by the services of this app."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from governance.audit.services import audit_record
from governance.meetings import policy
from governance.meetings.models import Committee


def require_manager(actor, committee: Committee) -> None:
    if not policy.can_manage(actor, committee):
        raise PermissionDenied(f"Only the secretariat running {committee.name} can do this.")


def audit(actor, verb: str, target, committee: Committee, changes=None, reason: str = ""):
    return audit_record(
        actor=actor,
        verb=verb,
        target=target,
        changes=changes or {},
        reason=reason,
        organisation=committee.organisation,
    )


class Errors:
    """Collects field errors and raises them together."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
