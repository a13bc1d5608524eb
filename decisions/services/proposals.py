"""State changes of proposals. Every one validates, writes and audits in one transaction;
the decision flow (decisions.flows) calls back into the ``signoff_round_concluded``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from decisions import notifications, policy, sord
from decisions.models import (
    DecidedBy,
    DecisionType,
    Proposal,
    ProposalStatus,
)
from decisions.services import deciding
from decisions.services.sord import sord_change_withdrawn
from governance import permissions, validators
from governance.audit.services import audit_record, diff, snapshot
from governance.organisations.models import Organisation, OrganisationKind, Role
from governance.references.services import reference_next
from governance.search.services import search_index_update
from governance.signoffs import selectors as signoff_selectors
from governance.signoffs.models import SignOffRule
from governance.signoffs.rules import Outcome, outcome
from governance.signoffs.services import cancel_open
from governance.workflow import active_process, open_task, run_human_task

SCALAR_FIELDS = (
    "title",
    "summary",
    "rationale",
    "options_considered",
    "financial_value",
    "decision_type",
    "is_confidential",
    "exemption_reason",
    "host_organisation",
    "lead_officer",
)
M2M_FIELDS = ("affected_organisations", "named_organisations")
# Changing any of these after sign-off began invalidates the sign-offs.
SUBSTANCE_FIELDS = frozenset(SCALAR_FIELDS) - {"lead_officer"} | frozenset(M2M_FIELDS)
AUDIT_FIELDS = (*SCALAR_FIELDS, "proposing_organisation", "status")


def _flow():
    from decisions.flows import DecisionFlow

    return DecisionFlow


def _money(value, field: str = "financial_value") -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").replace("£", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "Enter an amount in pounds, e.g. 125000.00."}) from None
    if not amount.is_finite():
        raise ValidationError({field: "Enter an amount in pounds, e.g. 125000.00."})
    if amount < 0:
        raise ValidationError({field: "The amount cannot be negative."})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: "Amounts are in pounds and pence: at most 2 decimal places."})
    if amount >= Decimal("1e12"):
        raise ValidationError({field: "The amount is too large."})
    return amount.quantize(Decimal("0.01"))


def _snapshot(p: Proposal) -> dict:
    data = snapshot(p, AUDIT_FIELDS)
    if p.pk:
        data["affected_organisations"] = sorted(
            p.affected_organisations.values_list("pk", flat=True)
        )
        data["named_organisations"] = sorted(p.named_organisations.values_list("pk", flat=True))
    return data


def default_host() -> Organisation | None:
    return (
        Organisation.objects.filter(kind=OrganisationKind.ICB, is_active=True)
        .order_by("pk")
        .first()
    )


# Input bounds (governance.validators): the title one line without control or
# text-direction characters; the narrative several lines of at most 20,000 characters.
BOUNDED_TEXT = (
    ("title", False, validators.TITLE_MAX),
    ("summary", True, validators.LONG_TEXT_MAX),
    ("rationale", True, validators.LONG_TEXT_MAX),
    ("options_considered", True, validators.LONG_TEXT_MAX),
    ("exemption_reason", True, validators.LONG_TEXT_MAX),
)


def _validate(p: Proposal, affected: list, named: list) -> None:
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    p.title = (p.title or "").strip()
    p.summary = (p.summary or "").strip()
    p.exemption_reason = (p.exemption_reason or "").strip()
    if not p.title:
        add("title", "Give the proposal a title.")
    for name, multiline, limit in BOUNDED_TEXT:
        problem = validators.plain_text_message(
            getattr(p, name), multiline=multiline, max_length=limit
        )
        if problem:
            add(name, problem)
    if not p.summary:
        add("summary", "Summarise the proposal.")
    if p.is_confidential and not p.exemption_reason:
        add(
            "exemption_reason",
            "A confidential proposal needs the reason it is exempt from publication.",
        )
    if not p.is_confidential:
        p.exemption_reason = ""
    if p.decision_type_id is None:
        add("decision_type", "Choose the type of decision.")
    inactive = [o.name for o in affected + named if not o.is_active]
    if inactive:
        add("affected_organisations", f"Not active: {', '.join(sorted(inactive))}.")
    if p.lead_officer_id and not (
        p.lead_officer.memberships.active()
        .filter(organisation=p.proposing_organisation, role__in=policy.PROPOSER_ROLES)
        .exists()
    ):
        add("lead_officer", f"The lead officer must act for {p.proposing_organisation.name}.")
    if errors:
        raise ValidationError(errors)


def _sync_visibility(p: Proposal, before_orgs: set | None = None) -> None:
    """Parties' role groups may view the proposal, even when it is confidential."""
    parties = set(policy.party_organisations(p))
    if before_orgs:
        removed = before_orgs - parties
        if removed:
            permissions.revoke_from_parties(p, removed, [policy.VIEW_PERM])
    permissions.grant_to_parties(p, parties, {role: [policy.VIEW_PERM] for role in Role.values})


@transaction.atomic
def proposal_create(
    *,
    actor,
    proposing_organisation: Organisation,
    title: str,
    summary: str,
    financial_value,
    decision_type: DecisionType,
    lead_officer=None,
    affected_organisations=(),
    named_organisations=(),
    rationale: str = "",
    options_considered: str = "",
    is_confidential: bool = False,
    exemption_reason: str = "",
    host_organisation: Organisation | None = None,
) -> Proposal:
    if not policy.can_propose_for(actor, proposing_organisation):
        raise PermissionDenied(f"You cannot raise proposals for {proposing_organisation.name}.")
    affected, named = list(affected_organisations), list(named_organisations)
    p = Proposal(
        proposing_organisation=proposing_organisation,
        host_organisation=host_organisation or default_host() or proposing_organisation,
        title=title,
        summary=summary,
        rationale=rationale or "",
        options_considered=options_considered or "",
        financial_value=_money(financial_value),
        decision_type=decision_type,
        lead_officer=lead_officer or actor,
        is_confidential=bool(is_confidential),
        exemption_reason=exemption_reason,
        created_by=actor,
    )
    _validate(p, affected, named)
    p.reference = reference_next("DEC")
    p.save()
    p.affected_organisations.set(affected)
    p.named_organisations.set(named)
    _sync_visibility(p)
    audit_record(
        actor=actor,
        verb="proposal.created",
        target=p,
        organisation=proposing_organisation,
        changes=diff(None, _snapshot(p)),
    )
    search_index_update(p)
    return p


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


@transaction.atomic
def proposal_update(*, actor, proposal: Proposal, reason: str = "", **fields) -> Proposal:
    """Edit a proposal. Changing its substance during sign-off cancels the round's open
    sign-offs and starts a new round, visibly (timeline, audit, e-mails)."""
    unknown = set(fields) - set(SCALAR_FIELDS) - set(M2M_FIELDS)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    p = _lock(proposal)
    if not policy.can_edit(actor, p):
        raise PermissionDenied("You cannot edit this proposal.")
    before = _snapshot(p)
    before_orgs = set(policy.party_organisations(p))
    if "financial_value" in fields:
        fields["financial_value"] = _money(fields["financial_value"])
    for key in SCALAR_FIELDS:
        if key in fields:
            setattr(p, key, fields[key])
    affected = list(fields.get("affected_organisations", p.affected_organisations.all()))
    named = list(fields.get("named_organisations", p.named_organisations.all()))
    _validate(p, affected, named)
    p.save()
    if "affected_organisations" in fields:
        p.affected_organisations.set(affected)
    if "named_organisations" in fields:
        p.named_organisations.set(named)
    changes = diff(before, _snapshot(p))
    if not changes:
        return p
    _sync_visibility(p, before_orgs)
    audit_record(
        actor=actor,
        verb="proposal.updated",
        target=p,
        organisation=p.proposing_organisation,
        changes=changes,
        reason=reason,
    )
    search_index_update(p)
    if set(changes) & SUBSTANCE_FIELDS and p.status in (
        ProposalStatus.IN_SIGNOFF,
        ProposalStatus.READY_FOR_DECISION,
    ):
        _restart_signoff(actor, p, reason or "The proposal's substance was edited.")
    return p


def _restart_signoff(actor, p: Proposal, reason: str) -> None:
    process = active_process(p, _flow())
    cancelled = cancel_open(p, reason=f"Invalidated: {reason}")
    if process is not None:
        _flow().instance.cancel(process)
    audit_record(
        actor=actor,
        verb="proposal.signoff_restarted",
        target=p,
        organisation=p.proposing_organisation,
        changes={
            "round": {"before": p.signoff_round, "after": p.signoff_round + 1},
            "signoffs_invalidated": cancelled,
        },
        reason=reason,
    )
    notifications.signoff_restarted(p, reason)
    _flow().restart.run(proposal=p, data=_start_round(p))


def _start_round(p: Proposal) -> dict:
    """Route the proposal by the SoRD and open the next sign-off round."""
    routing = sord.route(p)
    p.sord_band = routing.band
    p.decided_by = routing.decided_by
    p.decider_label = routing.decider_label
    p.signoff_rule = routing.signoff_rule
    p.signoff_round += 1
    p.status = ProposalStatus.IN_SIGNOFF
    p.save()
    return {
        "proposal": p.pk,
        "round": p.signoff_round,
        "rule": routing.signoff_rule,
        "organisations": [o.pk for o in routing.signing_organisations],
    }


def _check_submittable(p: Proposal) -> None:
    routing = sord.route(p)  # raises if no band covers the value
    if (
        routing.signoff_rule in (SignOffRule.ALL, SignOffRule.MAJORITY)
        and not routing.signing_organisations
    ):
        raise ValidationError(
            {
                "affected_organisations": "Name the partner organisations this decision binds: "
                f"under the SoRD, {routing.band.get_signoff_rule_display().lower()}."
            }
        )


@transaction.atomic
def proposal_submit(*, actor, proposal: Proposal) -> Proposal:
    p = _lock(proposal)
    if not policy.can_submit(actor, p):
        raise PermissionDenied("You cannot submit this proposal.")
    if p.status not in (ProposalStatus.DRAFT, ProposalStatus.RETURNED):
        raise ValidationError(
            f"A proposal that is {p.get_status_display().lower()} cannot be submitted."
        )
    _check_submittable(p)
    before = p.status
    p.status = ProposalStatus.SUBMITTED
    p.submitted_at = timezone.now()
    p.save()
    audit_record(
        actor=actor,
        verb="proposal.resubmitted" if before == ProposalStatus.RETURNED else "proposal.submitted",
        target=p,
        organisation=p.proposing_organisation,
        changes={"status": {"before": before, "after": p.status}},
    )
    _flow().start.run(proposal=p)
    return p


@transaction.atomic
def proposal_review(*, actor, proposal: Proposal, accept: bool, reason: str = "") -> Proposal:
    """The secretariat accepts a submitted proposal (routing it by the SoRD) or returns it."""
    if not policy.can_review(actor):
        raise PermissionDenied("Only the ICB secretariat reviews proposals.")
    p = _lock(proposal)
    if p.status != ProposalStatus.SUBMITTED:
        raise ValidationError(
            f"Only submitted proposals are reviewed; this one is {p.get_status_display().lower()}."
        )
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": "Say why the proposal is returned, so it can be revised."})
    if accept:
        _check_submittable(p)
    task = open_task(active_process(p, _flow()), _flow().review)
    if task is None:
        raise ValidationError("There is no open review task for this proposal.")

    def record(activation):
        before = p.status
        if accept:
            activation.process.data = {**_start_round(p), "accepted": True}
        else:
            p.status = ProposalStatus.RETURNED
            p.return_reason = reason
            p.save()
            activation.process.data = {**activation.process.data, "accepted": False}
        activation.process.save()
        audit_record(
            actor=actor,
            verb="proposal.accepted" if accept else "proposal.returned",
            target=p,
            organisation=permissions_org(actor),
            changes={"status": {"before": before, "after": p.status}},
            reason=reason,
        )

    run_human_task(task, actor, record)
    if not accept:
        notifications.returned(p)
    return Proposal.objects.get(pk=p.pk)


def permissions_org(actor) -> Organisation | None:
    """The organisation the actor acts for as secretariat (for the audit record)."""
    m = (
        permissions.active_memberships(actor)
        .filter(role=Role.SECRETARIAT)
        .select_related("organisation")
        .first()
    )
    return m.organisation if m else None


def signoff_round_concluded(activation) -> None:
    """Flow callback once every sign-off of a round is in (or the outcome is settled).

    Rejected: the register names the signatories who refused. Otherwise the proposal is
    ready for decision by the decision-maker its SoRD band names — an officer post's
    holders (their inbox) or a committee (tabled at its next meeting, or chair's action).
    """
    p = _lock(Proposal.objects.get(pk=activation.process.artifact_object_id))
    rnd = activation.process.data["round"]
    statuses = signoff_selectors.statuses_of_round(p, rnd)
    result = outcome(p.signoff_rule, statuses)
    if result == Outcome.PENDING:  # defensive: the join only continues once settled
        raise RuntimeError(f"Sign-off round {rnd} of {p.reference} is not settled")
    if result == Outcome.REJECTED:
        p.status = ProposalStatus.REJECTED
        p.save()
        audit_record(
            actor=None,
            verb="proposal.rejected_at_signoff",
            target=p,
            organisation=p.proposing_organisation,
            changes={
                "status": {"before": ProposalStatus.IN_SIGNOFF, "after": p.status},
                "rule": p.signoff_rule,
            },
            reason=f"Partner sign-off not given ({SignOffRule(p.signoff_rule).label.lower()}).",
        )
        deciding.enter_rejection_at_signoff(p)
        return
    p.status = ProposalStatus.READY_FOR_DECISION
    p.save()
    waiting = "awaiting_officer" if p.decided_by == DecidedBy.OFFICER else "awaiting_board"
    activation.process.data = {**activation.process.data, waiting: True}
    activation.process.save()
    audit_record(
        actor=None,
        verb="proposal.ready_for_decision",
        target=p,
        organisation=p.proposing_organisation,
        changes={"status": {"before": ProposalStatus.IN_SIGNOFF, "after": p.status}},
        reason=f"Partner sign-off complete; for decision by {p.decider_label} "
        f"under SoRD v{p.sord_band.version.number}.",
    )
    notifications.ready_for_decision(p)


@transaction.atomic
def proposal_withdraw(*, actor, proposal: Proposal, reason: str) -> Proposal:
    p = _lock(proposal)
    if not policy.can_withdraw(actor, p):
        raise PermissionDenied("You cannot withdraw this proposal.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the proposal is withdrawn."})
    before = p.status
    cancelled = cancel_open(p, reason=f"Proposal withdrawn: {reason}")
    process = active_process(p, _flow())
    if process is not None:
        _flow().instance.cancel(process)
    p.status = ProposalStatus.WITHDRAWN
    p.withdraw_reason = reason
    p.save()
    sord_change_withdrawn(actor=actor, proposal=p)
    audit_record(
        actor=actor,
        verb="proposal.withdrawn",
        target=p,
        organisation=p.proposing_organisation,
        changes={"status": {"before": before, "after": p.status}, "signoffs_cancelled": cancelled},
        reason=reason,
    )
    return p
