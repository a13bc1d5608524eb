"""Variance past the envelope's threshold: a shared risk and a finance committee item.

``envelope_variance_check`` runs inside every return's transaction (and may be run
again at any time: it is idempotent). On the latest month's position:

- a partner whose adverse forecast variance is over the envelope's threshold (its
  ``threshold_percent`` of the partner's planned expenditure) gets one open
  ``VarianceAlert``: it raises a risk on the register through the risks app's
  ``risk_raise_for_finding`` (owned by the partner, shared with the ICB, in the Finance
  category) and is an item for the finance committee (``governance.subjects``);
- with ``system_adverse_alert`` on, any adverse forecast at system level does the same
  at system level (owned by the ICB);
- an open alert whose forecast has recovered (the partner submitted a return within the
  threshold) is closed, and its risk closed through ``risk_close_for_finding`` (the
  ICB, which shares it, agrees the closure); it leaves the committee's list.

A partner with no return for the month is counted at plan and its alert left as is.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from budgets import envelope_selectors, locks, money
from budgets.envelope_position import HUNDRED, ZERO, Row
from budgets.models import AlertScope, AlertStatus, EnvelopeMonth, EnvelopeStatus, VarianceAlert
from budgets.services._common import audit
from governance import permissions
from governance.risks import policy as risk_policy
from governance.risks.models import RiskCategory
from governance.risks.services import risk_close_for_finding, risk_raise_for_finding


def threshold_for(envelope, row: Row) -> Decimal:
    if row.organisation_id is None:
        return ZERO
    return (row.plan_expenditure * envelope.threshold_percent / HUNDRED).quantize(
        money.PENNY, rounding=ROUND_HALF_UP
    )


def _audit(actor, verb, alert: VarianceAlert, changes=None, reason=""):
    return audit(
        actor,
        verb,
        alert,
        organisation=alert.organisation,
        changes=changes,
        reason=reason,
        label=alert_label(alert),
    )


def alert_label(alert: VarianceAlert) -> str:
    who = "System" if alert.scope == AlertScope.SYSTEM else alert.organisation.name
    return (
        f"{alert.envelope.reference} {who}: forecast {money.gbp(-alert.latest_variance)} "
        f"against plan (M{alert.raised_month})"
    )


def _category():
    return (
        RiskCategory.objects.filter(code="finance").first()
        or RiskCategory.objects.order_by("position", "pk").first()
    )


def _owner(actor, organisation, envelope):
    from budgets.services.envelope_returns import finance_leads_of

    for person in (actor, envelope.finance_lead):
        if person is not None and risk_policy.can_own(person, organisation):
            return person
    return finance_leads_of(organisation).order_by("pk").first()


def _raise_risk(actor, envelope, alert: VarianceAlert, row: Row, month: int):
    category = _category()
    owner = _owner(actor, alert.organisation, envelope)
    if category is None or owner is None:
        return None
    system = alert.scope == AlertScope.SYSTEM
    pct = row.forecast_variance_percent or ZERO
    who = "the system" if system else alert.organisation.name
    source = (
        f"Raised by the {envelope.reference} envelope's variance rule at M{month}: {who} "
        f"forecasts {money.gbp(row.forecast_surplus)} against a plan of "
        f"{money.gbp(row.plan_surplus)} ({money.gbp(row.forecast_variance)}, {pct}% of planned "
        f"expenditure; threshold {money.gbp(alert.threshold)})."
    )
    return risk_raise_for_finding(
        actor=actor,
        owning_organisation=alert.organisation,
        owner=owner,
        partners=[] if system else [envelope.icb],
        category=category,
        title=f"{'System' if system else alert.organisation.name} forecast overspend against "
        f"the {envelope.year_label} system envelope"[:200],
        cause=f"Because {who}'s forecast outturn is {money.gbp(-row.forecast_variance)} "
        "worse than its agreed plan,",
        event="there is a risk that the system does not deliver its agreed financial plan,",
        effect="resulting in action by NHS England, a call on other partners' resources and "
        "reduced capacity to invest in services.",
        likelihood=3,
        consequence=4 if abs(pct) > 2 else 3,
        target_likelihood=2,
        target_consequence=2,
        source=source,
    )


def _open_alert(actor, envelope, scope, organisation, row: Row, threshold, month) -> VarianceAlert:
    alert = VarianceAlert.objects.create(
        envelope=envelope,
        scope=scope,
        organisation=organisation,
        raised_month=month,
        adverse_variance=row.adverse,
        latest_variance=row.adverse,
        threshold=threshold,
        committee_name=envelope.finance_committee,
    )
    alert.risk = _raise_risk(actor, envelope, alert, row, month)
    alert.save(update_fields=["risk"])
    _audit(
        actor,
        "envelope.variance_alert_raised",
        alert,
        {
            "scope": scope,
            "month": month,
            "adverse_variance": str(row.adverse),
            "threshold": str(threshold),
            "risk": alert.risk_id,
        },
        f"Forecast adverse variance {money.gbp(row.adverse)} is over the threshold of "
        f"{money.gbp(threshold)}.",
    )
    return alert


def _close_alert(actor, alert: VarianceAlert, row: Row, month: int) -> None:
    alert.status = AlertStatus.CLOSED
    alert.closed_month = month
    alert.closed_at = timezone.now()
    alert.latest_variance = row.adverse
    alert.save()
    reason = (
        f"Forecast recovered at M{month}: adverse variance {money.gbp(row.adverse)} is within "
        f"the threshold of {money.gbp(alert.threshold)}."
    )
    _audit(actor, "envelope.variance_alert_closed", alert, {"month": month}, reason)
    if alert.risk_id:
        risk_close_for_finding(actor=actor, risk=alert.risk, reason=reason)


@transaction.atomic
def envelope_variance_check(*, actor, envelope) -> dict:
    """Raise or close alerts from the latest position. Returns what changed."""
    from budgets.services.envelope import lock_envelope

    envelope = lock_envelope(envelope.pk)
    result = {"raised": [], "closed": []}
    if envelope.status != EnvelopeStatus.AGREED:
        return result
    pos = envelope_selectors.position(envelope)
    if not pos.month:
        return result
    locks.audit_first()
    open_alerts = {
        (a.scope, a.organisation_id): a
        for a in VarianceAlert.objects.select_for_update(of=("self",))
        .filter(envelope=envelope, status=AlertStatus.OPEN)
        .select_related("organisation", "risk", "envelope")
    }
    checks = [(AlertScope.PARTNER, row) for row in pos.rows if row.submitted]
    if envelope.system_adverse_alert:
        checks.append((AlertScope.SYSTEM, pos.total))
    orgs = {
        line.organisation_id: line.organisation for line in envelope_selectors.lines_of(envelope)
    }
    for scope, row in checks:
        org_id = row.organisation_id if scope == AlertScope.PARTNER else envelope.icb_id
        threshold = threshold_for(envelope, row)
        breach = row.adverse > threshold
        alert = open_alerts.get((scope, org_id))
        if breach and alert is None:
            organisation = orgs.get(org_id) or envelope.icb
            result["raised"].append(
                _open_alert(actor, envelope, scope, organisation, row, threshold, pos.month)
            )
        elif breach and alert.latest_variance != row.adverse:
            before = alert.latest_variance
            alert.latest_variance = row.adverse
            alert.save(update_fields=["latest_variance"])
            _audit(
                actor,
                "envelope.variance_alert_updated",
                alert,
                {
                    "latest_variance": {"before": str(before), "after": str(row.adverse)},
                    "month": pos.month,
                },
            )
        elif not breach and alert is not None:
            _close_alert(actor, alert, row, pos.month)
            result["closed"].append(alert)
    return result


# --- the finance committee ---------------------------------------------------------------


@transaction.atomic
def alert_record_committee(*, actor, alert: VarianceAlert, notes: str = "") -> VarianceAlert:
    """Record that the finance committee received the alert (from its meeting, or by
    the ICB secretariat)."""
    if actor is not None and not permissions.is_system_secretariat(actor):
        raise PermissionDenied("The ICB secretariat records the committee's business.")
    locks.audit_first()
    alert = (
        VarianceAlert.objects.select_for_update()
        .select_related("organisation", "envelope")
        .get(pk=alert.pk)
    )
    if alert.received_by_committee_at is not None:
        return alert
    alert.received_by_committee_at = timezone.now()
    alert.committee_notes = (notes or "").strip()
    alert.save(update_fields=["received_by_committee_at", "committee_notes"])
    _audit(actor, "envelope.variance_alert_received", alert, {}, alert.committee_notes)
    return alert


def alert_on_board_decision(
    alert, *, actor, outcome, notes="", decided_on=None, decided_by="", item=None
):
    alert_record_committee(actor=actor, alert=alert, notes=f"{decided_by}: {outcome}. {notes}")


@transaction.atomic
def month_record_committee(*, actor, month: EnvelopeMonth, notes: str = "") -> EnvelopeMonth:
    """Record that the finance committee received the month's system finance report."""
    if actor is not None and not permissions.is_system_secretariat(actor):
        raise PermissionDenied("The ICB secretariat records the committee's business.")
    locks.audit_first()
    month = (
        EnvelopeMonth.objects.select_for_update().select_related("envelope__icb").get(pk=month.pk)
    )
    if month.received_by_committee_at is None:
        month.received_by_committee_at = timezone.now()
        month.save(update_fields=["received_by_committee_at"])
        audit(
            actor,
            "envelope.report_received",
            month.envelope,
            organisation=month.envelope.icb,
            changes={"month": month.month},
            reason=(notes or "").strip(),
            label=f"{month.envelope.reference} M{month.month} system finance report",
        )
    return month


def month_on_board_decision(
    month, *, actor, outcome, notes="", decided_on=None, decided_by="", item=None
):
    month_record_committee(actor=actor, month=month, notes=f"{decided_by}: {outcome}. {notes}")
