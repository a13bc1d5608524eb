"""Shared decisions: the Scheme of Reservation and Delegation, proposals, the register."""

from decisions.models.proposals import (
    DECIDED_STATUSES,
    OPEN_STATUSES,
    Proposal,
    ProposalAttachment,
    ProposalGroupObjectPermission,
    ProposalStatus,
    attachment_path,
)
from decisions.models.register import (
    DECIDABLE_OUTCOMES,
    ChairsAction,
    DecisionEntry,
    DecisionOutcome,
    DecisionRoute,
)
from decisions.models.sord import (
    SORD_CHANGE_CODE,
    DecidedBy,
    DecisionType,
    OfficerPost,
    PostHolder,
    SordBand,
    SordVersion,
    SordVersionStatus,
)

__all__ = [
    "DECIDABLE_OUTCOMES",
    "DECIDED_STATUSES",
    "OPEN_STATUSES",
    "SORD_CHANGE_CODE",
    "ChairsAction",
    "DecidedBy",
    "DecisionEntry",
    "DecisionOutcome",
    "DecisionRoute",
    "DecisionType",
    "OfficerPost",
    "PostHolder",
    "Proposal",
    "ProposalAttachment",
    "ProposalGroupObjectPermission",
    "ProposalStatus",
    "SordBand",
    "SordVersion",
    "SordVersionStatus",
    "attachment_path",
]
