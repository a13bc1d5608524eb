"""Escalation above appetite, and the board's (or committee's) response.

``escalate_if_needed`` runs inside every service that changes a risk's current score
or category (reviews, edits, registration, a change of appetite). When the current
score rises above the category's appetite (or to ``DEFAULT_ESCALATION_SCORE`` with no
appetite set), it records an ``Escalation`` for the responsible committee, or the board
for scores of ``BOARD_ESCALATION_SCORE`` and above. The risk then waits to be tabled
(``selectors.awaiting_board``, used by ``governance.subjects``) until the secretariat
records the response, from the escalated risks page or through a meeting.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance.risks import notifications, policy, scoring
from governance.risks.models import (
    LIVE_STATUSES,
    EscalatedTo,
    Escalation,
    EscalationOutcome,
    EscalationStatus,
    Risk,
    RiskAppetite,
)
from governance.risks.services._common import audit


def appetite_of(risk: Risk) -> int | None:
    try:
        return RiskAppetite.objects.get(category_id=risk.category_id).max_score
    except RiskAppetite.DoesNotExist:
        return None


def threshold_of(risk: Risk) -> int:
    return scoring.escalation_threshold(appetite_of(risk))


def escalate_if_needed(
    *, actor, risk: Risk, before_score: int | None, before_threshold: int | None, trigger: str
) -> Escalation | None:
    """Escalate ``risk`` if its current score has risen above appetite.

    It escalates when the score is at or over the threshold and there is no open
    escalation, and either it was within appetite before (or had no score: newly
    registered), or it is higher than when it was last escalated. Call inside the
    changing transaction, with the risk row locked.
    """
    if risk.status not in LIVE_STATUSES:
        return None
    appetite = appetite_of(risk)
    threshold = scoring.escalation_threshold(appetite)
    now = risk.current_score
    if now < threshold:
        return None
    if Escalation.objects.filter(risk=risk, status=EscalationStatus.OPEN).exists():
        return None
    last = Escalation.objects.filter(risk=risk).order_by("-raised_at", "-pk").first()
    was_within = before_score is None or before_score < (before_threshold or threshold)
    if not (was_within or last is None or now > last.score):
        return None
    committee = risk.category.responsible_committee
    to_board = now >= scoring.BOARD_ESCALATION_SCORE or not committee
    esc = Escalation.objects.create(
        risk=risk,
        escalated_to=EscalatedTo.BOARD if to_board else EscalatedTo.COMMITTEE,
        committee_name="" if to_board else committee,
        likelihood=risk.current_likelihood,
        consequence=risk.current_consequence,
        appetite_max_score=appetite,
        threshold=threshold,
        trigger=trigger,
        raised_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    appetite_text = (
        f"the {risk.category.name.lower()} appetite of {appetite}"
        if appetite is not None
        else f"the default escalation score of {scoring.DEFAULT_ESCALATION_SCORE}"
    )
    audit(
        actor,
        "risk.escalated",
        risk,
        {
            "escalation": esc.pk,
            "score": {"before": before_score, "after": now},
            "threshold": threshold,
            "appetite": appetite,
            "escalated_to": esc.destination,
            "trigger": trigger,
        },
        f"Current score {now} is above {appetite_text}.",
    )
    notifications.escalated(esc)
    return esc


def recheck_category(*, actor, category, before_threshold: int) -> list[Escalation]:
    """After a change of appetite: escalate the category's live risks now above it."""
    raised = []
    for risk in (
        Risk.objects.select_for_update()
        .select_related("category", "owning_organisation")
        .filter(category=category, status__in=LIVE_STATUSES)
        .order_by("pk")
    ):
        esc = escalate_if_needed(
            actor=actor,
            risk=risk,
            before_score=risk.current_score,
            before_threshold=before_threshold,
            trigger="appetite changed",
        )
        if esc is not None:
            raised.append(esc)
    return raised


@transaction.atomic
def escalation_respond(
    *,
    actor,
    escalation: Escalation,
    outcome: str,
    response: str = "",
    decided_on: datetime.date | None = None,
    decided_by: str = "",
) -> Escalation:
    """Record the board's (or committee's) response to an escalated risk. A deferral
    is recorded in the trail and leaves the escalation waiting to be tabled again."""
    if not policy.can_respond_to_escalation(actor):
        raise PermissionDenied("Only the ICB secretariat records the board's response.")
    if outcome not in EscalationOutcome.values:
        raise ValidationError({"outcome": f"Choose one of {', '.join(EscalationOutcome.values)}."})
    esc = (
        Escalation.objects.select_for_update()
        .select_related("risk__owning_organisation")
        .get(pk=escalation.pk)
    )
    if esc.status != EscalationStatus.OPEN:
        raise ValidationError("The board's response to this escalation is already recorded.")
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "A response cannot be dated in the future."})
    response = (response or "").strip()
    decided_by = (decided_by or "").strip()[:200] or esc.destination
    risk = esc.risk
    if outcome == EscalationOutcome.DEFERRED:
        audit(
            actor,
            "risk.escalation_deferred",
            risk,
            {"escalation": esc.pk, "decided_on": decided_on.isoformat(), "decided_by": decided_by},
            response,
        )
        return esc
    esc.status = EscalationStatus.RESPONDED
    esc.outcome = outcome
    esc.response = response
    esc.decided_on = decided_on
    esc.decided_by = decided_by
    esc.recorded_by = actor
    esc.responded_at = timezone.now()
    esc.save()
    audit(
        actor,
        "risk.escalation_responded",
        risk,
        {
            "escalation": esc.pk,
            "outcome": outcome,
            "decided_on": decided_on.isoformat(),
            "decided_by": decided_by,
        },
        response,
    )
    return esc


def on_board_decision(
    risk: Risk,
    *,
    actor,
    outcome: str,
    notes: str = "",
    decided_on=None,
    decided_by: str = "",
    item=None,
) -> Escalation:
    """``governance.subjects`` hook: a meeting recorded its decision on an escalated risk."""
    esc = Escalation.objects.filter(risk=risk, status=EscalationStatus.OPEN).first()
    if esc is None:
        raise ValidationError("This risk has no escalation waiting for a response.")
    return escalation_respond(
        actor=actor,
        escalation=esc,
        outcome=outcome,
        response=notes,
        decided_on=decided_on,
        decided_by=decided_by,
    )
