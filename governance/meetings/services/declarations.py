"""Declarations of interest at meetings.

When a meeting's agenda is published (its papers are issued) every member's register
entries are tested against each item's parties with the one conflict test
(``governance.interests.selectors.conflicts``, as sign-off uses), and the expected
declarations are recorded on the items; items added later are tested as they are added.
At the meeting a member may declare a new interest, and the chair decides per item
whether the member leaves the room, takes part without voting, or takes part: quorum and
votes follow that decision.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.interests.models import Interest
from governance.interests.selectors import conflicts
from governance.meetings import selectors
from governance.meetings.models import (
    AgendaItem,
    Attendance,
    Declaration,
    DeclarationSource,
    Handling,
    Meeting,
    MeetingStatus,
)
from governance.meetings.services._common import Errors, audit, require_manager

HANDLING_FLAGS = {
    Handling.LEAVE: (True, True, False),
    Handling.NO_VOTE: (False, True, False),
    Handling.TAKE_PART: (False, False, False),
    Handling.WITHDRAWN: (False, False, True),
}


def people_of(m: Meeting):
    """Members on the day (of every body meeting in common) and users in attendance:
    whose interests are tested."""
    User = get_user_model()
    member_ids = selectors.meeting_members(m).values("user_id")
    guest_ids = Attendance.objects.filter(meeting=m, user__isnull=False).values("user_id")
    return (
        User.objects.filter(pk__in=member_ids) | User.objects.filter(pk__in=guest_ids)
    ).distinct()


def prefill(actor, m: Meeting, items=None) -> int:
    """Record the expected declarations on ``items`` (default: the whole agenda) of the
    (locked) meeting ``m``; for use inside services. Idempotent."""
    day = selectors.meeting_date(m)
    people = list(people_of(m))
    created = 0
    items = items if items is not None else selectors.agenda(m).filter(subject_type__isnull=False)
    for item in items:
        if hasattr(item, "decision") or getattr(item, "decision_id", None):
            continue
        parties = selectors.parties_of_item(item)
        if not parties:
            continue
        for person in people:
            for interest in conflicts(person, parties, on=day):
                _, made = Declaration.objects.get_or_create(
                    item=item,
                    person=person,
                    interest=interest,
                    defaults={"source": DeclarationSource.REGISTER, "description": str(interest)},
                )
                created += made
    if created:
        audit(actor, "meeting.declarations_prefilled", m, m.committee, {"created": created})
    return created


@transaction.atomic
def declarations_prefill(*, actor, meeting: Meeting) -> int:
    """Pre-fill each item's declarations from the register of interests: every member's
    (and attendee's) current interest in any party to the item's subject. Idempotent.
    (Publication does this by itself; this re-tests, e.g. after attendance changed.)"""
    m = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    require_manager(actor, m.committee)
    return prefill(actor, m)


@transaction.atomic
def declaration_add(
    *, actor, item: AgendaItem, person, description: str = "", interest: Interest | None = None
) -> Declaration:
    """A declaration made at the meeting: a new interest (described), or a register
    entry cited."""
    item = AgendaItem.objects.select_related("meeting__committee").get(pk=item.pk)
    require_manager(actor, item.meeting.committee)
    if item.meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("The meeting is cancelled.")
    errors = Errors()
    if hasattr(item, "decision"):
        errors.add("description", "The item has been decided; its declarations are closed.")
    if not people_of(item.meeting).filter(pk=person.pk).exists():
        errors.add("person", "Only members and those in attendance declare interests here.")
    if interest is not None and interest.person_id != person.pk:
        errors.add("interest", "That register entry belongs to someone else.")
    description = (description or "").strip() or (str(interest) if interest else "")
    if not description:
        errors.add("description", "Describe the interest declared.")
    if (
        interest is not None
        and Declaration.objects.filter(item=item, person=person, interest=interest).exists()
    ):
        errors.add("interest", "This interest is already declared on the item.")
    errors.raise_if_any()
    d = Declaration.objects.create(
        item=item,
        person=person,
        interest=interest,
        source=DeclarationSource.MEETING,
        description=description,
    )
    audit(
        actor,
        "meeting.declaration_added",
        d,
        item.meeting.committee,
        {"item": item.pk, "person": person.pk, "description": description},
    )
    return d


@transaction.atomic
def declaration_decide(
    *,
    actor,
    declaration: Declaration,
    chair_decision: str,
    handling: str | None = None,
    excluded_from_discussion: bool = False,
    excluded_from_vote: bool = False,
    withdrawn: bool = False,
) -> Declaration:
    """Record the chair's decision on a declared interest (minuted): ``handling`` is one
    of ``Handling`` (leave the room / take part without voting / take part / not a
    conflict); the older flags are still accepted when ``handling`` is not given."""
    d = (
        Declaration.objects.select_for_update()
        .select_related("item__meeting__committee")
        .get(pk=declaration.pk)
    )
    committee = d.item.meeting.committee
    require_manager(actor, committee)
    if hasattr(d.item, "decision"):
        raise ValidationError("The item has been decided; its declarations are closed.")
    chair_decision = (chair_decision or "").strip()
    errors = Errors()
    if handling:
        if handling not in HANDLING_FLAGS:
            errors.add("handling", "Choose how the chair decided the interest is managed.")
        else:
            excluded_from_discussion, excluded_from_vote, withdrawn = HANDLING_FLAGS[handling]
    if not chair_decision:
        if handling in HANDLING_FLAGS:
            chair_decision = Handling(handling).label + "."
        else:
            errors.add("chair_decision", "Record how the chair decided the interest is managed.")
    if withdrawn and (excluded_from_discussion or excluded_from_vote):
        errors.add("withdrawn", "A withdrawn declaration excludes nobody.")
    errors.raise_if_any()
    before = {
        "excluded_from_discussion": d.excluded_from_discussion,
        "excluded_from_vote": d.excluded_from_vote,
        "withdrawn": d.withdrawn,
    }
    d.excluded_from_discussion = bool(excluded_from_discussion)
    d.excluded_from_vote = bool(excluded_from_vote) or bool(excluded_from_discussion)
    d.withdrawn = bool(withdrawn)
    d.chair_decision = chair_decision
    d.decided_at = timezone.now()
    d.decided_by = actor
    d.save()
    audit(
        actor,
        "meeting.declaration_decided",
        d,
        committee,
        {
            "before": before,
            "after": {
                "excluded_from_discussion": d.excluded_from_discussion,
                "excluded_from_vote": d.excluded_from_vote,
                "withdrawn": d.withdrawn,
            },
            "handling": d.handling,
        },
        chair_decision,
    )
    return d
