"""Managing a committee's forward plan, and putting it on new agendas.

Every change is made by the secretariat running the committee, validated, and audited
in the same transaction. ``prepopulate`` is called by ``agenda.meeting_create``: the
items due in the new meeting's month go on its draft agenda, unless another meeting of
the committee that month already has them.
"""

from __future__ import annotations

from django.db import transaction

from governance import validators
from governance.audit.services import diff, snapshot
from governance.meetings import selectors
from governance.meetings.models import (
    AgendaItem,
    Committee,
    ForwardPlanItem,
    Meeting,
    MeetingStatus,
    Part,
    PlanKind,
    Purpose,
    Recurrence,
)
from governance.meetings.services._common import Errors, audit, require_manager

PLAN_FIELDS = (
    "title",
    "description",
    "kind",
    "recurrence",
    "month",
    "year",
    "purpose",
    "presenter",
    "part",
    "exemption_reason",
    "is_key_decision",
    "is_public",
    "is_active",
)


def _validate(item: ForwardPlanItem) -> None:
    errors = Errors()
    item.title = (item.title or "").strip()
    item.presenter = (item.presenter or "").strip()
    item.exemption_reason = (item.exemption_reason or "").strip()
    for name, multiline in (("title", False), ("presenter", False), ("description", True)):
        max_length = ForwardPlanItem._meta.get_field(name).max_length
        problem = validators.plain_text_message(
            getattr(item, name) or "", multiline=multiline, max_length=max_length
        )
        if problem:
            errors.add(name, problem)
    if not item.title:
        errors.add("title", "Give the title of the item.")
    if item.kind not in PlanKind.values:
        errors.add("kind", "Choose a standing or a planned item.")
    if item.recurrence not in Recurrence.values:
        errors.add("recurrence", "Choose how often the item comes.")
    elif item.recurrence != Recurrence.MONTHLY and item.month not in range(1, 13):
        errors.add("month", "Choose the month the item is due.")
    if item.recurrence == Recurrence.ONCE and not (item.year and 2000 <= item.year <= 2100):
        errors.add("year", "Give the year of a one-off item, for example 2026.")
    if item.recurrence == Recurrence.MONTHLY:
        item.month = None
    if item.recurrence != Recurrence.ONCE:
        item.year = None
    if item.purpose not in Purpose.values:
        errors.add("purpose", "Choose the purpose of the item.")
    if item.part not in Part.values:
        errors.add("part", "Choose Part 1 (public) or Part 2 (private).")
    elif item.part == Part.PRIVATE:
        if not item.exemption_reason:
            errors.add("exemption_reason", "Say why the item is taken in private.")
        item.is_public = False  # a Part 2 item is never on the public plan
    else:
        item.exemption_reason = ""
    errors.raise_if_any()


@transaction.atomic
def plan_item_create(*, actor, committee: Committee, title: str, **fields) -> ForwardPlanItem:
    """Add an item to the committee's forward plan."""
    require_manager(actor, committee)
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    item = ForwardPlanItem(committee=committee, title=title, created_by=actor, **fields)
    _validate(item)
    item.save()
    audit(
        actor,
        "forward_plan.item_added",
        item,
        committee,
        diff(None, snapshot(item, PLAN_FIELDS)),
    )
    return item


@transaction.atomic
def plan_item_update(
    *, actor, item: ForwardPlanItem, reason: str = "", **fields
) -> ForwardPlanItem:
    """Change an item (``is_active=False`` withdraws it from the plan)."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    locked = ForwardPlanItem.objects.select_for_update().select_related("committee").get(pk=item.pk)
    require_manager(actor, locked.committee)
    before = snapshot(locked, PLAN_FIELDS)
    for name, value in fields.items():
        setattr(locked, name, value)
    _validate(locked)
    changes = diff(before, snapshot(locked, PLAN_FIELDS))
    if not changes:
        return locked
    locked.save()
    verb = (
        "forward_plan.item_withdrawn"
        if before.get("is_active") and not locked.is_active
        else "forward_plan.item_changed"
    )
    audit(actor, verb, locked, locked.committee, changes, reason)
    return locked


def due_items(committee: Committee, year: int, month: int) -> list[ForwardPlanItem]:
    """The active plan items of the committee due in that month, standing items first."""
    items = ForwardPlanItem.objects.filter(committee=committee, is_active=True)
    due = [i for i in items if i.due_in(year, month)]
    return sorted(due, key=lambda i: (i.kind != PlanKind.STANDING, i.part, i.title))


def prepopulate(actor, meeting: Meeting) -> list[AgendaItem]:
    """Put the plan items due in the meeting's month on its draft agenda (inside
    ``meeting_create``'s transaction, through the agenda's own service)."""
    from governance.meetings.services.agenda import item_add

    day = selectors.meeting_date(meeting)
    taken = set(
        AgendaItem.objects.filter(
            meeting__committee=meeting.committee,
            meeting__start__year=day.year,
            meeting__start__month=day.month,
            plan_item__isnull=False,
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .values_list("plan_item_id", flat=True)
    )
    added = []
    for plan_item in due_items(meeting.committee, day.year, day.month):
        if plan_item.pk in taken:
            continue
        added.append(
            item_add(
                actor=actor,
                meeting=meeting,
                title=plan_item.title,
                purpose=plan_item.purpose,
                presenter=plan_item.presenter,
                part=plan_item.part,
                exemption_reason=plan_item.exemption_reason,
                plan_item=plan_item,
            )
        )
    return added
