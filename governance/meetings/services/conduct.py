"""At the meeting: attendance, declarations of interest per item, decisions and votes.

A decision on an item whose subject is a registered record (a proposal, a risk …) is
passed to the owning app through ``subject_type.on_board_decision`` in the same
transaction, so e.g. the decision register entry and the workflow's completion commit
(or roll back) together with the meeting's record.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance import subjects
from governance.interests.models import Interest
from governance.interests.selectors import conflicts
from governance.meetings import quorum, selectors
from governance.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    CommitteeMember,
    Declaration,
    DeclarationSource,
    ItemDecision,
    Meeting,
    MeetingStatus,
    Outcome,
    Purpose,
    StandingKind,
)
from governance.meetings.services._common import Errors, audit, require_manager

DECIDING_PURPOSES = (Purpose.DECISION, Purpose.APPROVAL)
BOARD_OUTCOMES = (Outcome.APPROVED, Outcome.REJECTED)


def _meeting_for_record(meeting: Meeting) -> Meeting:
    m = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    if m.status == MeetingStatus.CANCELLED:
        raise ValidationError("The meeting is cancelled.")
    if selectors.meeting_date(m) > timezone.localdate():
        raise ValidationError("The meeting has not taken place yet.")
    return m


# --- attendance -------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *, actor, meeting: Meeting, member: CommitteeMember, status: str
) -> Attendance:
    m = _meeting_for_record(meeting)
    require_manager(actor, m.committee)
    if status not in (
        AttendanceStatus.PRESENT,
        AttendanceStatus.APOLOGIES,
        AttendanceStatus.ABSENT,
    ):
        raise ValidationError({"status": "A member is present, sent apologies or is absent."})
    if member.committee_id != m.committee_id or not member.is_member_on(selectors.meeting_date(m)):
        raise ValidationError(
            {"member": "Not a member of the committee on the day of the meeting."}
        )
    row = Attendance.objects.filter(meeting=m, member=member).first()
    before = row.status if row else None
    if row is None:
        row = Attendance(meeting=m, member=member, user=member.user, name=member.display_name)
    row.capacity = member.title or member.get_role_display()
    row.status = status
    row.recorded_at = timezone.now()
    row.save()
    if before != status:
        audit(
            actor,
            "meeting.attendance",
            row,
            m.committee,
            {"member": member.pk, "status": {"before": before, "after": status}},
        )
    return row


@transaction.atomic
def attendance_add_guest(
    *, actor, meeting: Meeting, name: str, capacity: str = "", user=None
) -> Attendance:
    """Someone in attendance who is not a member (officers, presenters, observers)."""
    m = _meeting_for_record(meeting)
    require_manager(actor, m.committee)
    name = (name or "").strip() or (user.get_full_name() or user.get_username() if user else "")
    if not name:
        raise ValidationError({"name": "Give the name of the person in attendance."})
    row = Attendance.objects.create(
        meeting=m,
        user=user,
        name=name[:200],
        capacity=(capacity or "").strip()[:200],
        status=AttendanceStatus.IN_ATTENDANCE,
    )
    audit(actor, "meeting.attendance", row, m.committee, {"name": row.name, "status": row.status})
    return row


# --- declarations -----------------------------------------------------------------------


def _people(m: Meeting):
    """Members on the day and users in attendance: whose interests are tested."""
    member_ids = (
        CommitteeMember.objects.on(selectors.meeting_date(m))
        .filter(committee=m.committee)
        .values("user_id")
    )
    guest_ids = Attendance.objects.filter(meeting=m, user__isnull=False).values("user_id")
    return get_user_model().objects.filter(pk__in=member_ids) | get_user_model().objects.filter(
        pk__in=guest_ids
    )


@transaction.atomic
def declarations_prefill(*, actor, meeting: Meeting) -> int:
    """Pre-fill each item's declarations from the register of interests: every member's
    (and attendee's) current interest in any party to the item's subject. Idempotent."""
    m = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    require_manager(actor, m.committee)
    day = selectors.meeting_date(m)
    people = list(_people(m).distinct())
    created = 0
    for item in selectors.agenda(m).filter(subject_type__isnull=False):
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
def declaration_add(
    *, actor, item: AgendaItem, person, description: str = "", interest: Interest | None = None
) -> Declaration:
    """A declaration made at the meeting (optionally citing a register entry)."""
    item = AgendaItem.objects.select_related("meeting__committee").get(pk=item.pk)
    require_manager(actor, item.meeting.committee)
    if item.meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("The meeting is cancelled.")
    errors = Errors()
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
        {"item": item.pk, "person": person.pk},
    )
    return d


@transaction.atomic
def declaration_decide(
    *,
    actor,
    declaration: Declaration,
    excluded_from_discussion: bool,
    excluded_from_vote: bool,
    chair_decision: str,
    withdrawn: bool = False,
) -> Declaration:
    """Record the chair's decision on a declared interest (minuted)."""
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
    if not chair_decision:
        raise ValidationError(
            {"chair_decision": "Record how the chair decided the interest is managed."}
        )
    if withdrawn and (excluded_from_discussion or excluded_from_vote):
        raise ValidationError({"withdrawn": "A withdrawn declaration excludes nobody."})
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
        },
        chair_decision,
    )
    return d


# --- the item's discussion and decision --------------------------------------------------


@transaction.atomic
def item_record_discussion(*, actor, item: AgendaItem, discussion: str) -> AgendaItem:
    m = _meeting_for_record(item.meeting)
    require_manager(actor, m.committee)
    obj = AgendaItem.objects.get(pk=item.pk)
    text = (discussion or "").strip()
    if obj.discussion != text:
        obj.discussion = text
        obj.save(update_fields=["discussion"])
        audit(actor, "meeting.item_discussion", obj, m.committee, {"length": len(text)})
    return obj


def _int_or_none(value, field, errors: Errors):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        errors.add(field, "Enter a whole number.")
        return None


@transaction.atomic
def item_decide(
    *,
    actor,
    item: AgendaItem,
    outcome: str | None = None,
    resolution: str = "",
    votes_for=None,
    votes_against=None,
    abstentions=None,
    casting_vote: str = "",
) -> ItemDecision:
    """Record the decision on an item. With votes, the outcome follows from them (with the
    chair's casting vote if tied and allowed). Approving or rejecting needs the item to be
    quorate once the chair's exclusions for conflicts are applied."""
    m = _meeting_for_record(item.meeting)
    require_manager(actor, m.committee)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if ItemDecision.objects.filter(item=item).exists():
        raise ValidationError("A decision is already recorded on this item.")
    undecided = [d for d in item.declarations.select_related("person") if d.decided_at is None]
    if undecided:
        names = ", ".join(
            sorted({d.person.get_full_name() or d.person.get_username() for d in undecided})
        )
        raise ValidationError(
            f"The chair has not yet decided how the interests declared by {names} are managed."
        )
    errors = Errors()
    counts = {
        "votes_for": _int_or_none(votes_for, "votes_for", errors),
        "votes_against": _int_or_none(votes_against, "votes_against", errors),
        "abstentions": _int_or_none(abstentions, "abstentions", errors),
    }
    errors.raise_if_any()
    seats = selectors.seats(m, item)
    q = quorum.evaluate(selectors.rule_of(m.committee), seats)
    voted = any(v is not None for v in counts.values())
    if voted:
        if any(v is None for v in counts.values()):
            raise ValidationError(
                {k: ["Enter the number (0 if none)."] for k, v in counts.items() if v is None}
            )
        try:
            result = quorum.count_votes(
                **counts,
                eligible=len(quorum.eligible_voters(seats)),
                casting_vote_allowed=quorum.casting_vote_available(
                    m.committee.chair_has_casting_vote, seats
                ),
                casting_vote=casting_vote or None,
            )
        except quorum.VoteError as exc:
            raise ValidationError({k: [v] for k, v in exc.errors.items()}) from exc
        if outcome and outcome != result.outcome:
            raise ValidationError(
                {
                    "outcome": "The votes recorded mean the item is "
                    f"{Outcome(result.outcome).label.lower()}."
                }
            )
        outcome = result.outcome
    elif casting_vote:
        raise ValidationError({"casting_vote": "Record the votes before a casting vote."})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose the outcome."})
    if outcome in BOARD_OUTCOMES and item.purpose not in DECIDING_PURPOSES:
        raise ValidationError(
            {"outcome": "Only items for decision or approval are approved or not."}
        )
    if outcome in BOARD_OUTCOMES and not q.quorate:
        raise ValidationError(
            {"outcome": "The meeting is not quorate for this item: " + "; ".join(q.reasons) + "."}
        )
    decision = ItemDecision.objects.create(
        item=item,
        outcome=outcome,
        resolution=(resolution or "").strip(),
        casting_vote=casting_vote or "" if voted else "",
        quorate=q.quorate,
        quorum=q.as_dict(),
        recorded_by=actor,
        **(counts if voted else {}),
    )
    audit(
        actor,
        "meeting.item_decided",
        decision,
        m.committee,
        {
            "item": item.pk,
            "outcome": outcome,
            "votes": counts if voted else None,
            "casting_vote": decision.casting_vote,
            "quorum": q.as_dict(),
        },
    )
    if item.standing_kind == StandingKind.PREVIOUS_MINUTES and outcome == Outcome.APPROVED:
        from governance.meetings.services.minutes import approve_previous_minutes

        approve_previous_minutes(actor, m, item)
    if item.subject_type_id and outcome in BOARD_OUTCOMES:
        _tell_owner(actor, m, item, decision)
    return decision


def _tell_owner(actor, m: Meeting, item: AgendaItem, decision: ItemDecision) -> None:
    subject = item.subject
    try:
        st = subjects.for_model(subject)
    except LookupError:
        return
    if st.on_board_decision is None:
        return
    st.on_board_decision(
        subject,
        actor=actor,
        outcome=decision.outcome,
        notes=decision.resolution,
        decided_on=selectors.meeting_date(m),
        decided_by=m.committee.name,
        item=item,
    )
