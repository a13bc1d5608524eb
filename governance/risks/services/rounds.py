"""Partner sign-off of shared risks, through the shared machinery (governance.signoffs):
acceptance onto each partner's register, and agreement to close or tolerate a risk.

Each round is one ``RiskSignOffFlow`` process with ``process.artifact = risk`` and
``process.data = {"round", "rule": SignOffRule.ALL, "organisations", "purpose"}``; each
partner's signatory decides with ``governance.signoffs.services.signoff_decide`` (web,
API ``/api/v1/signoffs/{id}/decide/``), and the flow calls ``risk_signoff_concluded``
once the outcome is settled.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance.risks import notifications, policy
from governance.risks.models import (
    LIVE_STATUSES,
    PendingChange,
    ReviewTask,
    ReviewTaskStatus,
    Risk,
    RiskStatus,
)
from governance.risks.services import escalation
from governance.risks.services._common import audit, flow, lock
from governance.signoffs import selectors as signoff_selectors
from governance.signoffs.models import SignOffRule, SignOffStatus
from governance.signoffs.rules import Outcome, outcome
from governance.signoffs.services import cancel_open
from governance.workflow import active_process


class Purpose(StrEnum):
    REGISTER = "register"
    CLOSE = "close"
    TOLERATE = "tolerate"


PURPOSE_OF_STATUS = {RiskStatus.CLOSED: Purpose.CLOSE, RiskStatus.TOLERATED: Purpose.TOLERATE}
STATUS_OF_PURPOSE = {Purpose.CLOSE: RiskStatus.CLOSED, Purpose.TOLERATE: RiskStatus.TOLERATED}
STATUS_VERBS = {
    RiskStatus.OPEN: "risk.reopened",
    RiskStatus.TREATED: "risk.treated",
    RiskStatus.TOLERATED: "risk.tolerated",
    RiskStatus.CLOSED: "risk.closed",
}


def start_round(r: Risk, *, purpose: Purpose, organisations) -> None:
    """Open the next sign-off round: one SignOff task per organisation, in parallel."""
    r.signoff_round += 1
    r.save(update_fields=["signoff_round", "updated_at"])
    flow().start.run(
        risk=r,
        data={
            "risk": r.pk,
            "round": r.signoff_round,
            "rule": SignOffRule.ALL,
            "organisations": [o.pk for o in organisations],
            "purpose": str(purpose),
        },
    )


def cancel_round(actor, r: Risk, reason: str) -> int:
    """Cancel the running round (its open sign-offs and its process)."""
    process = active_process(r, flow())
    cancelled = cancel_open(r, reason=f"Cancelled: {reason}")
    if process is not None:
        flow().instance.cancel(process)
    audit(
        actor,
        "risk.signoff_cancelled",
        r,
        {"round": r.signoff_round, "signoffs_cancelled": cancelled},
        reason,
    )
    return cancelled


def register_risk(actor, r: Risk, reason: str) -> Risk:
    """Put the risk on the register (inside the caller's transaction)."""
    before = r.status
    r.status = RiskStatus.OPEN
    r.registered_at = timezone.now()
    r.save(update_fields=["status", "registered_at", "updated_at"])
    audit(actor, "risk.registered", r, {"status": {"before": before, "after": r.status}}, reason)
    notifications.registered(r)
    escalation.escalate_if_needed(
        actor=actor, risk=r, before_score=None, before_threshold=None, trigger="registration"
    )
    return r


def _not_given(r: Risk, rnd: int) -> str:
    refused = [
        s
        for s in signoff_selectors.signoffs_for(r, rnd)
        if s.status in (SignOffStatus.REJECTED, SignOffStatus.ABSTAINED)
    ]
    return "; ".join(
        f"{s.organisation.name} {s.get_status_display().lower()}"
        + (f": {s.comment}" if s.comment else "")
        for s in refused
    )


def risk_signoff_concluded(activation) -> None:
    """Flow callback once the round's outcome is settled (inside the deciding
    signatory's transaction)."""
    r = lock(Risk.objects.get(pk=activation.process.artifact_object_id))
    data = activation.process.data
    rnd, purpose = data["round"], Purpose(data["purpose"])
    result = outcome(data["rule"], signoff_selectors.statuses_of_round(r, rnd))
    if result == Outcome.PENDING:  # defensive: the join continues only once settled
        raise RuntimeError(f"Sign-off round {rnd} of {r.reference} is not settled")
    if rnd != r.signoff_round:
        return  # a superseded round (cancelled rounds do not reach here)
    if purpose == Purpose.REGISTER:
        if r.status != RiskStatus.AWAITING_ACCEPTANCE:
            return
        if result == Outcome.APPROVED:
            register_risk(None, r, "Accepted onto the register of every sharing partner.")
            return
        r.status = RiskStatus.DRAFT
        r.save(update_fields=["status", "updated_at"])
        why = _not_given(r, rnd)
        audit(
            None,
            "risk.not_accepted",
            r,
            {"status": {"before": RiskStatus.AWAITING_ACCEPTANCE, "after": r.status}, "round": rnd},
            why,
        )
        notifications.not_accepted(r, why)
        return
    if r.pending_change != purpose:
        return
    if result == Outcome.APPROVED:
        _apply_status(None, r, STATUS_OF_PURPOSE[purpose], r.pending_reason, agreed=True)
        return
    change = PendingChange(purpose).label.lower()
    why = _not_given(r, rnd)
    r.pending_change, r.pending_reason = PendingChange.NONE, ""
    r.save(update_fields=["pending_change", "pending_reason", "updated_at"])
    audit(
        None,
        f"risk.{purpose}_not_agreed",
        r,
        {"pending_change": {"before": str(purpose), "after": ""}, "round": rnd},
        why,
    )
    notifications.change_not_agreed(r, change, why)


def _apply_status(actor, r: Risk, status: str, reason: str, *, agreed: bool = False) -> None:
    before = r.status
    r.status = status
    r.pending_change, r.pending_reason = PendingChange.NONE, ""
    fields = ["status", "pending_change", "pending_reason", "updated_at"]
    changes: dict = {"status": {"before": before, "after": status}}
    if status == RiskStatus.CLOSED:
        r.closed_at = timezone.now()
        fields.append("closed_at")
        changes["review_tasks_cancelled"] = ReviewTask.objects.filter(
            risk=r, status=ReviewTaskStatus.OPEN
        ).update(status=ReviewTaskStatus.CANCELLED, completed_at=timezone.now())
    r.save(update_fields=fields)
    if agreed:
        reason = f"Agreed by every sharing partner. {reason}".strip()
    audit(actor, STATUS_VERBS[status], r, changes, reason)


@transaction.atomic
def risk_change_status(*, actor, risk: Risk, status: str, reason: str) -> Risk:
    """Treat, tolerate, close or reopen a registered risk. Tolerating or closing a shared
    risk needs every sharing partner's sign-off: the change waits for it."""
    r = lock(risk)
    if not policy.can_change_status(actor, r):
        raise PermissionDenied("You cannot change the status of this risk.")
    if status not in (*LIVE_STATUSES, RiskStatus.CLOSED):
        raise ValidationError({"status": "Choose open, treated, tolerated or closed."})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the status changes."})
    if status == r.status:
        raise ValidationError({"status": f"The risk is already {r.get_status_display().lower()}."})
    if r.pending_change:
        raise ValidationError(
            f"The partners are considering the risk's {r.get_pending_change_display().lower()}: "
            "wait for their sign-off."
        )
    partners = list(r.partners.order_by("name"))
    purpose = PURPOSE_OF_STATUS.get(status)
    if purpose is not None and partners:
        r.pending_change, r.pending_reason = PendingChange(purpose), reason
        r.save(update_fields=["pending_change", "pending_reason", "updated_at"])
        audit(
            actor,
            f"risk.{purpose}_requested",
            r,
            {"pending_change": {"before": "", "after": str(purpose)}},
            reason,
        )
        start_round(r, purpose=purpose, organisations=partners)
        return r
    _apply_status(actor, r, status, reason)
    return r
