"""At the meeting: attendance and each item's discussion. Declarations of interest are
in ``services.declarations`` and decisions with named votes in ``services.decide``
(re-exported here: ``conduct.item_decide`` …)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance.meetings import selectors
from governance.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    CommitteeMember,
    Meeting,
)
from governance.meetings.services._common import audit, require_manager
from governance.meetings.services.decide import (  # noqa: F401  (re-exported)
    BOARD_OUTCOMES,
    DECIDING_PURPOSES,
    binding_of,
    item_decide,
)
from governance.meetings.services.decide import meeting_for_record as _meeting_for_record
from governance.meetings.services.declarations import (  # noqa: F401  (re-exported)
    declaration_add,
    declaration_decide,
    declarations_prefill,
)

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
    deciding = {b.pk for b in selectors.bodies_of(m.committee)} | {m.committee_id}
    if member.committee_id not in deciding or not member.is_member_on(selectors.meeting_date(m)):
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
