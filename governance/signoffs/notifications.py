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


def _label(signoff) -> str:
    subject = signoff.subject
    return subjects.for_model(subject).label(subject)


def signoff_requested(signoff) -> None:
    label = _label(signoff)
    notify_after_commit(
        f"Sign-off needed: {label}",
        f"{signoff.organisation.name} is asked to sign off {label}.\n"
        "Open your inbox in the ICS governance app to approve, reject or abstain.",
        signatories_of(signoff.organisation),
    )


def signoff_blocked(signoff) -> None:
    label = _label(signoff)
    notify_after_commit(
        f"Sign-off blocked by conflicts of interest: {label}",
        f"Every authorised signatory of {signoff.organisation.name} has declared an interest "
        f"in a party to {label}. Another signatory must be authorised, or the chair must "
        "decide how the conflict is handled.",
        system_secretariat(),
    )
