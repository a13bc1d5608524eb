"""State changes of shared decisions. Every one validates, writes and audits in one
transaction. Proposals (``proposals``), taking the decision (``deciding``), and the
Scheme of Reservation and Delegation (``sord``)."""

from decisions.services.deciding import (
    enter_rejection_at_signoff,
    proposal_decide_as_officer,
    proposal_decide_at_meeting,
    proposal_decide_by_chairs_action,
    proposal_decide_in_common,
)
from decisions.services.proposals import (
    default_host,
    permissions_org,
    proposal_create,
    proposal_review,
    proposal_submit,
    proposal_update,
    proposal_withdraw,
    signoff_round_concluded,
)

__all__ = [
    "default_host",
    "enter_rejection_at_signoff",
    "permissions_org",
    "proposal_create",
    "proposal_decide_as_officer",
    "proposal_decide_at_meeting",
    "proposal_decide_by_chairs_action",
    "proposal_decide_in_common",
    "proposal_review",
    "proposal_submit",
    "proposal_update",
    "proposal_withdraw",
    "signoff_round_concluded",
]
