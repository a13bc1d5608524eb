"""Who is told about sign-offs."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from governance import subjects
from governance.notifications import notify_after_commit
from governance.organisations.models import Role
from governance.permissions import SYSTEM_SECRETARIAT_KINDS


def signatories_of(organisation):
    return (
        get_user_model()
        .objects.filter(
            memberships__in=organisation.memberships.active().filter(role=Role.SIGNATORY),
            is_active=True,
        )
        .distinct()
    )


def deputies_of(organisation) -> list:
    """Deputies of the organisation's signatories who may act today."""
    from governance.deputies.selectors import signing_deputies_of

    return [a.deputy for a in signing_deputies_of(organisation)]


def system_secretariat():
    from governance.organisations.models import Membership

    return (
        get_user_model()
        .objects.filter(
            memberships__in=Membership.objects.active().filter(
                role=Role.SECRETARIAT, organisation__kind__in=SYSTEM_SECRETARIAT_KINDS
            ),
            is_active=True,
        )
        .distinct()
    )


def secretariat_of(organisation):
    """The organisation's own secretariat (active members in that role)."""
    return (
        get_user_model()
        .objects.filter(
            memberships__in=organisation.memberships.active().filter(role=Role.SECRETARIAT),
            is_active=True,
        )
        .distinct()
    )


def secretariats_for(organisation) -> list:
    """The organisation's secretariat and the ICB secretariat, each person once."""
    people = {u.pk: u for u in [*secretariat_of(organisation), *system_secretariat()]}
    return list(people.values())


def _label(signoff) -> str:
    subject = signoff.subject
    return subjects.for_model(subject).label(subject)


def signoff_requested(signoff) -> None:
    label = _label(signoff)
    notify_after_commit(
        f"Sign-off needed: {label}",
        f"{signoff.organisation.name} is asked to sign off {label}.\n"
        "Open your inbox in the ICS governance app to approve, reject or abstain.",
        [*signatories_of(signoff.organisation), *deputies_of(signoff.organisation)],
    )


def signoff_blocked(signoff) -> None:
    label = _label(signoff)
    notify_after_commit(
        f"Sign-off blocked by conflicts of interest: {label}",
        f"Every authorised signatory of {signoff.organisation.name} has declared an interest "
        f"in a party to {label}. Either appoint a deputy or another authorised signatory "
        f"of {signoff.organisation.name}, or ask the chair of the deciding body to record "
        "how the conflict is managed. Both can be done from the sign-off's page in the ICS "
        "governance app.",
        secretariats_for(signoff.organisation),
    )


def conflict_managed(signoff, management) -> None:
    label = _label(signoff)
    notify_after_commit(
        f"You may sign off {label}",
        f"The chair of {management.committee.name} has decided you may sign off {label} for "
        f"{signoff.organisation.name} despite your declared interest, on these conditions:\n"
        f"{management.conditions}",
        [management.person],
    )
