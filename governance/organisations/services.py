"""State changes for organisations and memberships. Each writes its audit event."""

from __future__ import annotations

import datetime
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from governance import permissions
from governance.audit.services import audit_record, diff, snapshot
from governance.organisations.identifiers import normalise_identifier, validate_identifier
from governance.organisations.models import Membership, Organisation, OrganisationKind, Role

ORGANISATION_FIELDS = (
    "name",
    "identifier",
    "kind",
    "is_active",
    "address",
    "postcode",
    "opened_on",
    "closed_on",
)
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


# a UK postcode (Royal Mail's format): outward code, a space, inward code; and GIR 0AA
POSTCODE = re.compile(r"(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) [0-9][A-Z]{2}")


def normalise_postcode(value: str) -> str:
    """Upper case, one space before the inward code: " ls1  4hr" and "LS14HR" → "LS1 4HR"."""
    compact = "".join((value or "").upper().split())
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


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
    lines = (line.strip() for line in (org.address or "").splitlines())
    org.address = "\n".join(line for line in lines if line)
    org.postcode = normalise_postcode(org.postcode)
    if org.postcode and not POSTCODE.fullmatch(org.postcode):
        errors.setdefault("postcode", []).append(
            "Enter a real UK postcode, like LS1 4HR or WF1 1LT."
        )
    if org.opened_on and org.closed_on and org.closed_on < org.opened_on:
        errors.setdefault("closed_on", []).append(
            "The close date must not be before the open date."
        )
    if errors:
        raise ValidationError(errors)


ADDRESS_FIELDS = ("address", "postcode", "opened_on", "closed_on")


def _created_snapshot(org: Organisation) -> dict:
    """A new organisation's fields for its audit event; the address and dates only when
    given (most partners are added without them)."""
    fields = snapshot(org, ORGANISATION_FIELDS)
    return {k: v for k, v in fields.items() if k not in ADDRESS_FIELDS or v not in ("", None)}


def _save_unique(instance, **kwargs) -> None:
    """Save, turning a lost uniqueness race into a validation error."""
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError as exc:
        raise ValidationError(f"Could not save: {exc}") from exc


@transaction.atomic
def organisation_create(
    *,
    actor,
    name: str,
    kind: str,
    identifier: str = "",
    is_active: bool = True,
    reason: str = "",
    address: str = "",
    postcode: str = "",
    opened_on: datetime.date | None = None,
    closed_on: datetime.date | None = None,
) -> Organisation:
    """Add a partner organisation (the ICB secretariat). NHS bodies and councils need their
    official code; other partners may have none."""
    _require_system_secretariat(actor)
    org = Organisation(
        name=name,
        identifier=identifier,
        kind=kind,
        is_active=is_active,
        address=address,
        postcode=postcode,
        opened_on=opened_on,
        closed_on=closed_on,
    )
    organisation_validate(org)
    _save_unique(org)
    permissions.ensure_role_groups(org)
    audit_record(
        actor=actor,
        verb="organisation.created",
        target=org,
        changes=diff(None, _created_snapshot(org)),
        reason=reason,
        organisation=org,
    )
    return org


@transaction.atomic
def organisation_update(
    *, actor, organisation: Organisation, reason: str = "", **fields
) -> Organisation:
    """Change an organisation's fields. Deactivating it (``is_active=False``) also ends
    every membership still in force or yet to start, each audited."""
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
    if "is_active" in changes and not org.is_active:
        _end_all_memberships(actor=actor, organisation=org, reason=reason)
    return org


@transaction.atomic
def organisation_deactivate(*, actor, organisation: Organisation, reason: str) -> Organisation:
    """Deactivate an organisation that has left the system (the ICB secretariat, with a
    reason). Its people lose their access today: every membership in force ends today and
    every future one is cancelled, each with its own audit event. Records it was party to
    are kept."""
    _require_system_secretariat(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the organisation is being deactivated."})
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not org.is_active:
        raise ValidationError({"is_active": f"{org.name} is already inactive."})
    return organisation_update(actor=actor, organisation=org, is_active=False, reason=reason)


@transaction.atomic
def organisation_reactivate(*, actor, organisation: Organisation, reason: str = "") -> Organisation:
    """Make an inactive organisation active again. Ended memberships stay ended: its
    secretariat (or the ICB secretariat) adds its people again."""
    _require_system_secretariat(actor)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if org.is_active:
        raise ValidationError({"is_active": f"{org.name} is already active."})
    return organisation_update(actor=actor, organisation=org, is_active=True, reason=reason)


def _end_all_memberships(*, actor, organisation: Organisation, reason: str) -> int:
    """End today every membership of ``organisation`` still in force, and cancel (end on
    their start date) those yet to start. Returns how many changed."""
    today = timezone.localdate()
    open_memberships = (
        Membership.objects.select_for_update()
        .filter(organisation=organisation)
        .exclude(end_date__isnull=False, end_date__lte=today)
        .order_by("pk")
    )
    count = 0
    for m in open_memberships:
        before = snapshot(m, MEMBERSHIP_FIELDS)
        m.end_date = max(today, m.start_date)
        m.save(update_fields=["end_date"])
        audit_record(
            actor=actor,
            verb="membership.ended",
            target=m,
            changes=diff(before, snapshot(m, MEMBERSHIP_FIELDS)),
            reason=reason or f"{organisation.name} deactivated",
            organisation=organisation,
        )
        count += 1
    return count


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


# --- people -----------------------------------------------------------------------------

PERSON_FIELDS = ("username", "first_name", "last_name", "email", "is_active")


def _clean_person(first_name: str, last_name: str, email: str) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    email = (email or "").strip().lower()
    for field, value, label in (
        ("first_name", first_name, "first name"),
        ("last_name", last_name, "last name"),
    ):
        if not value:
            errors.setdefault(field, []).append(f"Enter the person's {label}.")
        elif len(value) > 150:
            errors.setdefault(field, []).append("At most 150 characters.")
    if not email:
        errors.setdefault("email", []).append("Enter the person's work e-mail address.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append(
                "Enter an e-mail address in the form name@example.nhs.uk."
            )
    if errors:
        raise ValidationError(errors)
    return first_name, last_name, email


@transaction.atomic
def person_invite(
    *,
    actor,
    organisation: Organisation,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    job_title: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    reason: str = "",
) -> Membership:
    """Add a person to an organisation in a role (its secretariat or the ICB secretariat).

    A person new to the system gets an account named after their e-mail address, with no
    usable password (they set one through the invitation link); there is no
    self-registration. A person who already has an account (same e-mail) gets the new
    membership on that account. Both steps are audited; bad input writes nothing.
    """
    _require_manager(actor, organisation, role)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    errors: dict[str, list[str]] = {}
    try:
        first_name, last_name, email = _clean_person(first_name, last_name, email)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    candidate = Membership(
        organisation=organisation,
        role=role,
        job_title=(job_title or "").strip(),
        start_date=start_date or timezone.localdate(),
        end_date=end_date,
    )
    try:
        membership_validate(candidate)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    User = get_user_model()
    user = None
    if "email" not in errors:
        user = User.objects.filter(email__iexact=email).order_by("pk").first()
        if user is None and User.objects.filter(username__iexact=email).exists():
            errors["email"] = ["An account with this name already exists; ask the ICB secretariat."]
        elif user is not None and not user.is_active:
            errors["email"] = ["This person's account is disabled; ask the ICB secretariat."]
        elif user is not None and not errors:
            clash = Membership.objects.filter(user=user, organisation=organisation, role=role)
            end = candidate.end_date
            clash = clash.filter(
                models.Q(end_date__isnull=True) | models.Q(end_date__gt=candidate.start_date)
            )
            if end is not None:
                clash = clash.filter(start_date__lt=end)
            if clash.exists():
                errors["role"] = [
                    f"{user.get_full_name() or email} already has this role in "
                    f"{organisation.name} for some of these dates."
                ]
    if errors:
        raise ValidationError(errors)
    if user is None:
        user = User(username=email, first_name=first_name, last_name=last_name, email=email)
        user.set_unusable_password()
        _save_unique(user)
        audit_record(
            actor=actor,
            verb="person.invited",
            target=user,
            changes=diff(None, snapshot(user, PERSON_FIELDS)),
            reason=reason,
            organisation=organisation,
            target_label=f"{first_name} {last_name}",
        )
    return membership_create(
        actor=actor,
        user=user,
        organisation=organisation,
        role=role,
        job_title=candidate.job_title,
        start_date=candidate.start_date,
        end_date=candidate.end_date,
        reason=reason,
    )
