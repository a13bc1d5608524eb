"""Deciding sign-offs. Every decision is audited in the same transaction as the flow step."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance import permissions, subjects
from governance.audit.batch import audit_batch
from governance.audit.services import audit_record
from governance.signoffs import notifications
from governance.signoffs.models import ConflictDeclaration, SignOff, SignOffStatus
from governance.signoffs.signers import (
    conflicts_on,
    management_for,
    parties_of,
    signer_for,
    signers_of,
)

# parties_of: re-exported
__all__ = ["parties_of", "refresh_blocked", "signoff_decide", "signoff_set_due"]

OUTCOMES = {
    "approve": SignOffStatus.APPROVED,
    "reject": SignOffStatus.REJECTED,
    "abstain": SignOffStatus.ABSTAINED,
}


def _conflict_message(interests) -> str:
    names = ", ".join(sorted({i.related_organisation.name for i in interests}))
    return (
        f"You have declared an interest in {names}, a party to this decision, so you cannot "
        "sign it off. Another authorised signatory of your organisation (or a deputy) must "
        "act, or the chair of the deciding body may decide how the conflict is managed."
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
    """Record every signer's conflicts; mark the sign-off blocked if none is free.

    Signers are the organisation's signatories and their deputies in office today; a
    conflict the chair has decided how to manage leaves the person free to sign."""
    parties = parties_of(signoff)
    free = 0
    for signer in signers_of(signoff.organisation):
        found = conflicts_on(signoff, signer.person, parties)
        if not found:
            free += 1
            continue
        managed = management_for(signoff, signer.person)
        if managed is not None:
            free += 1
            handling = managed.handling
        elif signer.is_deputy:
            handling = (
                f"Excluded from signing off for {signoff.organisation.name} (as {signer.label})."
            )
        else:
            handling = f"Excluded from signing off for {signoff.organisation.name}."
        _record_conflicts(signoff, signer.person, found, handling)
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
            reason="Every authorised signatory (and deputy) has a declared conflict of interest."
            if blocked
            else "A signatory (or deputy) free to sign is available.",
        )
        if blocked:
            notifications.signoff_blocked(signoff)
    return blocked


def _refresh_pending(org_ids) -> int:
    pending = SignOff.objects.filter(
        status=SignOffStatus.PENDING, organisation_id__in=list(org_ids)
    ).select_related("organisation")
    count = 0
    for signoff in pending:
        refresh_blocked(signoff)
        count += 1
    return count


def refresh_pending_for(person) -> int:
    """Re-test the open sign-offs of the organisations ``person`` signs for (in their own
    right or as a deputy), after their register of interests changed: a new interest can
    block a sign-off, an ended one can unblock it. Returns how many were looked at."""
    return _refresh_pending(permissions.signing_organisation_ids(person))


def refresh_pending_for_organisation(organisation) -> int:
    """Re-test the organisation's open sign-offs after who may sign for it changed (a
    signatory membership or a deputy appointment began or ended)."""
    return _refresh_pending([organisation.pk])


def refresh_all_pending() -> int:
    """Re-test every open sign-off: run daily, as appointments and memberships start and
    end by date."""
    return _refresh_pending(
        SignOff.objects.filter(status=SignOffStatus.PENDING)
        .values_list("organisation_id", flat=True)
        .distinct()
    )


def _subject_of(signoff: SignOff, given: SignOff):
    """The sign-off's subject, reusing the one the caller already read with ``given``
    (e.g. the API's prefetch) when it is the same record."""
    if (
        SignOff.subject.is_cached(given)
        and given.subject_type_id == signoff.subject_type_id
        and given.subject_id == signoff.subject_id
        and given.subject is not None
    ):
        signoff.subject = given.subject
    return signoff.subject


def signoff_decide(*, actor, signoff: SignOff, outcome: str, comment: str = "") -> SignOff:
    """Approve, reject or abstain for the sign-off's organisation, and move the flow on.

    Returns the decided sign-off with its organisation and subject already read (an API
    answer can serialise it without reading them again)."""
    status = OUTCOMES.get(outcome)
    if status is None:
        raise ValidationError({"outcome": "Choose approve, reject or abstain."})
    comment = (comment or "").strip()
    if status == SignOffStatus.REJECTED and not comment:
        raise ValidationError({"comment": "Give the reason for rejecting."})
    given = signoff
    signoff = SignOff.objects.select_related("organisation", "task").get(pk=signoff.pk)
    subject = _subject_of(signoff, given)
    signer = signer_for(actor, signoff.organisation)
    if signer is None:
        raise PermissionDenied(
            f"Only an authorised signatory of {signoff.organisation.name} (or a signatory's "
            "deputy, within the dates of the appointment) can sign this off."
        )
    found = conflicts_on(signoff, actor)
    managed = management_for(signoff, actor) if found else None
    if found and managed is None:
        with transaction.atomic():
            _record_conflicts(
                signoff, actor, found, "Prevented from signing off; another signatory must act."
            )
            refresh_blocked(signoff)
        raise ValidationError(_conflict_message(found))

    task = signoff.task
    if task is None:
        raise ValidationError("This sign-off is no longer part of a running workflow.")
    # audit_batch: the sign-off's event and those of the flow steps it sets off (the
    # round's conclusion) are appended in order at the end, so the chain head is locked
    # only for the appends, not while the flow moves on
    with audit_batch(), task.activation() as activation:
        locked = SignOff.objects.select_for_update().get(pk=signoff.pk)
        if locked.status != SignOffStatus.PENDING:
            raise ValidationError(
                f"This sign-off is no longer open ({locked.get_status_display().lower()})."
            )
        # the organisation and the subject were read above: neither changes with a sign-off
        locked.organisation = signoff.organisation
        locked.subject = subject
        if activation.task.owner_id is None:
            activation.assign(actor)
        elif activation.task.owner_id != actor.pk:
            raise ValidationError("Another signatory is completing this sign-off.")
        activation.start(None)
        if managed is not None:
            _record_conflicts(locked, actor, found, managed.handling)
        locked.status = status
        locked.comment = comment
        locked.signatory = actor
        locked.on_behalf_of = signer.principal
        locked.deputy_appointment = signer.appointment
        locked.decided_at = timezone.now()
        locked.save(
            update_fields=[
                "status",
                "comment",
                "signatory",
                "on_behalf_of",
                "deputy_appointment",
                "decided_at",
            ]
        )
        changes = {
            "signoff": locked.pk,
            "round": locked.round,
            "organisation": locked.organisation_id,
            "status": {"before": SignOffStatus.PENDING, "after": status},
            "signatory": signer.label,
        }
        if signer.is_deputy:
            changes["on_behalf_of"] = signer.principal.pk
            changes["deputy_appointment"] = signer.appointment.pk
        if managed is not None:
            changes["conflict_management"] = managed.pk
        audit_record(
            actor=actor,
            verb=f"signoff.{status}",
            target=subject,
            organisation=locked.organisation,
            changes=changes,
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


def can_set_due(user, signoff: SignOff) -> bool:
    """The ICB secretariat, or the secretariat of the organisation signing off."""
    from governance.organisations.models import Role

    return permissions.is_system_secretariat(user) or permissions.has_role(
        user, Role.SECRETARIAT, signoff.organisation
    )


def signoff_set_due(*, actor, signoff: SignOff, due_on, reason: str) -> SignOff:
    """Move an open sign-off's due date (e.g. off a bank holiday, or for a long paper)."""
    import datetime

    reason = (reason or "").strip()
    with transaction.atomic():
        locked = (
            SignOff.objects.select_for_update().select_related("organisation").get(pk=signoff.pk)
        )
        if not can_set_due(actor, locked):
            raise PermissionDenied(
                f"Only the ICB secretariat or the secretariat of {locked.organisation.name} "
                "can change when this sign-off is due."
            )
        if locked.status != SignOffStatus.PENDING:
            raise ValidationError(
                f"This sign-off is no longer open ({locked.get_status_display().lower()})."
            )
        errors = {}
        if not isinstance(due_on, datetime.date):
            errors["due_on"] = "Give the date the sign-off is due."
        elif due_on < timezone.localtime(locked.requested_at).date():
            errors["due_on"] = "The due date cannot be before sign-off was requested."
        if not reason:
            errors["reason"] = "Say why the due date changes."
        if errors:
            raise ValidationError(errors)
        before = locked.due_on
        if before == due_on:
            return locked
        locked.due_on = due_on
        locked.save(update_fields=["due_on"])
        audit_record(
            actor=actor,
            verb="signoff.due_changed",
            target=locked.subject,
            organisation=locked.organisation,
            target_label=_label(locked),
            changes={
                "signoff": locked.pk,
                "round": locked.round,
                "due_on": {
                    "before": before.isoformat() if before else None,
                    "after": due_on.isoformat(),
                },
            },
            reason=reason,
        )
    return locked
