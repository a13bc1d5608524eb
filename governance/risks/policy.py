"""Who may do what with risks. The one place for these rules (visibility itself lives in
``governance.risks.selectors``)."""

from __future__ import annotations

from governance import permissions
from governance.organisations.models import Role
from governance.risks.models import LIVE_STATUSES, Risk, RiskStatus

# Roles that may raise, own and manage risks for their organisation (not auditors).
RISK_ROLES = (Role.SECRETARIAT, Role.SIGNATORY, Role.MEMBER)


def can_raise_for(user, organisation) -> bool:
    """Members (not auditors) of an organisation may raise risks for it."""
    return organisation.pk in permissions.organisation_ids(user, roles=RISK_ROLES)


def can_own(user, organisation) -> bool:
    """A risk owner acts for the owning organisation (not as an auditor)."""
    return can_raise_for(user, organisation)


def can_manage(user, risk: Risk) -> bool:
    """Edit, review and change the status of a risk: its owner, its creator while it is
    a draft, the owning organisation's secretariat, or the ICB secretariat."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if permissions.is_system_secretariat(user):
        return True
    org = risk.owning_organisation
    if permissions.has_role(user, Role.SECRETARIAT, org):
        return True
    if not can_raise_for(user, org):
        return False
    if user.pk == risk.owner_id:
        return True
    return user.pk == risk.created_by_id and risk.status == RiskStatus.DRAFT


def can_edit(user, risk: Risk) -> bool:
    return risk.status != RiskStatus.CLOSED and can_manage(user, risk)


def can_submit(user, risk: Risk) -> bool:
    return risk.status == RiskStatus.DRAFT and can_manage(user, risk)


def can_review(user, risk: Risk) -> bool:
    return risk.status in LIVE_STATUSES and can_manage(user, risk)


def can_change_status(user, risk: Risk) -> bool:
    return risk.status in LIVE_STATUSES and can_manage(user, risk)


def can_respond_to_escalation(user) -> bool:
    """The ICB secretariat records the board's (or committee's) response."""
    return permissions.is_system_secretariat(user)


def can_change_framework(user) -> bool:
    """Categories, appetite and strategic objectives: the ICB secretariat."""
    return permissions.is_system_secretariat(user)


def can_sign_for(user, organisation) -> bool:
    return permissions.can_sign_for(user, organisation)


def parties(risk: Risk) -> list:
    """Organisations party to the risk: its owner and the partners sharing it."""
    return [risk.owning_organisation, *risk.partners.all()]
