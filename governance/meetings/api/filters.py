"""Filters of the meetings API's lists (django-filter; see ``governance.api.filters``).

They narrow the caller's scoped queryset (the public view for anonymous callers) and
answer a JSON 400 by parameter for a bad value.
"""

from __future__ import annotations

import django_filters
from django.utils import timezone

from governance.api.filters import IdFilter, day_range
from governance.meetings.models import Action, ActionStatus, Committee, CommitteeKind, Meeting
from governance.meetings.models.minutes import OPEN_ACTION_STATUSES


class CommitteeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CommitteeKind.choices)
    organisation = IdFilter(field_name="organisation_id", label="The body it belongs to (id)")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Committee
        fields = ["kind", "organisation", "is_active"]


class MeetingFilter(django_filters.FilterSet):
    committee = IdFilter(field_name="committee_id")
    when = django_filters.ChoiceFilter(
        choices=[("upcoming", "Upcoming (soonest first)"), ("past", "Past")],
        method="by_when",
        label="Upcoming (soonest first) or past meetings",
    )
    start_after, start_before = day_range("start", "Meeting")

    class Meta:
        model = Meeting
        fields = ["committee", "when", "start_after", "start_before"]

    def by_when(self, queryset, name, value):
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(start__gte=now).order_by("start")
        return queryset.filter(start__lt=now)


class ActionFilter(django_filters.FilterSet):
    """``status=open`` means still to do: open or in progress."""

    status = django_filters.ChoiceFilter(
        choices=ActionStatus.choices, method="by_status", label="open: open or in progress"
    )
    committee = IdFilter(field_name="committee_id")
    meeting = IdFilter(field_name="meeting_id")
    owner = IdFilter(field_name="owner_id", label="The person who owns the action (id)")
    due_after, due_before = day_range("due_date", "Due", of_datetime=False)

    class Meta:
        model = Action
        fields = ["status", "committee", "meeting", "owner", "due_after", "due_before"]

    def by_status(self, queryset, name, value):
        if value == ActionStatus.OPEN:
            return queryset.filter(status__in=OPEN_ACTION_STATUSES)
        return queryset.filter(status=value)
