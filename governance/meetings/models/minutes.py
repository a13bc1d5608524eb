"""Minutes (drafted from the record, approved at the next meeting, published) and actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Approved and published"


class Minutes(models.Model):
    """The minutes of one meeting: a header (attendance) and one entry per agenda item."""

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="minutes"
    )
    status = models.CharField(max_length=10, choices=MinutesStatus.choices, default="draft")
    attendance_text = models.TextField(blank=True)
    approved_at_item = models.ForeignKey(
        "meetings.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="minutes_approved_here",
        help_text="The next meeting's agenda item at which these minutes were approved.",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MinutesStatus.values), name="minutes_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=MinutesStatus.DRAFT)
                | Q(approved_at__isnull=False, approved_at_item__isnull=False),
                name="minutes_approved_at_a_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(status=MinutesStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="minutes_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}"


class MinuteEntry(models.Model):
    """The minute of one agenda item (plain text). Part 2 entries are never published."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey("meetings.AgendaItem", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)
    is_part2 = models.BooleanField(default=False)

    class Meta:
        ordering = ["minutes", "item__position"]
        verbose_name_plural = "minute entries"
        constraints = [
            models.UniqueConstraint(fields=["minutes", "item"], name="minuteentry_item_once"),
        ]

    def __str__(self) -> str:
        return f"Minute of {self.item}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Complete"
    DROPPED = "dropped", "Closed without action"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Action(models.Model):
    """An action agreed at a meeting; open actions are carried forward to the next."""

    reference = models.CharField(max_length=20, editable=False)
    committee = models.ForeignKey(
        "meetings.Committee", on_delete=models.PROTECT, related_name="actions"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="actions"
    )
    item = models.ForeignKey(
        "meetings.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_actions"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default="open")
    progress = models.TextField(blank=True)
    is_confidential = models.BooleanField(
        default=False, help_text="Raised on a Part 2 item: never published."
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="action_reference_unique"),
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_ACTION_STATUSES) | Q(closed_at__isnull=False),
                name="action_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.description[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Still open after its due date (UK calendar)."""
        return self.is_open and self.due_date < timezone.localdate()
