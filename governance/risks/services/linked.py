"""Risks raised and closed by another app's finding (e.g. a partner's forecast overspend
past the system envelope's threshold, found by ``budgets``).

The calling app has already authorised the action that led to the finding (a partner's
return, say), so these services do not ask whether ``actor`` may raise risks for the
owning organisation: ``actor`` is the person whose action caused the finding (or None
when a scheduled re-check found it) and is recorded in the audit trail with ``source``
as the reason. The risk's owner must act for the owning organisation. A risk shared
with partners goes to them for acceptance onto their registers, as any shared risk.

Closing: a risk not yet on the register (draft, or awaiting acceptance) is closed at
once (its acceptance round cancelled); a registered risk shared with partners asks the
partners to agree its closure (their usual sign-off round); an unshared one closes.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.audit.services import diff
from governance.references.services import reference_next
from governance.risks import policy
from governance.risks.models import (
    Assessment,
    AssessmentKind,
    PendingChange,
    ReviewFrequency,
    Risk,
    RiskCategory,
    RiskStatus,
)
from governance.risks.services import rounds
from governance.risks.services._common import Errors, audit, lock, risk_snapshot
from governance.risks.services.risks import _clean, next_review_from


@transaction.atomic
def risk_raise_for_finding(
    *,
    actor,
    owning_organisation,
    owner,
    partners,
    category: RiskCategory,
    title: str,
    cause: str,
    event: str,
    effect: str,
    likelihood: int,
    consequence: int,
    target_likelihood: int,
    target_consequence: int,
    source: str,
    review_frequency: str = ReviewFrequency.MONTHLY,
) -> Risk:
    """Raise a risk owned by ``owning_organisation`` and submit it at once (shared with
    ``partners``, who accept it onto their registers). Returns the risk."""
    if owner is None or not policy.can_own(owner, owning_organisation):
        raise ValidationError({"owner": f"The risk owner must act for {owning_organisation}."})
    partners = [p for p in partners if p.pk != owning_organisation.pk]
    r = Risk(owning_organisation=owning_organisation, created_by=owner, status=RiskStatus.DRAFT)
    values = {
        "title": title,
        "cause": cause,
        "event": event,
        "effect": effect,
        "category": category,
        "owner": owner,
        "inherent_likelihood": likelihood,
        "inherent_consequence": consequence,
        "current_likelihood": likelihood,
        "current_consequence": consequence,
        "target_likelihood": target_likelihood,
        "target_consequence": target_consequence,
        "review_frequency": review_frequency,
    }
    errors = Errors()
    _clean(r, values, partners, errors)
    errors.raise_if_any()
    today = timezone.localdate()
    r.next_review_date = next_review_from(today, review_frequency)
    r.reference = reference_next("RISK")
    r.save()
    r.partners.set(partners)
    Assessment.objects.create(
        risk=r,
        kind=AssessmentKind.INITIAL,
        likelihood=r.current_likelihood,
        consequence=r.current_consequence,
        comment=f"Initial assessment: {source}"[:500],
        assessed_on=today,
        assessed_by=owner,
        next_review_date=r.next_review_date,
    )
    audit(actor, "risk.created", r, diff(None, risk_snapshot(r)), source)
    if not partners:
        return rounds.register_risk(actor, r, f"Not shared: registered on its finding. {source}")
    r.status = RiskStatus.AWAITING_ACCEPTANCE
    r.save(update_fields=["status", "updated_at"])
    audit(
        actor,
        "risk.submitted",
        r,
        {
            "status": {"before": RiskStatus.DRAFT, "after": r.status},
            "partners": [p.pk for p in partners],
        },
        source,
    )
    rounds.start_round(r, purpose=rounds.Purpose.REGISTER, organisations=partners)
    return r


@transaction.atomic
def risk_close_for_finding(*, actor, risk: Risk, reason: str) -> Risk:
    """Close (or ask the sharing partners to agree to close) a risk raised by a finding
    that no longer holds. Idempotent: a closed risk, or one whose closure the partners
    are already considering, is left as it is."""
    r = lock(risk)
    reason = (reason or "").strip() or "The finding that raised the risk no longer holds."
    if r.status == RiskStatus.CLOSED or r.pending_change == PendingChange.CLOSE:
        return r
    if r.status in (RiskStatus.DRAFT, RiskStatus.AWAITING_ACCEPTANCE):
        if r.status == RiskStatus.AWAITING_ACCEPTANCE:
            rounds.cancel_round(actor, r, reason)
        rounds._apply_status(actor, r, RiskStatus.CLOSED, reason)
        return r
    if r.pending_change:
        rounds.cancel_round(actor, r, reason)
        r.pending_change, r.pending_reason = PendingChange.NONE, ""
        r.save(update_fields=["pending_change", "pending_reason", "updated_at"])
    partners = list(r.partners.order_by("name"))
    if not partners:
        rounds._apply_status(actor, r, RiskStatus.CLOSED, reason)
        return r
    r.pending_change, r.pending_reason = PendingChange.CLOSE, reason
    r.save(update_fields=["pending_change", "pending_reason", "updated_at"])
    audit(
        actor,
        "risk.close_requested",
        r,
        {"pending_change": {"before": "", "after": str(rounds.Purpose.CLOSE)}},
        reason,
    )
    rounds.start_round(r, purpose=rounds.Purpose.CLOSE, organisations=partners)
    return r
