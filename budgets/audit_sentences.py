"""The pooled funds' and the system envelope's audit verbs in plain words, registered
with ``governance.audit.sentences`` at start-up (``BudgetsConfig.ready``)."""

from __future__ import annotations

from governance.audit.sentences import after, pounds, register


def _amount(prefix: str, field: str = "amount"):
    def say(changes: dict) -> str:
        value = after(changes, field)
        return f"{prefix}: {pounds(value)}" if value not in (None, "") else prefix

    return say


def _contribution_set(changes: dict) -> str:
    verb = "Partner added" if changes.get("partner_added") else "Contribution set"
    return f"{verb}: contribution {pounds(after(changes, 'amount'))}"


def _change_requested(changes: dict) -> str:
    amount = changes.get("amount") or {}
    return (
        f"Change of contribution asked for: {pounds(amount.get('before'))} to "
        f"{pounds(amount.get('after'))}"
    )


def _line_added(changes: dict) -> str:
    return (
        f"Scheme line {after(changes, 'code')} added: {after(changes, 'name')}, "
        f"budget {pounds(after(changes, 'budget'))}"
    )


def _month(prefix: str):
    return lambda changes: f"{prefix} (M{changes['month']})"


SENTENCES = {
    # funds
    "fund.created": "Fund set up as a draft",
    "fund.updated": "Fund details changed",
    "fund.activated": _amount("Fund activated; contributions", "contributed"),
    "fund.closed": "Fund closed",
    "fund.contribution_set": _contribution_set,
    "fund.scheme_line_added": _line_added,
    "fund.scheme_line_updated": "Scheme line changed",
    "fund.forecast_recorded": _amount("Forecast outturn recorded", "forecast_outturn"),
    "fund.risk_share_set": "Risk share set",
    # allocations
    "allocation.submitted": _amount("Allocation requested"),
    "allocation.updated": "Request revised",
    "allocation.resubmitted": "Submitted again to the pool manager",
    "allocation.accepted": "Accepted by the pool manager; partner sign-off requested",
    "allocation.returned": "Returned to the requester by the pool manager",
    "allocation.rejected_at_signoff": "Rejected at partner sign-off",
    "allocation.committed": _amount("Money committed from the fund"),
    "allocation.commit_failed": "Not committed: the fund no longer holds the money",
    "allocation.withdrawn": "Request withdrawn",
    "allocation.spent": _amount("Spend recorded"),
    "allocation.released": _amount("Unspent money released to the fund"),
    # contribution changes
    "contribution_change.requested": _change_requested,
    "contribution_change.applied": "Change of contribution signed off and applied",
    "contribution_change.rejected": "Change of contribution rejected at sign-off",
    "contribution_change.failed": "Change of contribution could not be applied",
    "contribution_change.withdrawn": "Change of contribution withdrawn",
    # the system envelope
    "envelope.drafted": "Envelope drafted",
    "envelope.updated": "Envelope details changed",
    "envelope.line_set": "A partner's line set",
    "envelope.submitted": "Sent to every partner for sign-off",
    "envelope.agreed": "Agreed by every partner",
    "envelope.not_agreed": "Not agreed at partner sign-off",
    "envelope.month_opened": _month("Monthly returns opened"),
    "envelope.return_submitted": _month("Monthly return submitted"),
    "envelope.return_revised": _month("Monthly return revised"),
    "envelope.return_chased": _month("Late monthly return chased"),
    "envelope.report_received": _month("System finance report received by the committee"),
    "envelope.variance_alert_raised": _amount("Variance alert raised", "adverse_variance"),
    "envelope.variance_alert_updated": _amount("Variance alert updated", "latest_variance"),
    "envelope.variance_alert_closed": "Variance alert closed",
    "envelope.variance_alert_received": "Variance alert received by the committee",
    "envelope.variation_requested": "Variation proposed",
    "envelope.variation_applied": "Variation agreed and applied",
    "envelope.variation_not_agreed": "Variation not agreed at sign-off",
    "envelope.variation_withdrawn": "Variation withdrawn",
    # capital
    "capital.scheme_bid": "Capital scheme bid",
    "capital.score_adjusted": "Scheme's score adjusted by the committee",
    "capital.programme_approved": _amount("Capital programme approved", "total"),
    "capital.programme_applied": "Capital programme applied to the envelope",
    "capital.programme_not_agreed": "Capital programme not agreed",
}


def register_sentences() -> None:
    register(SENTENCES)
