"""State changes of pooled budgets. Each is a keyword-only ``<noun>_<verb>(*, actor, …)``
under ``transaction.atomic`` that validates, writes and audits in one transaction."""

from budgets.services.allocations import (
    allocation_create,
    allocation_review,
    allocation_signoff_concluded,
    allocation_submit,
    allocation_update,
    allocation_withdraw,
)
from budgets.services.contributions import (
    contribution_change_concluded,
    contribution_change_request,
    contribution_change_withdraw,
)
from budgets.services.funds import (
    contribution_set,
    fund_activate,
    fund_close,
    fund_create,
    fund_set_risk_share,
    fund_update,
    scheme_line_add,
    scheme_line_set_forecast,
    scheme_line_update,
)
from budgets.services.ledger import (
    allocation_commit,
    allocation_commit_step,
    allocation_release,
    allocation_spend,
)
from budgets.services.place import (
    allocation_decide_at_meeting,
    fund_host_at_place,
)

__all__ = [
    "allocation_commit",
    "allocation_commit_step",
    "allocation_create",
    "allocation_decide_at_meeting",
    "allocation_release",
    "allocation_review",
    "allocation_signoff_concluded",
    "allocation_spend",
    "allocation_submit",
    "allocation_update",
    "allocation_withdraw",
    "contribution_change_concluded",
    "contribution_change_request",
    "contribution_change_withdraw",
    "contribution_set",
    "fund_activate",
    "fund_close",
    "fund_create",
    "fund_host_at_place",
    "fund_set_risk_share",
    "fund_update",
    "scheme_line_add",
    "scheme_line_set_forecast",
    "scheme_line_update",
]
