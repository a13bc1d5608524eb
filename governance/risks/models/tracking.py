"""What happens to a risk over time: its score history, its review tasks and its
escalations above appetite."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.risks import scoring


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", "Initial assessment"
    REVIEW = "review", "Review"
    EDIT = "edit", "Scores edited"


class Assessment(models.Model):
    """One point of a risk's score history: its current rating at that moment."""

    risk = models.ForeignKey("risks.Risk", on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=10, choices=AssessmentKind.choices)
    likelihood = models.PositiveSmallIntegerField()
    consequence = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    assessed_on = models.DateField(default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    next_review_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["assessed_on", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5), name="assessment_likelihood_1_5"
            ),
            models.CheckConstraint(
                condition=Q(consequence__gte=1, consequence__lte=5),
                name="assessment_consequence_1_5",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AssessmentKind.values), name="assessment_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.risk.reference} {self.assessed_on}: {self.score}"

    @property
    def score(self) -> int:
        return scoring.score(self.likelihood, self.consequence)

    @property
    def band(self) -> scoring.Band:
        return scoring.band_for(self.score)


class ReviewTaskStatus(models.TextChoices):
    OPEN = "open", "Due"
    DONE = "done", "Reviewed"
    CANCELLED = "cancelled", "Cancelled"


class ReviewTask(models.Model):
    """A reminder that a risk is due for review, raised by ``raise_due_reviews``.

    At most one open task per risk (enforced by the database), so raising reviews is
    idempotent even when two runs overlap.
    """

    risk = models.ForeignKey("risks.Risk", on_delete=models.CASCADE, related_name="review_tasks")
    due_date = models.DateField(help_text="The review date that had come.")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_review_tasks"
    )
    status = models.CharField(
        max_length=10, choices=ReviewTaskStatus.choices, default=ReviewTaskStatus.OPEN
    )
    raised_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessment = models.OneToOneField(
        Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="review_task"
    )

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["risk"],
                condition=Q(status="open"),
                name="reviewtask_one_open_per_risk",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReviewTaskStatus.values), name="reviewtask_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.risk.reference} due {self.due_date}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ReviewTaskStatus.OPEN and self.due_date < timezone.localdate()


class EscalatedTo(models.TextChoices):
    COMMITTEE = "committee", "A committee of the board"
    BOARD = "board", "The board"


class EscalationStatus(models.TextChoices):
    OPEN = "open", "Awaiting the board's (or committee's) response"
    RESPONDED = "responded", "Responded"


class EscalationOutcome(models.TextChoices):
    """The board's or committee's response (the outcomes meetings record)."""

    APPROVED = "approved", "Approved (the proposed treatment)"
    REJECTED = "rejected", "Not approved: further action required"
    NOTED = "noted", "Noted"
    ASSURED = "assured", "Assurance received"
    DEFERRED = "deferred", "Deferred"


class Escalation(models.Model):
    """A risk whose current score rose above its category's appetite, for the
    responsible committee or the board. Waits to be tabled until it has a response."""

    risk = models.ForeignKey("risks.Risk", on_delete=models.PROTECT, related_name="escalations")
    escalated_to = models.CharField(max_length=10, choices=EscalatedTo.choices)
    committee_name = models.CharField(max_length=120, blank=True)
    likelihood = models.PositiveSmallIntegerField()
    consequence = models.PositiveSmallIntegerField()
    appetite_max_score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The category's appetite then (empty: the default)."
    )
    threshold = models.PositiveSmallIntegerField(help_text="The lowest score that escalated.")
    trigger = models.CharField(max_length=40, help_text="What raised the score, e.g. a review.")
    raised_at = models.DateTimeField(default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=EscalationStatus.choices, default=EscalationStatus.OPEN
    )
    outcome = models.CharField(max_length=10, choices=EscalationOutcome.choices, blank=True)
    response = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["risk"], condition=Q(status="open"), name="escalation_one_open_per_risk"
            ),
            models.CheckConstraint(
                condition=Q(escalated_to__in=EscalatedTo.values), name="escalation_to_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open", outcome="")
                | Q(status="responded", decided_on__isnull=False) & ~Q(outcome=""),
                name="escalation_response_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.risk.reference} escalated ({self.score}) to {self.destination}"

    @property
    def score(self) -> int:
        return scoring.score(self.likelihood, self.consequence)

    @property
    def band(self) -> scoring.Band:
        return scoring.band_for(self.score)

    @property
    def destination(self) -> str:
        if self.escalated_to == EscalatedTo.COMMITTEE and self.committee_name:
            return self.committee_name
        return "The board"
