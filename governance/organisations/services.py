"""State changes for organisations and memberships. Each writes its audit event."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance import permissions
from governance.audit.services import audit_record, diff, snapshot
from governance.organisations.identifiers import normalise_identifier, validate_identifier
from governance.organisations.models import Membership, Organisation, OrganisationKind, Role

ORGANISATION_FIELDS = ("name", "identifier", "kind", "is_active")
MEMBERSHIP_FIELDS = ("user", "organisation", "role", "job_title", "start_date", "end_date")


def _require_system_secretariat(actor) -> None:
    if not permissions.is_system_secretariat(actor):
        raise PermissionDenied("Only the ICB secretariat can manage organisations.")


def _require_manager(actor, organisation: Organisation, *roles: str) -> None:
    """The ICB secretariat manages every membership; an organisation's own secretariat
    manages its memberships, except auditor ones (auditors read the whole system, so
    only the ICB secretariat appoints them)."""
    if permissions.is_system_secretariat(actor):
        return
    if Role.AUDITOR in roles:
        raise PermissionDenied("Only the ICB secretariat can appoint or change auditors.")
    if not permissions.user_has_object_perm(
        actor, "organisations.manage_organisation", organisation
    ):
        raise PermissionDenied(f"You cannot manage memberships of {organisation.name}.")


def organisation_validate(org: Organisation) -> None:
    """Validate (and normalise) an organisation's fields; raise ValidationError by field."""
    errors: dict[str, list[str]] = {}
    org.name = (org.name or "").strip()
    org.identifier = normalise_identifier(org.identifier)
    if not org.name:
        errors.setdefault("name", []).append("A name is required.")
    if org.kind not in OrganisationKind.values:
        errors.setdefault("kind", []).append(f"Unknown kind {org.kind!r}.")
    else:
        try:
            validate_identifier(org.kind, org.identifier)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    others = Organisation.objects.exclude(pk=org.pk)
    if org.identifier and others.filter(identifier=org.identifier).exists():
        errors.setdefault("identifier", []).append(
            f"An organisation with identifier {org.identifier} already exists."
        )
    if org.name and others.filter(name__iexact=org.name).exists():
        errors.setdefault("name", []).append(f"An organisation named {org.name!r} already exists.")
    if errors:
        raise ValidationError(errors)


def _save_unique(instance, **kwargs) -> None:
    """Save, turning a lost uniqueness race into a validation error."""
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError as exc:
        raise ValidationError(f"Could not save: {exc}") from exc


@transaction.atomic
def organisation_create(
    *, actor, name: str, identifier: str, kind: str, is_active: bool = True, reason: str = ""
) -> Organisation:
    _require_system_secretariat(actor)
    org = Organisation(name=name, identifier=identifier, kind=kind, is_active=is_active)
    organisation_validate(org)
    _save_unique(org)
    permissions.ensure_role_groups(org)
    audit_record(
        actor=actor,
        verb="organisation.created",
        target=org,
        changes=diff(None, snapshot(org, ORGANISATION_FIELDS)),
        reason=reason,
        organisation=org,
    )
    return org


@transaction.atomic
def organisation_update(
    *, actor, organisation: Organisation, reason: str = "", **fields
) -> Organisation:
    _require_system_secretariat(actor)
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(org, ORGANISATION_FIELDS)
    for key, value in fields.items():
        setattr(org, key, value)
    organisation_validate(org)
    changes = diff(before, snapshot(org, ORGANISATION_FIELDS))
    if not changes:
        return org
    _save_unique(org)
    audit_record(
        actor=actor,
        verb="organisation.updated",
        target=org,
        changes=changes,
        reason=reason,
        organisation=org,
    )
    return org


def _retest_signoffs(organisation: Organisation) -> None:
    """Who may sign for the organisation changed: its open sign-offs may become blocked
    or unblocked (``governance.signoffs``; audited there)."""
    from governance.signoffs.services import refresh_pending_for_organisation

    refresh_pending_for_organisation(organisation)


def membership_validate(m: Membership) -> None:
    """Validate a membership's fields; raise ValidationError by field."""
    errors: dict[str, list[str]] = {}
    if m.role not in Role.values:
        errors.setdefault("role", []).append(f"Unknown role {m.role!r}.")
    if m.start_date is None:
        errors.setdefault("start_date", []).append("A start date is required.")
    if m.end_date is not None and m.start_date is not None and m.end_date <= m.start_date:
        errors.setdefault("end_date", []).append("The end date must be after the start date.")
    if not m.organisation.is_active:
        errors.setdefault("organisation", []).append(f"{m.organisation.name} is not active.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def membership_create(
    *,
    actor,
    user,
    organisation: Organisation,
    role: str,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    job_title: str = "",
    reason: str = "",
) -> Membership:
    _require_manager(actor, organisation, role)
    # Re-read the organisation: the caller's copy may be stale (e.g. deactivated meanwhile).
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    membership = Membership(
        user=user,
        organisation=organisation,
        role=role,
        job_title=job_title,
        start_date=start_date or timezone.localdate(),
        end_date=end_date,
    )
    membership_validate(membership)
    membership.save()
    audit_record(
        actor=actor,
        verb="membership.created",
        target=membership,
        changes=diff(None, snapshot(membership, MEMBERSHIP_FIELDS)),
        reason=reason,
        organisation=organisation,
    )
    _retest_signoffs(organisation)
    return membership


@transaction.atomic
def membership_update(*, actor, membership: Membership, reason: str = "", **fields) -> Membership:
    """Change role, title or dates; the new permissions apply at once."""
    allowed = {"role", "job_title", "start_date", "end_date"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    m = Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    _require_manager(actor, m.organisation, m.role, fields.get("role", m.role))
    before = snapshot(m, MEMBERSHIP_FIELDS)
    for key, value in fields.items():
        setattr(m, key, value)
    membership_validate(m)
    changes = diff(before, snapshot(m, MEMBERSHIP_FIELDS))
    if not changes:
        return m
    m.save()
    audit_record(
        actor=actor,
        verb="membership.updated",
        target=m,
        changes=changes,
        reason=reason,
        organisation=m.organisation,
    )
    _retest_signoffs(m.organisation)
    return m


@transaction.atomic
def membership_end(
    *, actor, membership: Membership, end_date: datetime.date | None = None, reason: str = ""
) -> Membership:
    """End a membership (today unless a date is given): access ends on that date."""
    m = Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    _require_manager(actor, m.organisation, m.role)
    end_date = end_date or timezone.localdate()
    if m.end_date is not None and m.end_date <= end_date:
        raise ValidationError({"end_date": "This membership has already ended."})
    if end_date < m.start_date:
        raise ValidationError(
            {
                "end_date": "The end date cannot be before the start date "
                f"({m.start_date:%d %B %Y}); to cancel a future membership, change its dates."
            }
        )
    before = snapshot(m, MEMBERSHIP_FIELDS)
    m.end_date = end_date
    m.save()
    audit_record(
        actor=actor,
        verb="membership.ended",
        target=m,
        changes=diff(before, snapshot(m, MEMBERSHIP_FIELDS)),
        reason=reason,
        organisation=m.organisation,
    )
    _retest_signoffs(m.organisation)
    return m
