"""Partner sign-off: one record per organisation per round, shared by every subject type."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class SignOffRule(models.TextChoices):
    """How the partners' sign-offs combine into an outcome."""

    ALL = "all", "Every affected partner must approve"
    MAJORITY = "majority", "A majority of affected partners must approve"
    HOST_ONLY = "host_only", "The host organisation only"
    NONE = "none", "No partner sign-off"


class SignOffStatus(models.TextChoices):
    PENDING = "pending", "Awaiting sign-off"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    ABSTAINED = "abstained", "Abstained"
    CANCELLED = "cancelled", "Cancelled"


DECIDED = (SignOffStatus.APPROVED, SignOffStatus.REJECTED, SignOffStatus.ABSTAINED)


class SignOff(models.Model):
    """One organisation's sign-off of one subject in one round.

    A round starts when sign-off is requested; editing the subject's substance cancels
    the round's open sign-offs and starts a new round, so history is kept.
    """

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    round = models.PositiveIntegerField(default=1)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="signoffs"
    )
    task = models.OneToOneField(
        "viewflow.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="signoff"
    )
    status = models.CharField(
        max_length=16, choices=SignOffStatus.choices, default=SignOffStatus.PENDING
    )
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signoffs_given",
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signoffs_by_deputy",
        help_text="The signatory for whom the signatory acted as deputy, if they did.",
    )
    deputy_appointment = models.ForeignKey(
        "deputies.DeputyAppointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signoffs",
    )
    comment = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(
        null=True,
        blank=True,
        help_text="The last day to sign off: set from the subject's decision type when "
        "requested; the secretariat may change it.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    blocked = models.BooleanField(
        default=False,
        help_text="Every signatory of the organisation has a declared conflict of interest.",
    )

    class Meta:
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "round", "organisation"],
                name="signoff_one_per_org_per_round",
            ),
            models.CheckConstraint(
                condition=~Q(status=SignOffStatus.REJECTED) | ~Q(comment=""),
                name="signoff_reject_needs_comment",
            ),
            models.CheckConstraint(
                condition=Q(status=SignOffStatus.PENDING)
                | Q(status=SignOffStatus.CANCELLED)
                | Q(signatory__isnull=False, decided_at__isnull=False),
                name="signoff_decided_has_signatory",
            ),
            models.CheckConstraint(
                condition=Q(on_behalf_of__isnull=True, deputy_appointment__isnull=True)
                | Q(
                    on_behalf_of__isnull=False,
                    deputy_appointment__isnull=False,
                    signatory__isnull=False,
                ),
                name="signoff_deputy_names_both",
            ),
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="signoff_subject_idx"),
            models.Index(fields=["organisation", "status"], name="signoff_org_status_idx"),
            models.Index(fields=["status", "due_on"], name="signoff_status_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Sign-off by {self.organisation.name} (round {self.round}): {self.status}"

    @property
    def is_overdue(self) -> bool:
        """Still awaiting sign-off after its due date (UK calendar)."""
        from django.utils import timezone

        return (
            self.status == SignOffStatus.PENDING
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )

    @property
    def signatory_label(self) -> str:
        """Who signed: 'Jo Bloggs', or 'Jo Bloggs for Sam Smith (deputy, 1–14 August 2026)'."""
        if self.signatory_id is None:
            return ""
        from governance.deputies.selectors import acting_label

        return acting_label(self.signatory, self.on_behalf_of, self.deputy_appointment)


class ConflictDeclaration(models.Model):
    """A declared interest that kept a signatory from signing off a subject.

    Kept with the subject and shown in its register entry.
    """

    signoff = models.ForeignKey(SignOff, on_delete=models.CASCADE, related_name="conflicts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    interest = models.ForeignKey(
        "interests.Interest", on_delete=models.PROTECT, related_name="signoff_conflicts"
    )
    description = models.TextField(help_text="The interest as declared at the time.")
    handling = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["signoff", "person", "interest"], name="conflict_once_per_signoff"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.description[:60]}"


class ConflictDecision(models.TextChoices):
    PERMITTED_TO_SIGN = "permitted_to_sign", "Permitted to sign, with conditions"


class ConflictManagement(models.Model):
    """How the chair of the deciding body decided a person's conflict of interest on one
    sign-off is managed (NHS England, "Managing conflicts of interest in the NHS"): e.g.
    permitted to sign, on stated conditions. With it, that person may sign this sign-off
    despite the declared interest, which stays on the record."""

    signoff = models.ForeignKey(
        SignOff, on_delete=models.PROTECT, related_name="conflict_managements"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(
        max_length=32,
        choices=ConflictDecision.choices,
        default=ConflictDecision.PERMITTED_TO_SIGN,
    )
    conditions = models.TextField(help_text="The conditions the person signs under.")
    reason = models.TextField(help_text="Why the chair decided so.")
    committee = models.ForeignKey(
        "meetings.Committee",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The deciding body whose chair decided.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["signoff", "person"], name="conflict_managed_once_per_signoff"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=ConflictDecision.values),
                name="conflict_management_decision_valid",
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("person")),
                name="conflict_management_not_own",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_decision_display()} ({self.signoff})"

    @property
    def handling(self) -> str:
        return f"Permitted to sign by the chair: {self.conditions}"
