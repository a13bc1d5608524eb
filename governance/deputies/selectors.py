"""Read paths for deputies, and the label every record uses for someone acting as one."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from governance import permissions
from governance.deputies.models import DeputyAppointment
from governance.organisations.models import Membership, Role

# Roles whose holders may be a deputy or have one: people who act for the organisation.
# Auditors read the whole system and act for no one.
ACTING_ROLES = (Role.SECRETARIAT, Role.SIGNATORY, Role.MEMBER)


def _day(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def _member_on(user_field: str, on: datetime.date, roles=ACTING_ROLES):
    """Exists(): the user in ``user_field`` holds an active membership of the appointment's
    organisation on ``on`` in one of ``roles``."""
    return Exists(
        Membership.objects.active(on).filter(
            user_id=OuterRef(user_field),
            organisation_id=OuterRef("organisation_id"),
            organisation__is_active=True,
            role__in=list(roles),
        )
    )


def current_appointments(on: datetime.date | None = None) -> QuerySet[DeputyAppointment]:
    """Appointments a deputy may act under on ``on``: within the dates, not ended, both
    people active users, and the deputy still a member of the organisation."""
    day = _day(on)
    return (
        DeputyAppointment.objects.current(day)
        .filter(deputy__is_active=True, principal__is_active=True)
        .filter(_member_on("deputy_id", day))
        .select_related("principal", "deputy", "organisation")
    )


def acting_for(user, *, organisation, on: datetime.date | None = None) -> list:
    """The principals whose authority ``user`` holds as their deputy in ``organisation``
    on ``on`` (today by default). What that authority is (signatory, officer post) is for
    the caller to check on the principal."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return [
        a.principal
        for a in current_appointments(on)
        .filter(deputy=user, organisation=organisation)
        .order_by("valid_from", "pk")
    ]


def appointment_for(
    deputy, principal, organisation, on: datetime.date | None = None
) -> DeputyAppointment | None:
    """The appointment under which ``deputy`` acts for ``principal`` on ``on``, if any."""
    return (
        current_appointments(on)
        .filter(deputy=deputy, principal=principal, organisation=organisation)
        .order_by("valid_from", "pk")
        .first()
    )


def signing_appointment(
    user, organisation, on: datetime.date | None = None
) -> DeputyAppointment | None:
    """The appointment under which ``user`` may sign off for ``organisation`` as deputy of
    one of its current authorised signatories (the earliest, if several)."""
    day = _day(on)
    qs = (
        current_appointments(day)
        .filter(deputy=user, organisation=organisation)
        .filter(_member_on("principal_id", day, roles=[Role.SIGNATORY]))
        .order_by("valid_from", "pk")
    )
    return qs.first()


def signing_deputy_org_ids(user, on: datetime.date | None = None) -> set[int]:
    """Organisations ``user`` may sign off for today as a deputy of a current signatory."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    day = _day(on)
    return set(
        current_appointments(day)
        .filter(deputy=user)
        .filter(_member_on("principal_id", day, roles=[Role.SIGNATORY]))
        .values_list("organisation_id", flat=True)
    )


def signing_deputies_of(organisation, on: datetime.date | None = None):
    """Current appointments of deputies to the organisation's authorised signatories."""
    day = _day(on)
    return (
        current_appointments(day)
        .filter(organisation=organisation)
        .filter(_member_on("principal_id", day, roles=[Role.SIGNATORY]))
        .order_by("deputy__last_name", "deputy__first_name", "pk")
    )


def appointments_visible_to(user) -> QuerySet[DeputyAppointment]:
    """Own appointments (as principal or deputy), every appointment in the organisations
    whose secretariat the user is, and all of them for those who read everything."""
    qs = DeputyAppointment.objects.select_related(
        "principal", "deputy", "organisation", "appointed_by", "ended_by"
    )
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if permissions.reads_everything(user):
        return qs
    managed = permissions.organisation_ids(user, roles=[Role.SECRETARIAT])
    return qs.filter(Q(principal=user) | Q(deputy=user) | Q(organisation_id__in=managed))


def appointable_organisations(user):
    """Organisations in which the user may appoint a deputy: all for the ICB secretariat;
    otherwise those the user acts for (for themself) or runs the secretariat of."""
    from governance.organisations.models import Organisation

    if permissions.is_system_secretariat(user):
        return Organisation.objects.filter(is_active=True)
    return Organisation.objects.filter(
        is_active=True, pk__in=permissions.organisation_ids(user, roles=ACTING_ROLES)
    )


def people_of(organisations) -> QuerySet:
    """Active users holding an acting membership of any of the organisations today."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__in=Membership.objects.active().filter(
                organisation__in=organisations, role__in=ACTING_ROLES
            ),
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# --- labels ------------------------------------------------------------------------------


def person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def date_range(start: datetime.date, end: datetime.date) -> str:
    """'1–14 August 2026', '28 July – 10 August 2026', '29 December 2026 – 4 January 2027'."""
    if start == end:
        return f"{start.day} {start:%B %Y}"
    if start.year != end.year:
        return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"
    if start.month != end.month:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{start.day}–{end.day} {end:%B %Y}"


def acting_label(person, principal=None, appointment: DeputyAppointment | None = None) -> str:
    """'Jo Bloggs for Sam Smith (deputy, 1–14 August 2026)'; just the name when the person
    acted in their own right."""
    name = person_name(person)
    if principal is None:
        return name
    label = f"{name} for {person_name(principal)}"
    if appointment is not None:
        label += f" (deputy, {date_range(appointment.valid_from, appointment.valid_to)})"
    else:
        label += " (deputy)"
    return label
