"""Who may take a decision that the SoRD has routed: the one place for these rules.

- An officer band: the people holding the band's officer post on the day, or a named
  deputy of one of them acting within the dates of the appointment.
- A committee or board band: the committee at a quorate meeting, through the agenda
  item (quorum and conflicts are checked by the meetings app), or by chair's action:
  the committee's chair and one other voting member, neither conflicted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from decisions.models import DecidedBy, PostHolder, Proposal, SordBand
from governance.deputies.selectors import (
    acting_for,
    acting_label,
    appointment_for,
    person_name,
)
from governance.interests.selectors import conflicts
from governance.meetings.models import CommitteeMember
from governance.signoffs.chairs import chairs_of


@dataclass(frozen=True)
class Acting:
    """A person entitled to decide, in their own right or as a named deputy."""

    person: object
    principal: object | None = None
    appointment: object | None = None

    @property
    def label(self) -> str:
        if self.principal is None:
            return person_name(self.person)
        return acting_label(self.person, self.principal, self.appointment)


def holders(band: SordBand, on: datetime.date | None = None) -> list:
    """The named people holding the band's officer post on ``on``."""
    if band.decided_by != DecidedBy.OFFICER or band.officer_post_id is None:
        return []
    return [
        h.user
        for h in PostHolder.objects.on(on)
        .filter(post_id=band.officer_post_id, user__is_active=True)
        .select_related("user")
        .order_by("valid_from", "pk")
    ]


def officer_acting(user, proposal: Proposal, on: datetime.date | None = None) -> Acting | None:
    """How ``user`` may decide ``proposal`` under its officer band, or None."""
    band = proposal.sord_band
    if band is None or band.decided_by != DecidedBy.OFFICER:
        return None
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    on = on or timezone.localdate()
    post_holders = holders(band, on)
    if user in post_holders:
        return Acting(person=user)
    organisation = band.officer_post.organisation
    for principal in acting_for(user, organisation=organisation, on=on):
        if principal in post_holders:
            return Acting(
                person=user,
                principal=principal,
                appointment=appointment_for(user, principal, organisation, on=on),
            )
    return None


def committee_seat(committee, user, on: datetime.date | None = None):
    """``user``'s current voting seat on ``committee``, or None."""
    return (
        CommitteeMember.objects.on(on)
        .filter(committee=committee, user=user, is_voting=True)
        .first()
    )


def is_chair(committee, user, on: datetime.date | None = None) -> bool:
    """The one rule of who chairs a committee: ``governance.signoffs.chairs.chairs_of``."""
    return chairs_of(committee, on).filter(pk=user.pk).exists()


def chairs(committee, on: datetime.date | None = None) -> list:
    return list(chairs_of(committee, on))


def voting_members(committee, on: datetime.date | None = None) -> list:
    return [
        s.user
        for s in CommitteeMember.objects.on(on)
        .filter(committee=committee, is_voting=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    ]


def conflicted(person, proposal: Proposal) -> list:
    """The person's declared interests in the proposal's parties (the one conflict test)."""
    from decisions.policy import conflict_organisations

    return list(conflicts(person, conflict_organisations(proposal)))
