"""Who may do what with the system envelope. The one place for these rules.

- A partner's **finance lead** is whoever acts for it as authorised signatory (its
  director of finance signs for it) or as its secretariat (which submits returns on the
  director's behalf). Only they submit the partner's monthly return and bid its capital
  schemes, and only for their own organisation.
- Drafting an envelope: a finance lead of the ICB (who becomes the envelope's finance
  lead). Editing the draft, sending it for sign-off, proposing variations, recording
  the finance committee's score adjustments and programme approval: the envelope's
  finance lead or the ICB secretariat (which runs the committees).
- Signing off the envelope and its variations: each partner's authorised signatories
  (the shared sign-off machinery).
- Reading: members (any role) of the ICB and of every partner with a line; the ICB
  secretariat and auditors read every envelope (``permissions.reads_everything``).
"""

from __future__ import annotations

from governance import permissions
from governance.organisations.models import Role

FINANCE_ROLES = (Role.SIGNATORY, Role.SECRETARIAT)


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_finance_lead(user, organisation) -> bool:
    if not _signed_in(user) or organisation is None:
        return False
    return organisation.pk in permissions.organisation_ids(user, roles=FINANCE_ROLES)


def finance_lead_organisations(user) -> set[int]:
    if not _signed_in(user):
        return set()
    return permissions.organisation_ids(user, roles=FINANCE_ROLES)


def can_create(user, icb) -> bool:
    return icb is not None and icb.kind == "icb" and is_finance_lead(user, icb)


def can_manage(user, envelope) -> bool:
    if not _signed_in(user):
        return False
    return user.pk == envelope.finance_lead_id or permissions.is_system_secretariat(user)


def party_ids(envelope) -> set[int]:
    ids = {envelope.icb_id}
    ids.update(envelope.lines.values_list("organisation_id", flat=True))
    return ids


def parties(envelope) -> list:
    """The ICB and every partner with a line (for sign-off conflicts and visibility)."""
    from governance.organisations.models import Organisation

    return list(Organisation.objects.filter(pk__in=party_ids(envelope)).order_by("name"))


def can_submit_return(user, line) -> bool:
    return is_finance_lead(user, line.organisation)


def can_bid(user, envelope, organisation) -> bool:
    return organisation.pk in party_ids(envelope) and is_finance_lead(user, organisation)


def finance_committee_of(envelope):
    """The committee (meetings.Committee) that decides the envelope's capital programme
    and receives its reports: the active committee named ``envelope.finance_committee``."""
    from governance.meetings.models import Committee

    return (
        Committee.objects.filter(name=envelope.finance_committee, is_active=True)
        .order_by("pk")
        .first()
    )
