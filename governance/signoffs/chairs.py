"""Who chairs the body that decides a subject: the chair decides how a conflict of
interest at sign-off is managed.

A subject type may name its deciding committee (``SubjectType.deciding_committee``);
otherwise, or when it names none, it is the board of the ICB.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from governance import subjects
from governance.meetings.models.committees import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    CommitteeRole,
)
from governance.permissions import SYSTEM_SECRETARIAT_KINDS


def icb_board() -> Committee | None:
    return (
        Committee.objects.filter(
            kind=CommitteeKind.BOARD,
            organisation__kind__in=SYSTEM_SECRETARIAT_KINDS,
            is_active=True,
        )
        .order_by("pk")
        .first()
    )


def deciding_committee(signoff) -> Committee | None:
    """The deciding body of the sign-off's subject (the ICB board by default)."""
    subject = signoff.subject
    committee = None
    if subject is not None:
        hook = subjects.for_model(subject).deciding_committee
        committee = hook(subject) if hook is not None else None
    return committee or icb_board()


def chairs_of(committee: Committee | None, on: datetime.date | None = None):
    """Active users who chair the committee on ``on`` (today by default)."""
    if committee is None:
        return get_user_model().objects.none()
    seats = CommitteeMember.objects.on(on).filter(committee=committee, role=CommitteeRole.CHAIR)
    return get_user_model().objects.filter(pk__in=seats.values("user_id"), is_active=True)


def is_chair_for(user, signoff) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return chairs_of(deciding_committee(signoff)).filter(pk=user.pk).exists()
