"""The public record in the Popolo vocabulary (https://www.popoloproject.com/): people,
organizations, memberships, events (meetings), motions, vote events and votes.

What is read is what the portal publishes: committees (public information, with their
members), meetings held in public once their agenda is published, and for meetings held,
the decisions and named votes of Part 1 items only (as ``publication.public_decisions``).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from governance.meetings import selectors
from governance.meetings.models import (
    CommitteeMember,
    ItemDecision,
    MeetingStatus,
    Part,
    Session,
    Vote,
)
from governance.organisations.models import Organisation

RESULT = {"approved": "pass", "rejected": "fail"}  # Popolo's words for a motion's result
OPTION = {"for": "yes", "against": "no", "abstain": "abstain"}


def _org_id(pk) -> str:
    return f"organisation-{pk}"


def _committee_id(pk) -> str:
    return f"committee-{pk}"


def _iso(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def public_committees():
    return selectors.committees_visible_to(AnonymousUser()).order_by("name")


def published_meetings(today: datetime.date | None = None):
    """Meetings held in public whose agenda is published (``selectors.is_published``)."""
    today = today or timezone.localdate()
    meetings = (
        selectors.public_meetings()
        .filter(status__in=[MeetingStatus.ISSUED, MeetingStatus.HELD])
        .order_by("start")
    )
    return [m for m in meetings if selectors.is_published(m, today)]


def build(request_base: str = "") -> dict:
    """Every Popolo collection of the public record, as plain JSON-ready dicts."""
    committees = list(public_committees())
    committee_ids = {c.pk for c in committees}
    organisations = Organisation.objects.order_by("name")
    organizations = [
        {
            "id": _org_id(o.pk),
            "name": o.name,
            "classification": o.get_kind_display(),
            "identifiers": [
                {"scheme": "ods" if o.kind != "vcse" else "charity", "identifier": o.identifier}
            ]
            if o.identifier
            else [],
            **({"founding_date": o.opened_on.isoformat()} if o.opened_on else {}),
            **({"dissolution_date": o.closed_on.isoformat()} if o.closed_on else {}),
        }
        for o in organisations
    ] + [
        {
            "id": _committee_id(c.pk),
            "name": c.name,
            "classification": "committee",
            "parent_id": _committee_id(c.parent_id)
            if c.parent_id in committee_ids
            else _org_id(c.organisation_id),
            "links": [
                {"url": f"{request_base}/public/committees/{c.pk}/", "note": "Public portal"}
            ],
        }
        for c in committees
    ]
    seats = list(
        CommitteeMember.objects.filter(committee_id__in=committee_ids)
        .select_related("user", "organisation")
        .order_by("committee_id", "valid_from", "pk")
    )
    people = {}
    memberships = []
    for s in seats:
        person = f"person-{s.user_id}"
        people.setdefault(
            person,
            {
                "id": person,
                "name": s.display_name,
                **({"given_name": s.user.first_name} if s.user.first_name else {}),
                **({"family_name": s.user.last_name} if s.user.last_name else {}),
                **(
                    {"sort_name": f"{s.user.last_name}, {s.user.first_name}"}
                    if s.user.last_name
                    else {}
                ),
            },
        )
        memberships.append(
            {
                "id": f"membership-{s.pk}",
                "person_id": person,
                "organization_id": _committee_id(s.committee_id),
                "on_behalf_of_id": _org_id(s.organisation_id),
                "role": s.get_role_display() + ("" if s.is_voting else " (non-voting)"),
                **({"label": s.title} if s.title else {}),
                "start_date": s.valid_from.isoformat(),
                **({"end_date": s.valid_to.isoformat()} if s.valid_to else {}),
            }
        )
    meetings = [m for m in published_meetings() if m.committee_id in committee_ids]
    events = [
        {
            "id": f"meeting-{m.pk}",
            "name": m.title or f"{m.committee.name} meeting",
            "classification": "meeting",
            "start_date": _iso(m.start),
            "location": m.location,
            "status": m.get_status_display(),
            "organization_id": _committee_id(m.committee_id),
        }
        for m in meetings
    ]
    motions, vote_events, votes = _decisions(
        [m for m in meetings if m.status == MeetingStatus.HELD]
    )
    return {
        "persons": sorted(people.values(), key=lambda p: p["id"]),
        "organizations": organizations,
        "memberships": memberships,
        "events": events,
        "motions": motions,
        "vote_events": vote_events,
        "votes": votes,
    }


def _decisions(held) -> tuple[list, list, list]:
    """Part 1 items decided at meetings held in public (never a Part 2 item)."""
    decisions = (
        ItemDecision.objects.filter(
            item__meeting__in=held,
            item__meeting__session=Session.PUBLIC,
            item__part=Part.PUBLIC,
        )
        .select_related("item__meeting")
        .order_by("item__meeting__start", "item__position")
    )
    motions, vote_events = [], []
    for d in decisions:
        item, meeting = d.item, d.item.meeting
        motion = f"motion-{item.pk}"
        motions.append(
            {
                "id": motion,
                "organization_id": _committee_id(meeting.committee_id),
                "legislative_session_id": f"meeting-{meeting.pk}",
                "text": f"{item.title}. {d.resolution}".strip() if d.resolution else item.title,
                "classification": item.get_purpose_display(),
                "date": _iso(meeting.start),
                "result": RESULT.get(d.outcome, d.get_outcome_display()),
            }
        )
        counts = (
            [
                {"option": "yes", "value": d.votes_for},
                {"option": "no", "value": d.votes_against},
                {"option": "abstain", "value": d.abstentions},
            ]
            if d.has_votes
            else []
        )
        vote_events.append(
            {
                "id": f"vote-event-{d.pk}",
                "organization_id": _committee_id(meeting.committee_id),
                "legislative_session_id": f"meeting-{meeting.pk}",
                "motion_id": motion,
                "start_date": _iso(meeting.start),
                "result": RESULT.get(d.outcome, d.get_outcome_display()),
                "counts": counts,
            }
        )
    ids = [d.pk for d in decisions]
    votes = [
        {
            "vote_event_id": f"vote-event-{v.decision_id}",
            "voter_id": f"person-{v.member.user_id}",
            "option": OPTION[v.choice],
            "role": v.member.get_role_display(),
        }
        for v in Vote.objects.filter(decision_id__in=ids)
        .select_related("member")
        .order_by("decision_id", "name")
    ]
    return motions, vote_events, votes
