"""The decision register and the records of who decided: every entry names the person(s)
or the meeting item that took the decision, and the delegation (SoRD band and version)
it was taken under."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from decisions.models.proposals import Proposal
from decisions.models.sord import SordBand, SordVersion


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class DecisionRoute(models.TextChoices):
    """The path by which a decision was taken (each has its own checks)."""

    OFFICER = "officer", "By the delegated officer"
    MEETING = "meeting", "At a quorate meeting"
    CHAIRS_ACTION = "chairs_action", "By chair's action"
    PARTNER_SIGNOFF = "partner_signoff", "Partner sign-off not given"
    # entries written before decision-makers were recorded (no service writes these)
    LEGACY = "legacy", "Recorded by the secretariat"


class ChairsAction(models.Model):
    """An urgent decision taken between meetings by a committee's chair and one other
    voting member under standing orders, reported to the committee's next meeting."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="chairs_actions")
    committee = models.ForeignKey(
        "meetings.Committee", on_delete=models.PROTECT, related_name="chairs_actions"
    )
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    second_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices)
    reason = models.TextField(help_text="Why the decision could not wait for the next meeting.")
    decided_on = models.DateField(default=timezone.localdate)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(chair=models.F("second_member")), name="chairsaction_two_people"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="chairsaction_reason_given"),
        ]

    def __str__(self) -> str:
        return f"Chair's action on {self.proposal.reference} ({self.committee})"


class DecisionEntry(models.Model):
    """An entry in the decision register, written once when a proposal is decided."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="decision")
    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices)
    decided_on = models.DateField()
    route = models.CharField(max_length=16, choices=DecisionRoute.choices)
    decided_by = models.CharField(
        max_length=300, help_text="Who decided, in words: the people or the meeting and item."
    )
    deciders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="decisions_taken"
    )
    delegation = models.ForeignKey(
        SordBand, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    sord_version = models.ForeignKey(
        SordVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    committee = models.ForeignKey(
        "meetings.Committee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chairs_action = models.OneToOneField(
        ChairsAction, null=True, blank=True, on_delete=models.PROTECT, related_name="entry"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)
    signoff_summary = models.JSONField(default=list)
    conflicts = models.JSONField(default=list)
    is_confidential = models.BooleanField()
    exemption_reason = models.TextField(blank=True)
    financial_value = models.DecimalField(max_digits=14, decimal_places=2)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-reference"]
        verbose_name_plural = "decision register entries"
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="decisionentry_reference_unique"),
            models.CheckConstraint(
                condition=Q(route__in=DecisionRoute.values), name="decisionentry_route_valid"
            ),
            models.CheckConstraint(
                condition=~Q(route="meeting") | Q(meeting_item__isnull=False),
                name="decisionentry_meeting_names_item",
            ),
            models.CheckConstraint(
                condition=~Q(route="chairs_action") | Q(chairs_action__isnull=False),
                name="decisionentry_chairs_action_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(route="officer") | Q(delegation__isnull=False),
                name="decisionentry_officer_under_delegation",
            ),
            models.CheckConstraint(condition=~Q(decided_by=""), name="decisionentry_decider_named"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_outcome_display()}"

    @property
    def authority(self) -> str:
        """e.g. "under SoRD v3, band £1,000,000 up to £5,000,000" (empty if none)."""
        if self.delegation_id is None:
            return ""
        version = self.sord_version or self.delegation.version
        return f"under SoRD v{version.number}, band {self.delegation.range_label}"

    @property
    def statement(self) -> str:
        """One sentence for the page, the register and the API, e.g. "Approved by the
        Finance and Performance Committee, 12 March 2026, item 7, under SoRD v3, band
        £1,000,000 up to £5,000,000"."""
        parts = [f"{self.get_outcome_display()} by {self.decided_by}"]
        if self.route != DecisionRoute.MEETING:
            parts.append(self.decided_on.strftime("%-d %B %Y"))
        if self.authority:
            parts.append(self.authority)
        return ", ".join(parts)
