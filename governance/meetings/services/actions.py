"""The action log: actions agreed at meetings, updated until closed."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from governance.audit.services import diff, snapshot
from governance.meetings import policy
from governance.meetings.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionStatus,
    AgendaItem,
    Meeting,
    MeetingStatus,
    Session,
)
from governance.meetings.services._common import Errors, audit, require_manager
from governance.references.services import reference_next
from governance.search.services import search_index_update

FIELDS = ("description", "owner", "due_date", "status", "progress")


@transaction.atomic
def action_create(
    *,
    actor,
    meeting: Meeting,
    description: str,
    owner,
    due_date: datetime.date,
    item: AgendaItem | None = None,
) -> Action:
    m = Meeting.objects.select_related("committee").get(pk=meeting.pk)
    require_manager(actor, m.committee)
    errors = Errors()
    description = (description or "").strip()
    if m.status == MeetingStatus.CANCELLED:
        errors.add("meeting", "The meeting is cancelled.")
    if not description:
        errors.add("description", "Describe the action.")
    if owner is None or not owner.is_active:
        errors.add("owner", "Choose an active person to own the action.")
    if not isinstance(due_date, datetime.date):
        errors.add("due_date", "Give a due date.")
    if item is not None and item.meeting_id != m.pk:
        errors.add("item", "The item is not on this meeting's agenda.")
    errors.raise_if_any()
    action = Action(
        reference=reference_next("ACT"),
        committee=m.committee,
        meeting=m,
        item=item,
        description=description,
        owner=owner,
        due_date=due_date,
        is_confidential=bool(item and item.is_part2) or m.session == Session.PRIVATE,
    )
    action.save()
    audit(actor, "action.created", action, m.committee, diff(None, snapshot(action, FIELDS)))
    search_index_update(action)
    return action


@transaction.atomic
def action_update(*, actor, action: Action, reason: str = "", **fields) -> Action:
    """Update an action. Its owner may report progress and close it; the secretariat may
    change anything."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    a = Action.objects.select_for_update().select_related("committee").get(pk=action.pk)
    if not policy.can_update_action(actor, a):
        raise PermissionDenied("Only the action's owner or the secretariat can update it.")
    if not policy.can_manage(actor, a.committee) and set(fields) - {"status", "progress"}:
        raise PermissionDenied("The owner may update the progress and status only.")
    before = snapshot(a, FIELDS)
    for key, value in fields.items():
        setattr(a, key, value.strip() if isinstance(value, str) and key != "status" else value)
    errors = Errors()
    if a.status not in ActionStatus.values:
        errors.add("status", "Choose a status.")
    if not a.description:
        errors.add("description", "Describe the action.")
    if not isinstance(a.due_date, datetime.date):
        errors.add("due_date", "Give a due date.")
    if a.status == ActionStatus.DROPPED and not (a.progress or reason):
        errors.add("progress", "Say why the action is closed without being done.")
    errors.raise_if_any()
    if a.status in OPEN_ACTION_STATUSES:
        a.closed_at = None
    elif a.closed_at is None:
        a.closed_at = timezone.now()
    changes = diff(before, snapshot(a, FIELDS))
    if changes:
        a.save()
        audit(actor, "action.updated", a, a.committee, changes, reason)
        search_index_update(a)
    return a
