"""The risk register's audit verbs in plain words, registered with
``governance.audit.sentences`` at start-up (``RisksConfig.ready``)."""

from __future__ import annotations

from governance.audit.sentences import after, register


def _reviewed(changes: dict) -> str:
    score = after(changes, "current_score")
    return f"Reviewed: current score {score}" if score is not None else "Reviewed"


def _escalated(changes: dict) -> str:
    return (
        f"Escalated to {changes['escalated_to']}: score {after(changes, 'score')} is above appetite"
    )


SENTENCES = {
    "risk.created": "Raised as a draft",
    "risk.updated": "Edited",
    "risk.returned_to_draft": "Returned to draft by a change",
    "risk.submitted": "Sent to the sharing partners for acceptance",
    "risk.registered": "Put on the register",
    "risk.not_accepted": "Not accepted by a sharing partner",
    "risk.signoff_cancelled": "Open sign-off cancelled",
    "risk.review_due": "Review due",
    "risk.reviewed": _reviewed,
    "risk.escalated": _escalated,
    "risk.escalation_deferred": "Escalation deferred",
    "risk.escalation_responded": "Response to the escalation recorded",
    "risk.reopened": "Reopened",
    "risk.treated": "Marked as treated",
    "risk.tolerated": "Tolerated",
    "risk.closed": "Closed",
    "risk.close_requested": "Closure asked of the sharing partners",
    "risk.close_not_agreed": "Closure not agreed by a sharing partner",
    "risk.tolerate_requested": "Tolerance asked of the sharing partners",
    "risk.tolerate_not_agreed": "Tolerance not agreed by a sharing partner",
    "risk.register_requested": "Acceptance asked of the sharing partners",
    "risk.register_not_agreed": "Not accepted by a sharing partner",
    "risk_category.created": "Risk category added",
    "risk_category.updated": "Risk category changed",
    "risk_category.retired": "Risk category retired",
    "risk_category.reinstated": "Risk category reinstated",
    "risk_appetite.set": "Risk appetite set",
    "risk_appetite.removed": "Risk appetite removed",
}


def register_sentences() -> None:
    register(SENTENCES)
