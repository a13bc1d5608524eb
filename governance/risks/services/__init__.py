"""State changes of the risk register. Every one is a keyword-only function that
validates, writes and audits in one transaction."""

from governance.risks.services.escalation import escalation_respond, on_board_decision
from governance.risks.services.framework import (
    appetite_remove,
    appetite_set,
    category_save,
    objective_save,
)
from governance.risks.services.linked import risk_close_for_finding, risk_raise_for_finding
from governance.risks.services.reviews import (
    review_task_raise,
    review_tasks_raise_due,
    risk_review,
)
from governance.risks.services.risks import risk_create, risk_submit, risk_update
from governance.risks.services.rounds import risk_change_status, risk_signoff_concluded

__all__ = [
    "appetite_remove",
    "appetite_set",
    "category_save",
    "escalation_respond",
    "objective_save",
    "on_board_decision",
    "review_task_raise",
    "review_tasks_raise_due",
    "risk_change_status",
    "risk_close_for_finding",
    "risk_create",
    "risk_raise_for_finding",
    "risk_review",
    "risk_signoff_concluded",
    "risk_submit",
    "risk_update",
]
