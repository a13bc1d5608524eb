"""Meetings and agendas: standing items, ordering, tabling a subject in one step.

Order: every Part 1 item comes before every Part 2 item. The resolution to exclude the
public (a standing item, taken in public) is added when the first Part 2 item is, sits
between the two parts, and goes when the last Part 2 item does. Adding or tabling a
Part 1 item after Part 2 items places it at the end of Part 1; moving or reordering can
never put a Part 1 item after the resolution or a Part 2 item."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from governance import subjects, validators
from governance.audit.services import diff, snapshot
from governance.meetings import selectors
from governance.meetings.models import (
    EXCLUSION_ITEM,
    STANDING_ITEMS,
    AgendaItem,
    Committee,
    Meeting,
    MeetingStatus,
    Part,
    Purpose,
    Session,
    StandingKind,
)
from governance.meetings.services._common import Errors, audit, require_manager
from governance.meetings.services.declarations import prefill
from governance.search.services import search_index_meeting, search_index_remove

MEETING_FIELDS = (
    "committee",
    "title",
    "start",
    "location",
    "online_link",
    "session",
    "status",
    "papers_due_on",
)
ITEM_FIELDS = (
    "title",
    "presenter",
    "purpose",
    "part",
    "exemption_reason",
    "duration_minutes",
    "subject_type",
    "subject_id",
)
EDITABLE_ITEM_FIELDS = (
    "title",
    "presenter",
    "purpose",
    "part",
    "exemption_reason",
    "duration_minutes",
)
DEFAULT_EXEMPTION = "commercial confidentiality (information not for publication)"


def _validate_meeting(m: Meeting) -> None:
    errors = Errors()
    m.title = (m.title or "").strip()
    m.location = (m.location or "").strip()
    m.online_link = (m.online_link or "").strip()
    for name in ("title", "location"):
        # each field's own length (a meeting's place may be up to 300 characters)
        problem = validators.plain_text_message(
            getattr(m, name), multiline=False, max_length=Meeting._meta.get_field(name).max_length
        )
        if problem:
            errors.add(name, problem)
    if m.start is None:
        errors.add("start", "Give the date and time of the meeting.")
    elif timezone.is_naive(m.start):
        errors.add("start", "Give the time with its time zone.")
    if not m.location and not m.online_link:
        errors.add("location", "Give the place of the meeting or an online link.")
    if m.online_link and not m.online_link.startswith("https://"):
        errors.add("online_link", "Online links must start with https://.")
    if m.session not in Session.values:
        errors.add("session", "Choose whether the meeting is held in public or in private.")
    if not m.committee.is_active:
        errors.add("committee", "This committee is no longer active.")
    if (
        m.papers_due_on is not None
        and m.start is not None
        and timezone.is_aware(m.start)
        and m.papers_due_on >= timezone.localtime(m.start).date()
    ):
        errors.add("papers_due_on", "Papers must be due before the day of the meeting.")
    errors.raise_if_any()


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)


def _require_open(m: Meeting) -> None:
    if m.status == MeetingStatus.CANCELLED:
        raise ValidationError("The meeting is cancelled.")


@transaction.atomic
def meeting_create(
    *,
    actor,
    committee: Committee,
    start: datetime.datetime,
    location: str = "",
    online_link: str = "",
    session: str = Session.PUBLIC,
    title: str = "",
    papers_due_on: datetime.date | None = None,
) -> Meeting:
    """Create a meeting with the standing items every meeting opens with, then the
    forward plan's items due in its month."""
    require_manager(actor, committee)
    m = Meeting(
        committee=committee,
        start=start,
        location=location,
        online_link=online_link,
        session=session,
        title=title,
        created_by=actor,
        papers_due_on=papers_due_on,
    )
    _validate_meeting(m)
    m.save()
    for position, (kind, purpose, minutes) in enumerate(STANDING_ITEMS, start=1):
        AgendaItem.objects.create(
            meeting=m,
            position=position,
            standing_kind=kind,
            title=kind.label,
            presenter="Chair",
            purpose=purpose,
            duration_minutes=minutes,
        )
    audit(actor, "meeting.created", m, committee, diff(None, snapshot(m, MEETING_FIELDS)))
    from governance.meetings.services.forward_plan import prepopulate

    prepopulate(actor, m)  # the forward plan's items due that month
    return m


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, reason: str = "", **fields) -> Meeting:
    allowed = {"title", "start", "location", "online_link", "session", "papers_due_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    m = _lock_meeting(meeting)
    require_manager(actor, m.committee)
    _require_open(m)
    before = snapshot(m, MEETING_FIELDS)
    for key, value in fields.items():
        setattr(m, key, value)
    _validate_meeting(m)
    changes = diff(before, snapshot(m, MEETING_FIELDS))
    if changes:
        m.save()
        audit(actor, "meeting.updated", m, m.committee, changes, reason)
        if {"start", "title", "session"} & set(changes):
            search_index_meeting(m)  # the documents' dates, titles and public copies
    return m


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    m = _lock_meeting(meeting)
    require_manager(actor, m.committee)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the meeting is cancelled."})
    if m.status in (MeetingStatus.HELD, MeetingStatus.CANCELLED):
        raise ValidationError(
            f"A meeting that is {m.get_status_display().lower()} cannot be cancelled."
        )
    before = m.status
    m.status = MeetingStatus.CANCELLED
    m.save(update_fields=["status"])
    audit(
        actor,
        "meeting.cancelled",
        m,
        m.committee,
        {"status": {"before": before, "after": m.status}},
        reason,
    )
    return m


def meeting_set_status(actor, m: Meeting, status: str, verb: str) -> None:
    """Move the (locked) meeting to ``status`` and audit it; for use inside services."""
    if m.status == status:
        return
    before = m.status
    m.status = status
    m.save(update_fields=["status"])
    audit(actor, verb, m, m.committee, {"status": {"before": before, "after": status}})


@transaction.atomic
def meeting_close(*, actor, meeting: Meeting) -> Meeting:
    """Record that the meeting has been held (the record is then minuted)."""
    m = _lock_meeting(meeting)
    require_manager(actor, m.committee)
    _require_open(m)
    if m.start > timezone.now():
        raise ValidationError("The meeting has not started yet.")
    meeting_set_status(actor, m, MeetingStatus.HELD, "meeting.held")
    return m


# --- items ------------------------------------------------------------------------------


def _validate_item(item: AgendaItem) -> None:
    errors = Errors()
    item.title = (item.title or "").strip()
    item.presenter = (item.presenter or "").strip()
    item.exemption_reason = (item.exemption_reason or "").strip()
    if not item.title:
        errors.add("title", "Give the item a title.")
    for name in ("title", "presenter"):
        problem = validators.plain_text_message(
            getattr(item, name), multiline=False, max_length=validators.TITLE_MAX
        )
        if problem:
            errors.add(name, problem)
    if item.purpose not in Purpose.values:
        errors.add("purpose", "Choose the purpose of the item.")
    if item.part not in Part.values:
        errors.add("part", "Choose Part 1 (public) or Part 2 (private).")
    if item.part == Part.PRIVATE and not item.exemption_reason:
        errors.add("exemption_reason", "A Part 2 item needs the reason it is exempt.")
    if item.part == Part.PUBLIC:
        item.exemption_reason = ""
    if item.duration_minutes is None or not 1 <= item.duration_minutes <= 480:
        errors.add("duration_minutes", "Give a duration between 1 and 480 minutes.")
    if item.subject_type_id and item.part == Part.PUBLIC and _subject_confidential(item):
        errors.add("part", "The record this item concerns is confidential: take it in Part 2.")
    errors.raise_if_any()


def _subject_confidential(item: AgendaItem) -> bool:
    subject = item.subject
    if subject is None:
        return False
    try:
        return bool(subjects.for_model(subject).is_confidential(subject))
    except LookupError:
        return False


def _require_editable(m: Meeting) -> None:
    _require_open(m)
    if m.status == MeetingStatus.HELD:
        raise ValidationError("The meeting has been held: its agenda can no longer change.")


def _next_position(m: Meeting) -> int:
    return (m.items.aggregate(n=Max("position"))["n"] or 0) + 1


def _block(item: AgendaItem) -> int:
    """0: Part 1 business, 1: the resolution to exclude the public, 2: Part 2 business."""
    if item.standing_kind == StandingKind.EXCLUSION:
        return 1
    return 2 if item.part == Part.PRIVATE else 0


def in_order(items) -> list:
    """``items`` (in their current order) with Part 1 first, then the resolution to
    exclude the public, then Part 2: a stable reordering."""
    return sorted(items, key=_block)


def _keep_parts_in_order(actor, m: Meeting) -> None:
    """Add or drop the resolution to exclude the public, and keep Part 1 before Part 2
    (after any change to the agenda)."""
    items = list(m.items.order_by("position"))
    exclusion = next((i for i in items if i.standing_kind == StandingKind.EXCLUSION), None)
    has_part2 = any(i.part == Part.PRIVATE for i in items)
    if has_part2 and exclusion is None:
        kind, purpose, minutes = EXCLUSION_ITEM
        exclusion = AgendaItem.objects.create(
            meeting=m,
            position=_next_position(m),
            standing_kind=kind,
            title=kind.label,
            presenter="Chair",
            purpose=purpose,
            duration_minutes=minutes,
        )
        items.append(exclusion)
        audit(
            actor,
            "meeting.item_added",
            exclusion,
            m.committee,
            diff(None, snapshot(exclusion, ITEM_FIELDS)),
            "Part 2 business follows",
        )
    elif not has_part2 and exclusion is not None and not hasattr(exclusion, "decision"):
        audit(
            actor,
            "meeting.item_removed",
            exclusion,
            m.committee,
            diff(snapshot(exclusion, ITEM_FIELDS), None),
            "No Part 2 business left",
        )
        items.remove(exclusion)
        exclusion.delete()
    ordered = [i.pk for i in in_order(items)]
    if ordered != [i.pk for i in items] or [i.position for i in items] != list(
        range(1, len(items) + 1)
    ):
        _renumber(m, ordered)


def _check_parts(m: Meeting, ordered_ids: list[int], field: str) -> None:
    items = {i.pk: i for i in m.items.all()}
    proposed = [items[pk] for pk in ordered_ids]
    if [i.pk for i in in_order(proposed)] != ordered_ids:
        raise ValidationError(
            {
                field: "Part 1 items come before the resolution to exclude the public, and "
                "Part 2 items after it."
            }
        )


def _renumber(m: Meeting, ordered_ids: list[int]) -> None:
    """Give the items positions 1..n in the given order (two steps: positions are unique)."""
    offset = 100000
    for index, pk in enumerate(ordered_ids, start=1):
        AgendaItem.objects.filter(pk=pk).update(position=offset + index)
    for index, pk in enumerate(ordered_ids, start=1):
        AgendaItem.objects.filter(pk=pk).update(position=index)


@transaction.atomic
def item_add(
    *,
    actor,
    meeting: Meeting,
    title: str,
    purpose: str,
    presenter: str = "",
    part: int = Part.PUBLIC,
    exemption_reason: str = "",
    duration_minutes: int = 10,
    subject=None,
    plan_item=None,
) -> AgendaItem:
    m = _lock_meeting(meeting)
    require_manager(actor, m.committee)
    _require_editable(m)
    item = AgendaItem(
        meeting=m,
        position=_next_position(m),
        title=title,
        presenter=presenter,
        purpose=purpose,
        part=int(part) if str(part).isdigit() else part,
        exemption_reason=exemption_reason,
        duration_minutes=duration_minutes,
        plan_item=plan_item,
    )
    if subject is not None:
        item.subject_type = ContentType.objects.get_for_model(subject)
        item.subject_id = subject.pk
    _validate_item(item)
    item.save()
    audit(actor, "meeting.item_added", item, m.committee, diff(None, snapshot(item, ITEM_FIELDS)))
    _keep_parts_in_order(actor, m)
    if m.status == MeetingStatus.ISSUED and item.subject_type_id:
        prefill(actor, m, [item])  # the agenda is published: its declarations are expected
    return AgendaItem.objects.get(pk=item.pk)


@transaction.atomic
def item_update(*, actor, item: AgendaItem, reason: str = "", **fields) -> AgendaItem:
    unknown = set(fields) - set(EDITABLE_ITEM_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    m = _lock_meeting(item.meeting)
    require_manager(actor, m.committee)
    _require_editable(m)
    obj = AgendaItem.objects.get(pk=item.pk)
    before = snapshot(obj, ITEM_FIELDS)
    if "part" in fields and str(fields["part"]).isdigit():
        fields["part"] = int(fields["part"])
    for key, value in fields.items():
        setattr(obj, key, value)
    if obj.standing_kind and "title" in fields and not obj.title.strip():
        obj.title = obj.get_standing_kind_display()
    _validate_item(obj)
    if obj.standing_kind == StandingKind.EXCLUSION and obj.part != Part.PUBLIC:
        raise ValidationError({"part": "The resolution to exclude the public is taken in public."})
    changes = diff(before, snapshot(obj, ITEM_FIELDS))
    if changes:
        obj.save()
        audit(actor, "meeting.item_updated", obj, m.committee, changes, reason)
        if "part" in changes:
            _keep_parts_in_order(actor, m)
            obj.refresh_from_db()
        if {"title", "part"} & set(changes):
            # a Part 1 → Part 2 move takes the paper out of public search in this commit
            search_index_meeting(m, item=obj)
    return obj


@transaction.atomic
def item_remove(*, actor, item: AgendaItem, reason: str = "") -> None:
    m = _lock_meeting(item.meeting)
    require_manager(actor, m.committee)
    _require_editable(m)
    obj = AgendaItem.objects.get(pk=item.pk)
    if obj.standing_kind:
        raise ValidationError("Standing items cannot be removed.")
    if hasattr(obj, "decision") or obj.actions.exists():
        raise ValidationError("This item has a recorded decision or actions.")
    audit(
        actor,
        "meeting.item_removed",
        obj,
        m.committee,
        diff(snapshot(obj, ITEM_FIELDS), None),
        reason,
    )
    paper = getattr(obj, "paper", None)
    if paper is not None:  # deleted with its item
        search_index_remove(kind="paper", object_id=paper.pk)
    obj.delete()
    _renumber(m, list(m.items.order_by("position").values_list("pk", flat=True)))
    _keep_parts_in_order(actor, m)


@transaction.atomic
def item_move(*, actor, item: AgendaItem, to_position: int) -> AgendaItem:
    """Move an item to ``to_position`` (1-based); the others close up around it."""
    m = _lock_meeting(item.meeting)
    require_manager(actor, m.committee)
    _require_editable(m)
    ids = list(m.items.order_by("position").values_list("pk", flat=True))
    if item.pk not in ids:
        raise ValidationError("The item is not on this agenda.")
    if not isinstance(to_position, int) or not 1 <= to_position <= len(ids):
        raise ValidationError({"position": f"Choose a position from 1 to {len(ids)}."})
    before = ids.index(item.pk) + 1
    if before == to_position:
        return item
    ids.remove(item.pk)
    ids.insert(to_position - 1, item.pk)
    _check_parts(m, ids, "position")
    _renumber(m, ids)
    audit(
        actor,
        "meeting.item_moved",
        item,
        m.committee,
        {"position": {"before": before, "after": to_position}},
    )
    return AgendaItem.objects.get(pk=item.pk)


@transaction.atomic
def item_reorder(*, actor, meeting: Meeting, ordered_ids: list[int]) -> None:
    """Put the whole agenda in the given order (every item exactly once)."""
    m = _lock_meeting(meeting)
    require_manager(actor, m.committee)
    _require_editable(m)
    current = list(m.items.order_by("position").values_list("pk", flat=True))
    if sorted(current) != sorted(ordered_ids) or len(set(ordered_ids)) != len(ordered_ids):
        raise ValidationError({"order": "List every agenda item exactly once."})
    if current == ordered_ids:
        return
    _check_parts(m, ordered_ids, "order")
    _renumber(m, ordered_ids)
    audit(
        actor,
        "meeting.agenda_reordered",
        m,
        m.committee,
        {"order": {"before": current, "after": ordered_ids}},
    )


@transaction.atomic
def item_table_subject(
    *, actor, meeting: Meeting, subject, presenter: str = "", duration_minutes: int = 15
) -> AgendaItem:
    """Table a record waiting for decision (a proposal, an escalated risk …) in one step:
    the item takes its label, is for decision, and is Part 2 if the record is
    confidential (with the record's own exemption reason where it has one)."""
    try:
        st = subjects.for_model(subject)
    except LookupError:
        raise ValidationError("This kind of record cannot be tabled.") from None
    if st.awaiting_decision is None or not st.awaiting_decision().filter(pk=subject.pk).exists():
        raise ValidationError("This record is not waiting for a decision.")
    candidates = {(c.model_label, c.subject.pk) for c in selectors.tabling_candidates()}
    if (subject._meta.label_lower, subject.pk) not in candidates:
        raise ValidationError("This record is already on an agenda awaiting a decision.")
    decider = st.deciding_committee(subject) if st.deciding_committee else None
    if decider is not None and decider.pk not in {meeting.committee_id} | {
        b.pk for b in selectors.bodies_of(meeting.committee)
    }:
        raise ValidationError(
            f"This record is for the {decider.name} to decide, not the {meeting.committee.name}."
        )
    confidential = bool(st.is_confidential(subject))
    reason = ""
    if confidential:
        reason = (getattr(subject, "exemption_reason", "") or "").strip() or DEFAULT_EXEMPTION
        reason = reason[:300]
    return item_add(
        actor=actor,
        meeting=meeting,
        title=st.label(subject)[:300],
        purpose=Purpose.DECISION,
        presenter=presenter,
        part=Part.PRIVATE if confidential else Part.PUBLIC,
        exemption_reason=reason,
        duration_minutes=duration_minutes,
        subject=subject,
    )
