"""Demo helper: a record decided at a quorate meeting held some days ago, as the
secretariat would run it (tabled through the subject registry, everyone present, the
discussion minuted, the decision by outcome or named votes). Used by the seeders of the
apps whose records committees decide (proposals, allocations, capital programmes)."""

from __future__ import annotations

from collections.abc import Callable

from governance.meetings import selectors
from governance.meetings.demo import _when
from governance.meetings.services import agenda, conduct, minutes


def decided_at_held_meeting(
    sec,
    committee,
    subject,
    *,
    days_ago: int,
    location: str,
    discussion: str,
    resolution: str,
    title: str = "",
    hour: int = 10,
    outcome: str | None = None,
    votes: Callable[[list], dict] | None = None,
    close: bool = True,
):
    """Table ``subject`` at a new meeting of ``committee`` held ``days_ago`` days ago and
    decide it: by ``outcome``, or by ``votes(members)`` -> {member id: choice}. With
    ``close``, the meeting is closed and its minutes drafted. Returns the agenda item."""
    meeting = agenda.meeting_create(
        actor=sec,
        committee=committee,
        start=_when(-days_ago, hour),
        location=location,
        title=title or f"{committee.name} meeting",
    )
    item = agenda.item_table_subject(actor=sec, meeting=meeting, subject=subject)
    members = selectors.meeting_members(meeting)
    for seat in members:
        conduct.attendance_record(actor=sec, meeting=meeting, member=seat, status="present")
    conduct.item_record_discussion(actor=sec, item=item, discussion=discussion)
    conduct.item_decide(
        actor=sec,
        item=item,
        outcome=outcome,
        votes=votes(members) if votes else None,
        resolution=resolution,
    )
    if close:
        agenda.meeting_close(actor=sec, meeting=meeting)
        minutes.minutes_draft(actor=sec, meeting=meeting)
    return item
