"""Declaring, changing and ending interests. Editable by the person or the ICB secretariat."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from governance import permissions
from governance.audit.services import audit_record, diff, snapshot
from governance.interests.models import Interest, InterestType

FIELDS = (
    "person",
    "interest_type",
    "description",
    "related_organisation",
    "valid_from",
    "valid_to",
    "is_published",
)


def _require_editor(actor, person) -> None:
    if actor.pk == person.pk and actor.is_active:
        return
    if permissions.is_system_secretariat(actor):
        return
    raise PermissionDenied("Only the person or the secretariat can change a register entry.")


def _retest_signoffs(person) -> None:
    """Open sign-offs the person could give may become blocked or unblocked."""
    from governance.signoffs.services import refresh_pending_for

    refresh_pending_for(person)


def _validate(interest: Interest) -> None:
    errors: dict[str, list[str]] = {}
    if interest.interest_type not in InterestType.values:
        errors["interest_type"] = [f"Unknown type {interest.interest_type!r}."]
    if not (interest.description or "").strip():
        errors["description"] = ["Describe the interest."]
    if interest.valid_from is None:
        errors["valid_from"] = ["A start date is required."]
    elif interest.valid_to is not None and interest.valid_to < interest.valid_from:
        errors["valid_to"] = ["The end date cannot be before the start date."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def interest_declare(
    *,
    actor,
    person,
    interest_type: str,
    description: str,
    related_organisation=None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    is_published: bool = True,
    reason: str = "",
) -> Interest:
    _require_editor(actor, person)
    interest = Interest(
        person=person,
        interest_type=interest_type,
        description=(description or "").strip(),
        related_organisation=related_organisation,
        valid_to=valid_to,
        is_published=is_published,
    )
    if valid_from is not None:
        interest.valid_from = valid_from
    _validate(interest)
    interest.save()
    audit_record(
        actor=actor,
        verb="interest.declared",
        target=interest,
        changes=diff(None, snapshot(interest, FIELDS)),
        reason=reason,
    )
    _retest_signoffs(person)
    return interest


@transaction.atomic
def interest_update(*, actor, interest: Interest, reason: str = "", **fields) -> Interest:
    allowed = set(FIELDS) - {"person"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    obj = Interest.objects.select_for_update().get(pk=interest.pk)
    _require_editor(actor, obj.person)
    before = snapshot(obj, FIELDS)
    for key, value in fields.items():
        setattr(obj, key, value)
    _validate(obj)
    changes = diff(before, snapshot(obj, FIELDS))
    if changes:
        obj.save()
        audit_record(
            actor=actor, verb="interest.updated", target=obj, changes=changes, reason=reason
        )
        _retest_signoffs(obj.person)
    return obj


def interest_end(
    *, actor, interest: Interest, valid_to: datetime.date, reason: str = ""
) -> Interest:
    return interest_update(actor=actor, interest=interest, valid_to=valid_to, reason=reason)
