"""Appointing and ending deputies. Each change is audited in its own transaction and
re-tests the organisation's open sign-offs (a deputy free of conflicts can unblock one)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance import permissions
from governance.audit.services import audit_record, snapshot
from governance.deputies.models import DeputyAppointment
from governance.deputies.selectors import ACTING_ROLES, acting_label, date_range, person_name
from governance.organisations.models import Membership, Organisation, Role

FIELDS = ("principal", "deputy", "organisation", "valid_from", "valid_to", "reason")
LONGEST = datetime.timedelta(days=366)


def may_appoint(actor, principal, organisation) -> bool:
    """The principal themself, the organisation's secretariat or the ICB secretariat."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if principal is not None and actor.pk == principal.pk:
        return True
    return permissions.is_system_secretariat(actor) or permissions.has_role(
        actor, Role.SECRETARIAT, organisation
    )


def may_end(actor, appointment: DeputyAppointment) -> bool:
    """Whoever may appoint, and the deputy (who may step down)."""
    return may_appoint(actor, appointment.principal, appointment.organisation) or (
        getattr(actor, "pk", None) == appointment.deputy_id and actor.is_active
    )


def _acts_for(user, organisation, on: datetime.date) -> bool:
    return (
        Membership.objects.active(on)
        .filter(user=user, organisation=organisation, role__in=ACTING_ROLES)
        .exists()
    )


def _refresh(organisation) -> None:
    from governance.signoffs.services import refresh_pending_for_organisation

    refresh_pending_for_organisation(organisation)


@transaction.atomic
def deputy_appoint(
    *,
    actor,
    principal,
    deputy,
    organisation: Organisation,
    valid_from: datetime.date,
    valid_to: datetime.date,
    reason: str = "",
) -> DeputyAppointment:
    """Appoint ``deputy`` to act for ``principal`` in ``organisation`` on the days from
    ``valid_from`` to ``valid_to`` inclusive. The principal must be an authorised
    signatory of the organisation or hold a post there (any acting membership); the
    deputy must be a member of the same organisation."""
    if organisation is None:
        raise ValidationError({"organisation": "Choose the organisation."})
    if principal is None:
        raise ValidationError({"principal": "Choose whom the deputy acts for."})
    if not may_appoint(actor, principal, organisation):
        raise PermissionDenied(
            f"Only {person_name(principal)} or the secretariat of {organisation.name} "
            "can appoint their deputy."
        )
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not organisation.is_active:
        errors.setdefault("organisation", []).append(f"{organisation.name} is not active.")
    if deputy is None:
        errors.setdefault("deputy", []).append("Choose the deputy.")
    elif deputy.pk == principal.pk:
        errors.setdefault("deputy", []).append("A person cannot be their own deputy.")
    if valid_from is None:
        errors.setdefault("valid_from", []).append("Give the first day the deputy acts.")
    elif valid_from < today:
        errors.setdefault("valid_from", []).append(
            "A deputy cannot be appointed for days already past: start today or later."
        )
    if valid_to is None:
        errors.setdefault("valid_to", []).append("Give the last day the deputy acts.")
    elif valid_from is not None and valid_to < valid_from:
        errors.setdefault("valid_to", []).append("The last day cannot be before the first.")
    elif valid_from is not None and valid_to - valid_from > LONGEST:
        errors.setdefault("valid_to", []).append(
            "A deputy is appointed for a period of at most a year; for longer, authorise "
            "another signatory or post holder."
        )
    if errors:
        raise ValidationError(errors)
    start = max(valid_from, today)
    if not _acts_for(principal, organisation, start):
        errors.setdefault("principal", []).append(
            f"{person_name(principal)} does not act for {organisation.name} on {start:%d %B %Y}."
        )
    if not deputy.is_active or not _acts_for(deputy, organisation, start):
        errors.setdefault("deputy", []).append(
            f"The deputy must be a member of {organisation.name} (the same organisation); "
            f"{person_name(deputy)} is not on {start:%d %B %Y}."
        )
    overlapping = DeputyAppointment.objects.filter(
        principal=principal,
        deputy=deputy,
        organisation=organisation,
        ended_at__isnull=True,
        valid_from__lte=valid_to,
        valid_to__gte=valid_from,
    )
    if overlapping.exists():
        errors.setdefault("valid_from", []).append(
            f"{person_name(deputy)} is already deputy for {person_name(principal)} on some "
            "of these days."
        )
    if errors:
        raise ValidationError(errors)
    appointment = DeputyAppointment.objects.create(
        principal=principal,
        deputy=deputy,
        organisation=organisation,
        valid_from=valid_from,
        valid_to=valid_to,
        reason=(reason or "").strip(),
        appointed_by=actor,
    )
    audit_record(
        actor=actor,
        verb="deputy.appointed",
        target=appointment,
        organisation=organisation,
        target_label=acting_label(deputy, principal, appointment),
        changes={
            key: {"before": None, "after": value}
            for key, value in snapshot(appointment, FIELDS).items()
        },
        reason=appointment.reason,
    )
    _refresh(organisation)
    return appointment


@transaction.atomic
def deputy_end(*, actor, appointment: DeputyAppointment, reason: str) -> DeputyAppointment:
    """End an appointment before its last day (or cancel one not yet started)."""
    a = (
        DeputyAppointment.objects.select_for_update()
        .select_related("principal", "deputy", "organisation")
        .get(pk=appointment.pk)
    )
    if not may_end(actor, a):
        raise PermissionDenied(
            f"Only {person_name(a.principal)}, the deputy or the secretariat of "
            f"{a.organisation.name} can end this appointment."
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the appointment ends early."})
    if a.ended_at is not None:
        raise ValidationError("This appointment has already been ended.")
    if a.valid_to < timezone.localdate():
        raise ValidationError(
            f"This appointment is already over (its last day was "
            f"{date_range(a.valid_to, a.valid_to)})."
        )
    a.ended_at = timezone.now()
    a.ended_by = actor
    a.end_reason = reason
    a.save(update_fields=["ended_at", "ended_by", "end_reason"])
    audit_record(
        actor=actor,
        verb="deputy.ended",
        target=a,
        organisation=a.organisation,
        target_label=acting_label(a.deputy, a.principal, a),
        changes={"ended_at": {"before": None, "after": a.ended_at}},
        reason=reason,
    )
    _refresh(a.organisation)
    return a
