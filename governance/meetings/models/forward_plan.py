"""The forward plan: each committee's annual cycle of business.

A plan item is either standing (taken every cycle it recurs in) or planned (a piece of
business expected in a month), and recurs monthly, quarterly, once a year, or happens
once in a given month of a given year. Items due in a month pre-populate the draft agenda
of the committee's first meeting that month. Key decisions that are Part 1 and marked
public are published on the portal's forward plan from ``FORWARD_PLAN_NOTICE_DAYS``
(28) days before the meeting they are expected at (see ``forward_plan.published``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.meetings.models.meetings import Part, Purpose


class PlanKind(models.TextChoices):
    STANDING = "standing", "Standing item"
    PLANNED = "planned", "Planned item"


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", "Every month"
    QUARTERLY = "quarterly", "Every quarter, from the month given"
    ANNUAL = "annual", "Once a year, in the month given"
    ONCE = "once", "Once, in the month and year given"


MONTHS = [(n, datetime.date(2000, n, 1).strftime("%B")) for n in range(1, 13)]


class ForwardPlanItem(models.Model):
    """One line of a committee's cycle of business."""

    committee = models.ForeignKey(
        "meetings.Committee", on_delete=models.PROTECT, related_name="forward_plan"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=PlanKind.choices, default=PlanKind.PLANNED)
    recurrence = models.CharField(
        max_length=12, choices=Recurrence.choices, default=Recurrence.ANNUAL
    )
    month = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=MONTHS,
        help_text="The month it is due (for a quarterly item: the first of its quarters).",
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a one-off item: the year it is due."
    )
    purpose = models.CharField(max_length=12, choices=Purpose.choices, default=Purpose.ASSURANCE)
    presenter = models.CharField(max_length=200, blank=True)
    part = models.PositiveSmallIntegerField(choices=Part.choices, default=Part.PUBLIC)
    exemption_reason = models.CharField(max_length=300, blank=True)
    is_key_decision = models.BooleanField(
        default=False,
        help_text="A key decision: published on the public forward plan ahead of the meeting.",
    )
    is_public = models.BooleanField(
        default=True, help_text="May be shown on the public forward plan (Part 1 only)."
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["committee", "month", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PlanKind.values), name="forwardplan_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(recurrence__in=Recurrence.values),
                name="forwardplan_recurrence_valid",
            ),
            models.CheckConstraint(
                condition=Q(recurrence=Recurrence.MONTHLY) | Q(month__gte=1, month__lte=12),
                name="forwardplan_month_given",
            ),
            models.CheckConstraint(
                condition=~Q(recurrence=Recurrence.ONCE) | Q(year__isnull=False),
                name="forwardplan_once_has_year",
            ),
            models.CheckConstraint(
                condition=Q(part=Part.PUBLIC) | (~Q(exemption_reason="") & Q(is_public=False)),
                name="forwardplan_part2_private",
            ),
            models.CheckConstraint(
                condition=Q(part__in=Part.values), name="forwardplan_part_valid"
            ),
        ]
        indexes = [models.Index(fields=["committee", "is_active"], name="forwardplan_active")]

    def __str__(self) -> str:
        return f"{self.title} ({self.schedule_label})"

    def months(self) -> set[int]:
        """The months of the year the item is due in."""
        if self.recurrence == Recurrence.MONTHLY:
            return set(range(1, 13))
        if self.recurrence == Recurrence.QUARTERLY:
            return {(self.month - 1 + 3 * k) % 12 + 1 for k in range(4)}
        return {self.month}

    def due_in(self, year: int, month: int) -> bool:
        if self.recurrence == Recurrence.ONCE:
            return (self.year, self.month) == (year, month)
        return month in self.months()

    @property
    def schedule_label(self) -> str:
        names = dict(MONTHS)
        if self.recurrence == Recurrence.MONTHLY:
            return "every month"
        if self.recurrence == Recurrence.QUARTERLY:
            return "quarterly: " + ", ".join(names[m][:3] for m in sorted(self.months()))
        if self.recurrence == Recurrence.ONCE:
            return f"{names[self.month]} {self.year}"
        return f"every {names[self.month]}"

    @property
    def is_part2(self) -> bool:
        return self.part == Part.PRIVATE
