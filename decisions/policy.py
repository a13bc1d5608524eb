"""Who may do what with proposals. The one place for these rules."""

from __future__ import annotations

from decisions import selectors
from decisions.selectors import VIEW_PERM  # noqa: F401 - re-exported for services
from governance import permissions
from governance.organisations.models import Role

PROPOSER_ROLES = (Role.SECRETARIAT, Role.SIGNATORY, Role.MEMBER)


def can_propose_for(user, organisation) -> bool:
    """Members (not auditors) of an organisation may raise proposals for it."""
    return organisation.pk in permissions.organisation_ids(user, roles=PROPOSER_ROLES)


def can_edit(user, proposal) -> bool:
    """The creator, the lead officer, the proposing organisation's secretariat, or the ICB
    secretariat, while the proposal is still open."""
    if not proposal.is_open:
        return False
    if permissions.is_system_secretariat(user):
        return True
    if not can_propose_for(user, proposal.proposing_organisation):
        return False
    return user.pk in (proposal.created_by_id, proposal.lead_officer_id) or permissions.has_role(
        user, Role.SECRETARIAT, proposal.proposing_organisation
    )


can_submit = can_edit
can_withdraw = can_edit


def can_review(user) -> bool:
    return permissions.is_system_secretariat(user)


def can_decide_as_officer(user, proposal) -> bool:
    """A holder of the officer post the proposal's SoRD band delegates to, or a deputy."""
    from decisions import authority
    from decisions.models import ProposalStatus

    return (
        proposal.status == ProposalStatus.READY_FOR_DECISION
        and authority.officer_acting(user, proposal) is not None
    )


def can_take_chairs_action(user, proposal) -> bool:
    """The chair of the committee (or board) the proposal's SoRD band reserves it to."""
    from decisions import authority
    from decisions.models import SORD_CHANGE_CODE, DecidedBy, ProposalStatus

    band = proposal.sord_band
    return (
        proposal.status == ProposalStatus.READY_FOR_DECISION
        and band is not None
        and band.decided_by in (DecidedBy.BOARD, DecidedBy.COMMITTEE)
        and proposal.decision_type.code != SORD_CHANGE_CODE
        and authority.is_chair(band.committee, user)
    )


def can_view(user, proposal) -> bool:
    return selectors.can_view(user, proposal)


def party_organisations(proposal) -> list:
    """Organisations party to the proposal: they see it even when it is confidential."""
    orgs = {proposal.proposing_organisation, proposal.host_organisation}
    orgs.update(proposal.affected_organisations.all())
    return list(orgs)


def conflict_organisations(proposal) -> list:
    """Organisations a declared interest in which conflicts a signatory out."""
    orgs = set(party_organisations(proposal))
    orgs.update(proposal.named_organisations.all())
    return list(orgs)
