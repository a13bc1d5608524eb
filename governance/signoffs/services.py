"""Deciding sign-offs. Every decision is audited in the same transaction as the flow step."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance import permissions, subjects
from governance.audit.services import audit_record
from governance.interests.selectors import conflicts
from governance.organisations.models import Role
from governance.signoffs import notifications
from governance.signoffs.models import ConflictDeclaration, SignOff, SignOffStatus

OUTCOMES = {
    "approve": SignOffStatus.APPROVED,
    "reject": SignOffStatus.REJECTED,
    "abstain": SignOffStatus.ABSTAINED,
}


def parties_of(signoff: SignOff) -> list:
    subject = signoff.subject
    return list(subjects.for_model(subject).parties(subject))


def _conflict_message(interests) -> str:
    names = ", ".join(sorted({i.related_organisation.name for i in interests}))
    return (
        f"You have declared an interest in {names}, a party to this decision, so you cannot "
        "sign it off. Another authorised signatory of your organisation must act."
    )


def _record_conflicts(signoff: SignOff, person, interests, handling: str) -> None:
    for interest in interests:
        _declaration, created = ConflictDeclaration.objects.get_or_create(
            signoff=signoff,
            person=person,
            interest=interest,
            defaults={
                "description": f"{interest.get_interest_type_display()} in "
                f"{interest.related_organisation.name}: {interest.description}",
                "handling": handling,
            },
        )
        if created:
            audit_record(
                actor=None,
                verb="signoff.conflict_recorded",
                target=signoff.subject,
                organisation=signoff.organisation,
                target_label=_label(signoff),
                changes={
                    "signoff": signoff.pk,
                    "round": signoff.round,
                    "person": person.pk,
                    "interest": interest.pk,
                },
                reason=handling,
            )


def _label(signoff: SignOff) -> str:
    subject = signoff.subject
    return subjects.for_model(subject).label(subject)


def refresh_blocked(signoff: SignOff) -> bool:
    """Record every signatory's conflicts; mark the sign-off blocked if none is free."""
    parties = parties_of(signoff)
    signatories = list(notifications.signatories_of(signoff.organisation))
    free = 0
    for person in signatories:
        found = list(conflicts(person, parties))
        if found:
            _record_conflicts(
                signoff,
                person,
                found,
                f"Excluded from signing off for {signoff.organisation.name}.",
            )
        else:
            free += 1
    blocked = free == 0
    if blocked != signoff.blocked:
        SignOff.objects.filter(pk=signoff.pk).update(blocked=blocked)
        signoff.blocked = blocked
        audit_record(
            actor=None,
            verb="signoff.blocked" if blocked else "signoff.unblocked",
            target=signoff.subject,
            organisation=signoff.organisation,
            target_label=_label(signoff),
            changes={
                "signoff": signoff.pk,
                "round": signoff.round,
                "blocked": {"before": not blocked, "after": blocked},
            },
            reason="Every authorised signatory has a declared conflict of interest."
            if blocked
            else "A signatory free of conflict is available.",
        )
        if blocked:
            notifications.signoff_blocked(signoff)
    return blocked


def refresh_pending_for(person) -> int:
    """Re-test the open sign-offs of the organisations ``person`` signs for, after their
    register of interests changed: a new interest can block a sign-off, an ended one can
    unblock it. Returns how many sign-offs were looked at."""
    org_ids = permissions.organisation_ids(person, roles=[Role.SIGNATORY])
    pending = SignOff.objects.filter(
        status=SignOffStatus.PENDING, organisation_id__in=org_ids
    ).select_related("organisation")
    count = 0
    for signoff in pending:
        refresh_blocked(signoff)
        count += 1
    return count


def signoff_decide(*, actor, signoff: SignOff, outcome: str, comment: str = "") -> SignOff:
    """Approve, reject or abstain for the sign-off's organisation, and move the flow on."""
    status = OUTCOMES.get(outcome)
    if status is None:
        raise ValidationError({"outcome": "Choose approve, reject or abstain."})
    comment = (comment or "").strip()
    if status == SignOffStatus.REJECTED and not comment:
        raise ValidationError({"comment": "Give the reason for rejecting."})
    signoff = SignOff.objects.select_related("organisation", "task").get(pk=signoff.pk)
    if not permissions.can_sign_for(actor, signoff.organisation):
        raise PermissionDenied(
            f"Only an authorised signatory of {signoff.organisation.name} can sign this off."
        )
    found = list(conflicts(actor, parties_of(signoff)))
    if found:
        with transaction.atomic():
            _record_conflicts(
                signoff, actor, found, "Prevented from signing off; another signatory must act."
            )
            refresh_blocked(signoff)
        raise ValidationError(_conflict_message(found))

    task = signoff.task
    if task is None:
        raise ValidationError("This sign-off is no longer part of a running workflow.")
    with transaction.atomic(), task.activation() as activation:
        locked = SignOff.objects.select_for_update().get(pk=signoff.pk)
        if locked.status != SignOffStatus.PENDING:
            raise ValidationError(
                f"This sign-off is no longer open ({locked.get_status_display().lower()})."
            )
        if activation.task.owner_id is None:
            activation.assign(actor)
        elif activation.task.owner_id != actor.pk:
            raise ValidationError("Another signatory is completing this sign-off.")
        activation.start(None)
        locked.status = status
        locked.comment = comment
        locked.signatory = actor
        locked.decided_at = timezone.now()
        locked.save()
        subject = locked.subject
        audit_record(
            actor=actor,
            verb=f"signoff.{status}",
            target=subject,
            organisation=locked.organisation,
            changes={
                "signoff": locked.pk,
                "round": locked.round,
                "organisation": locked.organisation_id,
                "status": {"before": SignOffStatus.PENDING, "after": status},
            },
            reason=comment,
            target_label=_label(locked),
        )
        activation.execute()
    return locked


def cancel_open(subject, *, reason: str) -> int:
    """Mark the subject's pending sign-offs cancelled (their tasks are cancelled by the
    flow). Returns how many were open."""
    from django.contrib.contenttypes.models import ContentType

    return SignOff.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        status=SignOffStatus.PENDING,
    ).update(status=SignOffStatus.CANCELLED, decided_at=timezone.now(), cancel_reason=reason)
