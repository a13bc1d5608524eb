"""Taking the decision on a proposal whose partner sign-off is complete.

There are exactly three ways, each naming who decided and under which delegation
(``decisions.authority`` says who may):

- ``proposal_decide_as_officer``: a holder of the officer post the SoRD band delegates
  to (or their named deputy), with a reason;
- ``proposal_decide_at_meeting``: the band's committee (or the board), through the item
  the proposal was tabled as, at a quorate meeting (called by the meetings app); for
  committees in common whose bodies split, ``proposal_decide_in_common`` records each
  body's decision and binds only the organisations whose body approved;
- ``proposal_decide_by_chairs_action``: the committee's chair and one other voting
  member between meetings, for urgency, reported to the committee's next meeting.

A proposal rejected at partner sign-off is entered in the register naming the
signatories who rejected it. No other path writes a register entry.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from decisions import authority, notifications
from decisions.models import (
    SORD_CHANGE_CODE,
    ChairsAction,
    DecidedBy,
    DecisionEntry,
    DecisionOutcome,
    DecisionRoute,
    Proposal,
    ProposalStatus,
)
from decisions.services.sord import sord_change_decided
from governance.audit.services import audit_record
from governance.search.services import search_index_update
from governance.signoffs import selectors as signoff_selectors
from governance.signoffs.models import ConflictDeclaration, SignOffStatus
from governance.workflow import active_process, open_task, run_human_task


def _flow():
    from decisions.flows import DecisionFlow

    return DecisionFlow


def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("sord_band")
        .get(pk=proposal.pk)
    )


def _ready(p: Proposal, *kinds: str) -> None:
    if p.status != ProposalStatus.READY_FOR_DECISION:
        raise ValidationError(
            f"This proposal is {p.get_status_display().lower()}, not ready for decision."
        )
    if p.sord_band is None or p.sord_band.decided_by not in kinds:
        raise ValidationError(_route_message(p))


def _route_message(p: Proposal) -> str:
    band = p.sord_band
    if band is None:
        return "This proposal has not been routed by the SoRD."
    if band.decided_by == DecidedBy.OFFICER:
        return (
            f"Under SoRD v{band.version.number} this decision is delegated to the "
            f"{band.officer_post.title}: a holder of that post (or their deputy) records it."
        )
    return (
        f"Under SoRD v{band.version.number} this decision is reserved to the "
        f"{band.committee.name}: it is taken at a quorate meeting of that body, through its "
        "agenda item, or by chair's action."
    )


def _outcome(outcome: str) -> str:
    if outcome not in (DecisionOutcome.APPROVED, DecisionOutcome.REJECTED):
        raise ValidationError({"outcome": "Choose approved or rejected."})
    return outcome


def _verb(outcome: str) -> str:
    return "proposal.approved" if outcome == DecisionOutcome.APPROVED else "proposal.rejected"


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: "Give the reason for the decision."})
    return reason


def _close(p: Proposal, actor, outcome: str, node, verb: str, reason: str, organisation):
    """Move the proposal to its decided status, completing the flow's decision task."""
    task = open_task(active_process(p, _flow()), node)
    if task is None:
        raise ValidationError("There is no open decision task for this proposal.")

    def record(activation):
        before = p.status
        p.status = (
            ProposalStatus.APPROVED
            if outcome == DecisionOutcome.APPROVED
            else ProposalStatus.REJECTED
        )
        p.save()
        audit_record(
            actor=actor,
            verb=verb,
            target=p,
            organisation=organisation,
            changes={"status": {"before": before, "after": p.status}},
            reason=reason,
        )

    run_human_task(task, actor, record)


@transaction.atomic
def proposal_decide_as_officer(
    *, actor, proposal: Proposal, outcome: str, reason: str
) -> DecisionEntry:
    """The delegated officer (a holder of the band's post, or their deputy) decides."""
    outcome, reason = _outcome(outcome), _reason(reason)
    p = _lock(proposal)
    _ready(p, DecidedBy.OFFICER)
    acting = authority.officer_acting(actor, p)
    if acting is None:
        names = ", ".join(authority.person_name(u) for u in authority.holders(p.sord_band))
        raise PermissionDenied(
            f"Only the {p.sord_band.officer_post.title} ({names or 'post vacant'}) or a named "
            "deputy can take this decision."
        )
    found = authority.conflicted(actor, p)
    if found:
        bodies = ", ".join(sorted({i.related_organisation.name for i in found}))
        raise ValidationError(
            f"You have declared an interest in {bodies}, a party to this decision, so you "
            "cannot take it. Another holder of the post, or a deputy, must decide."
        )
    organisation = p.sord_band.officer_post.organisation
    _close(
        p,
        actor,
        outcome,
        _flow().officer_decision,
        _verb(outcome),
        reason,
        organisation,
    )
    return _enter(
        p,
        outcome=outcome,
        route=DecisionRoute.OFFICER,
        decided_by=f"{acting.label}, {p.sord_band.officer_post.title}",
        deciders=[actor] + ([acting.principal] if acting.principal else []),
        recorded_by=actor,
        notes=reason,
    )


def _at_meeting(proposal: Proposal, item) -> tuple[Proposal, object]:
    """Lock the proposal and check that ``item`` of a meeting of the band's committee is
    about it."""
    if item is None:
        raise ValidationError("A committee's decision is recorded on the agenda item of a meeting.")
    p = _lock(proposal)
    _ready(p, DecidedBy.BOARD, DecidedBy.COMMITTEE)
    committee = item.meeting.committee
    if committee.pk != p.sord_band.committee_id:
        raise ValidationError(f"{committee.name} cannot decide this proposal: " + _route_message(p))
    if (
        item.subject_type_id is None
        or item.subject_id != p.pk
        or not isinstance(item.subject, Proposal)
    ):
        raise ValidationError("The agenda item is not about this proposal.")
    return p, committee


@transaction.atomic
def proposal_decide_at_meeting(
    *,
    actor,
    proposal: Proposal,
    outcome: str,
    item,
    notes: str = "",
    decided_on: datetime.date | None = None,
) -> DecisionEntry:
    """The band's committee decided the proposal at a meeting, on ``item`` (the meetings
    app has checked quorum, conflicts and the votes before calling this)."""
    outcome = _outcome(outcome)
    p, committee = _at_meeting(proposal, item)
    decided_on = decided_on or timezone.localdate()
    _close(
        p,
        actor,
        outcome,
        _flow().board_decision,
        _verb(outcome),
        notes,
        committee.organisation,
    )
    meeting_day = decided_on.strftime("%-d %B %Y")
    return _enter(
        p,
        outcome=outcome,
        route=DecisionRoute.MEETING,
        decided_by=f"the {committee.name}, {meeting_day}, item {item.position}",
        committee=committee,
        meeting_item=item,
        recorded_by=actor,
        notes=notes,
        decided_on=decided_on,
    )


@transaction.atomic
def proposal_decide_in_common(
    *,
    actor,
    proposal: Proposal,
    outcomes: Mapping,
    item,
    notes: str = "",
    decided_on: datetime.date | None = None,
) -> DecisionEntry:
    """Committees in common split on the proposal: ``outcomes`` is {organisation: outcome
    of its own body}. The proposal is approved for, and binds, only the organisations
    whose body approved; the register records each body's decision ("approved by A and
    B, not by C"). Called by the meetings app after each body's quorum and votes."""
    p, committee = _at_meeting(proposal, item)
    bodies = {b.organisation_id: b for b in committee.bodies.all()}
    rows = []
    for org, outcome in sorted(outcomes.items(), key=lambda kv: kv[0].name):
        body = bodies.get(org.pk)
        if body is None:
            raise ValidationError(f"{org.name} has no body in {committee.name}.")
        rows.append(
            {
                "organisation_id": org.pk,
                "organisation": org.name,
                "body": body.name,
                "outcome": str(outcome),
            }
        )
    yes = [r for r in rows if r["outcome"] == DecisionOutcome.APPROVED]
    if not yes or len(yes) == len(rows):
        raise ValidationError(
            "A decision in part needs some bodies to approve and some not to; record one "
            "outcome for all otherwise."
        )
    decided_on = decided_on or timezone.localdate()
    _close(
        p,
        actor,
        DecisionOutcome.APPROVED,
        _flow().board_decision,
        "proposal.approved_in_part",
        notes,
        committee.organisation,
    )
    meeting_day = decided_on.strftime("%-d %B %Y")
    return _enter(
        p,
        outcome=DecisionOutcome.APPROVED_IN_PART,
        route=DecisionRoute.MEETING,
        decided_by=f"the {committee.name}, {meeting_day}, item {item.position}",
        committee=committee,
        meeting_item=item,
        recorded_by=actor,
        notes=notes,
        decided_on=decided_on,
        body_outcomes=rows,
    )


@transaction.atomic
def proposal_decide_by_chairs_action(
    *, actor, proposal: Proposal, outcome: str, reason: str, second_member
) -> DecisionEntry:
    """Chair's action: the chair of the deciding committee and one other voting member
    decide between meetings; listed for report at the committee's next meeting."""
    outcome, reason = _outcome(outcome), _reason(reason)
    p = _lock(proposal)
    _ready(p, DecidedBy.BOARD, DecidedBy.COMMITTEE)
    committee = p.sord_band.committee
    if p.decision_type.code == SORD_CHANGE_CODE:
        raise ValidationError(
            "A change to the SoRD is decided by the board at a meeting, not by chair's action."
        )
    if not authority.is_chair(committee, actor):
        raise PermissionDenied(f"Only the chair of the {committee.name} can take chair's action.")
    if second_member is None:
        raise ValidationError({"second_member": "Name the other voting member who agrees."})
    if second_member.pk == actor.pk or authority.committee_seat(committee, second_member) is None:
        raise ValidationError(
            {"second_member": f"Choose another voting member of the {committee.name}."}
        )
    for person in (actor, second_member):
        if authority.conflicted(person, p):
            raise ValidationError(
                {
                    "second_member" if person is second_member else "outcome": (
                        f"{authority.person_name(person)} has declared an interest in a party "
                        "to this decision and cannot take part in chair's action."
                    )
                }
            )
    action = ChairsAction.objects.create(
        proposal=p,
        committee=committee,
        chair=actor,
        second_member=second_member,
        outcome=outcome,
        reason=reason,
    )
    audit_record(
        actor=actor,
        verb="proposal.chairs_action",
        target=p,
        organisation=committee.organisation,
        changes={
            "committee": committee.pk,
            "chair": actor.pk,
            "second_member": second_member.pk,
            "outcome": outcome,
        },
        reason=reason,
    )
    _close(
        p,
        actor,
        outcome,
        _flow().board_decision,
        _verb(outcome),
        reason,
        committee.organisation,
    )
    names = f"{authority.person_name(actor)} (chair) and {authority.person_name(second_member)}"
    return _enter(
        p,
        outcome=outcome,
        route=DecisionRoute.CHAIRS_ACTION,
        decided_by=f"chair's action of the {committee.name}: {names}",
        deciders=[actor, second_member],
        committee=committee,
        chairs_action=action,
        recorded_by=actor,
        notes=reason,
    )


def enter_rejection_at_signoff(p: Proposal) -> DecisionEntry:
    """The partners did not give the sign-off the rule needs: the register names the
    signatories who rejected (or abstained, under a rule they defeated)."""
    signoffs = signoff_selectors.signoffs_for(p, p.signoff_round)
    refusing = [
        s for s in signoffs if s.status in (SignOffStatus.REJECTED, SignOffStatus.ABSTAINED)
    ]
    people = [s.signatory for s in refusing if s.signatory is not None]
    named = "; ".join(
        f"{authority.person_name(s.signatory)} for {s.organisation.name}"
        for s in refusing
        if s.signatory is not None
    )
    return _enter(
        p,
        outcome=DecisionOutcome.REJECTED,
        route=DecisionRoute.PARTNER_SIGNOFF,
        decided_by=f"partner sign-off not given ({named})" if named else "partner sign-off",
        deciders=people,
        recorded_by=people[-1] if people else None,
    )


def _enter(
    p: Proposal,
    *,
    outcome: str,
    route: str,
    decided_by: str,
    recorded_by,
    deciders=(),
    committee=None,
    meeting_item=None,
    chairs_action=None,
    notes: str = "",
    decided_on: datetime.date | None = None,
    body_outcomes: list | None = None,
) -> DecisionEntry:
    """Write the register entry: who decided, under which delegation and SoRD version."""
    band = p.sord_band
    entry = DecisionEntry.objects.create(
        proposal=p,
        reference=p.reference,
        title=p.title,
        outcome=outcome,
        decided_on=decided_on or timezone.localdate(),
        route=route,
        decided_by=decided_by[:300],
        delegation=band,
        sord_version=band.version if band else None,
        committee=committee,
        meeting_item=meeting_item,
        chairs_action=chairs_action,
        recorded_by=recorded_by,
        notes=notes,
        signoff_summary=_signoff_summary(p),
        conflicts=_conflicts(p),
        is_confidential=p.is_confidential,
        exemption_reason=p.exemption_reason,
        financial_value=p.financial_value,
        body_outcomes=body_outcomes or [],
    )
    entry.deciders.set([d for d in deciders if d is not None])
    if p.decision_type.code == SORD_CHANGE_CODE:
        sord_change_decided(
            actor=recorded_by, proposal=p, outcome=outcome, decided_on=entry.decided_on
        )
    audit_record(
        actor=recorded_by,
        verb="decision.registered",
        target=entry,
        organisation=p.proposing_organisation,
        changes={
            "outcome": outcome,
            "route": route,
            "decided_by": entry.decided_by,
            "deciders": sorted(d.pk for d in entry.deciders.all()),
            "delegation": band.pk if band else None,
            "sord_version": band.version.number if band else None,
            "meeting_item": meeting_item.pk if meeting_item else None,
            "bodies": {b["body"]: b["outcome"] for b in body_outcomes} if body_outcomes else None,
            "proposal": p.reference,
        },
    )
    search_index_update(entry)
    notifications.decided(p, entry)
    return entry


def _signoff_summary(p: Proposal) -> list[dict]:
    signoffs = signoff_selectors.signoffs_for(p, p.signoff_round) if p.signoff_round else []
    return [
        {
            "organisation": s.organisation.name,
            "status": s.status,
            "signatory": s.signatory_label,
            "decided_at": s.decided_at.isoformat() if s.decided_at else None,
            "comment": s.comment,
        }
        for s in signoffs
    ]


def _conflicts(p: Proposal) -> list[dict]:
    return [
        {
            "person": authority.person_name(c.person),
            "organisation": c.signoff.organisation.name,
            # an interest kept off the published register is named only by type and body
            "interest": c.description
            if c.interest.is_published
            else f"{c.interest.get_interest_type_display()} in "
            f"{c.interest.related_organisation.name}",
            "handling": c.handling,
        }
        for c in ConflictDeclaration.objects.filter(
            signoff__subject_type=ContentType.objects.get_for_model(Proposal),
            signoff__subject_id=p.pk,
        ).select_related("person", "signoff__organisation", "interest__related_organisation")
    ]
