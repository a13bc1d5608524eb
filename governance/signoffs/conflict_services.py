"""The chair's decision on how a conflict of interest at sign-off is managed.

NHS England's guidance ("Managing conflicts of interest in the NHS") leaves it to the
chair of the deciding body to decide how a declared conflict is handled. Here the chair
may permit a conflicted signatory (or deputy) to sign one sign-off on stated conditions;
the declaration stays on the record with that handling, and the sign-off unblocks.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance.audit.services import audit_record
from governance.deputies.selectors import person_name
from governance.signoffs import notifications
from governance.signoffs.chairs import chairs_of, deciding_committee
from governance.signoffs.models import (
    ConflictDecision,
    ConflictDeclaration,
    ConflictManagement,
    SignOff,
    SignOffStatus,
)
from governance.signoffs.services import _label, _record_conflicts, refresh_blocked
from governance.signoffs.signers import conflicts_on, signers_of


def conflicted_signers(signoff: SignOff) -> list:
    """Signers of the sign-off's organisation kept from it by a conflict the chair has
    not yet decided on: the people the chair may permit to sign."""
    managed = set(
        ConflictManagement.objects.filter(signoff=signoff).values_list("person_id", flat=True)
    )
    return [
        s
        for s in signers_of(signoff.organisation)
        if s.person.pk not in managed and conflicts_on(signoff, s.person)
    ]


@transaction.atomic
def conflict_manage(
    *, actor, signoff: SignOff, person, conditions: str, reason: str
) -> ConflictManagement:
    """The chair of the deciding body permits ``person`` to sign off ``signoff`` despite
    their declared interest, on ``conditions``. Audited; unblocks the sign-off."""
    signoff = SignOff.objects.select_for_update().select_related("organisation").get(pk=signoff.pk)
    committee = deciding_committee(signoff)
    if committee is None:
        raise ValidationError(
            "No deciding body is set up (not even the ICB board), so no chair can decide."
        )
    if not chairs_of(committee).filter(pk=getattr(actor, "pk", None)).exists():
        raise PermissionDenied(
            f"Only the chair of {committee.name} can decide how this conflict is managed."
        )
    if signoff.status != SignOffStatus.PENDING:
        raise ValidationError(
            f"This sign-off is no longer open ({signoff.get_status_display().lower()})."
        )
    errors: dict[str, list[str]] = {}
    conditions, reason = (conditions or "").strip(), (reason or "").strip()
    if person is None:
        errors["person"] = ["Choose whose conflict you are deciding on."]
    elif person.pk == actor.pk:
        errors["person"] = [
            "You cannot decide how your own conflict is managed: the vice-chair decides."
        ]
    else:
        signer = next((s for s in signers_of(signoff.organisation) if s.person == person), None)
        if signer is None:
            errors["person"] = [
                f"{person_name(person)} is not an authorised signatory (or deputy) of "
                f"{signoff.organisation.name}."
            ]
        elif ConflictManagement.objects.filter(signoff=signoff, person=person).exists():
            errors["person"] = [
                f"How {person_name(person)}'s conflict is managed is already decided."
            ]
        elif not conflicts_on(signoff, person):
            errors["person"] = [f"{person_name(person)} has no declared conflict on this sign-off."]
    if not conditions:
        errors["conditions"] = ["State the conditions on which they may sign."]
    if not reason:
        errors["reason"] = ["Give the reason for your decision."]
    if errors:
        raise ValidationError(errors)
    found = conflicts_on(signoff, person)
    management = ConflictManagement.objects.create(
        signoff=signoff,
        person=person,
        decision=ConflictDecision.PERMITTED_TO_SIGN,
        conditions=conditions,
        reason=reason,
        committee=committee,
        decided_by=actor,
        decided_on=timezone.localdate(),
    )
    _record_conflicts(signoff, person, found, management.handling)
    ConflictDeclaration.objects.filter(signoff=signoff, person=person).update(
        handling=management.handling
    )
    audit_record(
        actor=actor,
        verb="signoff.conflict_managed",
        target=signoff.subject,
        organisation=signoff.organisation,
        target_label=_label(signoff),
        changes={
            "signoff": signoff.pk,
            "round": signoff.round,
            "person": person.pk,
            "decision": management.decision,
            "conditions": conditions,
            "committee": committee.pk,
            "interests": [i.pk for i in found],
        },
        reason=reason,
    )
    refresh_blocked(signoff)
    notifications.conflict_managed(signoff, management)
    return management
