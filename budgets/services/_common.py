"""Helpers shared by the budgets services."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from governance.audit.services import audit_record


def allocation_flow():
    from budgets.flows import AllocationFlow

    return AllocationFlow


def change_flow():
    from budgets.flows import ContributionChangeFlow

    return ContributionChangeFlow


def audit(actor, verb: str, target, *, organisation, changes=None, reason: str = "", label=None):
    return audit_record(
        actor=actor,
        verb=verb,
        target=target,
        changes=changes or {},
        reason=reason or "",
        organisation=organisation,
        target_label=label,
    )


class Errors:
    """Collects field errors and raises them together (nothing is written)."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def check(self, func, *args, **kwargs):
        """Run a validating parser; keep its field errors and return None on failure."""
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, messages in exc.message_dict.items():
                    for m in messages:
                        self.add(field, m)
            else:
                for m in exc.messages:
                    self.add("__all__", m)
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def text(value, field: str, errors: Errors, *, required: str = "", max_length=None) -> str:
    """Stripped text; ``required`` is the message if it is empty."""
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors.add(field, required)
    if max_length and len(value) > max_length:
        errors.add(field, f"At most {max_length} characters (this has {len(value)}).")
    return value
