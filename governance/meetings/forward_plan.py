"""The public forward plan of key decisions (read side; no sign-in).

The rule, as councils publish forward plans of key decisions: a key decision expected in
month M is published from ``FORWARD_PLAN_NOTICE_DAYS`` (28) days before the first day of
M, so at least 28 days before any meeting in M it can be taken at, and stays on the plan
until its expected meeting (the committee's first meeting that month not cancelled) is
held or, with none, until M ends. It is never taken down earlier, whatever meetings are
scheduled meanwhile, since the date it is published from depends only on M.

Only active items of active committees that are key decisions, Part 1 and marked public
appear: no Part 2 item is ever read here.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from governance.meetings.models import (
    ForwardPlanItem,
    Meeting,
    MeetingStatus,
    Part,
    Recurrence,
    Session,
)


def notice_days() -> int:
    return int(getattr(settings, "FORWARD_PLAN_NOTICE_DAYS", 28))


@dataclass(frozen=True)
class PlannedDecision:
    item: ForwardPlanItem
    year: int
    month: int
    publish_from: datetime.date
    until: datetime.date
    meeting: Meeting | None

    @property
    def month_start(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def key(self) -> str:
        return f"forward-plan-{self.item.pk}-{self.year}-{self.month:02d}"


def _months(today: datetime.date, count: int):
    year, month = today.year, today.month
    for _ in range(count):
        yield year, month
        month += 1
        if month > 12:
            year, month = year + 1, 1


def public_plan_items():
    return ForwardPlanItem.objects.filter(
        is_active=True,
        is_key_decision=True,
        is_public=True,
        part=Part.PUBLIC,
        committee__is_active=True,
    ).select_related("committee")


def published(today: datetime.date | None = None) -> list[PlannedDecision]:
    """The key decisions on the public forward plan on ``today``, soonest first."""
    today = today or timezone.localdate()
    notice = datetime.timedelta(days=notice_days())
    months = list(_months(today, 1 + (notice.days // 28) + 1))
    last_year, last_month = months[-1]
    first_meetings: dict[tuple[int, int, int], Meeting] = {}
    for m in (
        Meeting.objects.filter(
            start__date__gte=datetime.date(today.year, today.month, 1),
            start__date__lte=datetime.date(
                last_year, last_month, calendar.monthrange(last_year, last_month)[1]
            ),
            session=Session.PUBLIC,
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("start")
    ):
        local = timezone.localtime(m.start).date()
        first_meetings.setdefault((m.committee_id, local.year, local.month), m)
    found = []
    for item in public_plan_items():
        for year, month in months:
            if not item.due_in(year, month):
                continue
            start = datetime.date(year, month, 1)
            meeting = first_meetings.get((item.committee_id, year, month))
            until = (
                timezone.localtime(meeting.start).date()
                if meeting
                else datetime.date(year, month, calendar.monthrange(year, month)[1])
            )
            if start - notice <= today <= until:
                found.append(PlannedDecision(item, year, month, start - notice, until, meeting))
    return sorted(found, key=lambda d: (d.year, d.month, d.item.committee.name, d.item.title))


def describe_schedule(item: ForwardPlanItem) -> str:
    return "one-off" if item.recurrence == Recurrence.ONCE else item.schedule_label
