"""Meetings and their agendas."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Session(models.TextChoices):
    PUBLIC = "public", "Meeting held in public"
    PRIVATE = "private", "Meeting held in private"


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Agenda in preparation"
    ISSUED = "issued", "Papers issued"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    """One meeting of a committee."""

    committee = models.ForeignKey(
        "meetings.Committee", on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(max_length=200, blank=True)
    start = models.DateTimeField()
    location = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(blank=True)
    session = models.CharField(max_length=10, choices=Session.choices, default=Session.PUBLIC)
    papers_due_on = models.DateField(
        null=True,
        blank=True,
        help_text="The deadline for papers (the pack date); blank: the committee's "
        "papers_due_days before the meeting.",
    )
    status = models.CharField(
        max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(session__in=Session.values), name="meeting_session_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(location="") | ~Q(online_link=""), name="meeting_has_place"
            ),
        ]
        indexes = [models.Index(fields=["committee", "start"], name="meeting_committee_start")]

    def __str__(self) -> str:
        when = timezone.localtime(self.start).strftime("%-d %B %Y")
        return f"{self.display_title}, {when}"

    @property
    def display_title(self) -> str:
        return self.title or f"{self.committee.name} meeting"

    @property
    def is_public_session(self) -> bool:
        return self.session == Session.PUBLIC


class Purpose(models.TextChoices):
    DECISION = "decision", "For decision"
    APPROVAL = "approval", "For approval"
    ASSURANCE = "assurance", "For assurance"
    INFORMATION = "information", "For information"
    NOTING = "noting", "For noting"


class Part(models.IntegerChoices):
    PUBLIC = 1, "Part 1 (public)"
    PRIVATE = 2, "Part 2 (private)"


class StandingKind(models.TextChoices):
    APOLOGIES = "apologies", "Welcome and apologies for absence"
    QUORUM = "quorum", "Confirmation of quorum"
    DECLARATIONS = "declarations", "Declarations of interest"
    PREVIOUS_MINUTES = "previous_minutes", "Minutes of the previous meeting"
    ACTION_LOG = "action_log", "Action log"
    CHAIRS_ACTIONS = "chairs_actions", "Chair's actions taken since the last meeting"
    EXCLUSION = "exclude_public", "Resolution to exclude the public"


# opening items of every meeting, in order
STANDING_ITEMS = (
    (StandingKind.APOLOGIES, Purpose.NOTING, 5),
    (StandingKind.QUORUM, Purpose.NOTING, 2),
    (StandingKind.DECLARATIONS, Purpose.NOTING, 3),
    (StandingKind.PREVIOUS_MINUTES, Purpose.APPROVAL, 5),
    (StandingKind.ACTION_LOG, Purpose.ASSURANCE, 5),
    (StandingKind.CHAIRS_ACTIONS, Purpose.NOTING, 5),
)
# taken in public just before the first Part 2 item (the agenda service keeps it there)
EXCLUSION_ITEM = (StandingKind.EXCLUSION, Purpose.APPROVAL, 1)


class AgendaItem(models.Model):
    """An item of business, in order. Part 2 items are never published and always come
    after every Part 1 item (and after the resolution to exclude the public)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    standing_kind = models.CharField(max_length=20, choices=StandingKind.choices, blank=True)
    title = models.CharField(max_length=300)
    presenter = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    part = models.PositiveSmallIntegerField(choices=Part.choices, default=Part.PUBLIC)
    exemption_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why the item is taken in private, e.g. commercial confidentiality.",
    )
    duration_minutes = models.PositiveIntegerField(default=10)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    discussion = models.TextField(blank=True, help_text="Summary of the discussion (minuted).")
    plan_item = models.ForeignKey(
        "meetings.ForwardPlanItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
        help_text="The forward plan line this item was put on the agenda from.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="agendaitem_position_unique"
            ),
            models.CheckConstraint(condition=Q(part__in=Part.values), name="agendaitem_part_valid"),
            models.CheckConstraint(
                condition=Q(purpose__in=Purpose.values), name="agendaitem_purpose_valid"
            ),
            models.CheckConstraint(
                condition=Q(part=Part.PUBLIC) | ~Q(exemption_reason=""),
                name="agendaitem_part2_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(subject_type__isnull=True, subject_id__isnull=True)
                | Q(subject_type__isnull=False, subject_id__isnull=False),
                name="agendaitem_subject_complete",
            ),
            models.UniqueConstraint(
                fields=["meeting", "standing_kind"],
                condition=~Q(standing_kind=""),
                name="agendaitem_standing_once",
            ),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="agendaitem_subject")]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def is_part2(self) -> bool:
        return self.part == Part.PRIVATE

    @property
    def public_title(self) -> str:
        """What the public may see of the item's title."""
        if self.is_part2:
            return f"Confidential item — exempt under {self.exemption_reason}"
        return self.title
