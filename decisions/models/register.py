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
    # committees in common: approved by some of the bodies concerned, not by all; the
    # decision binds only the organisations whose body approved (``body_outcomes``)
    APPROVED_IN_PART = "approved_in_part", "Approved in part"


# what a decider may choose (a split is the outcome of bodies in common, never chosen)
DECIDABLE_OUTCOMES = [
    (DecisionOutcome.APPROVED.value, DecisionOutcome.APPROVED.label),
    (DecisionOutcome.REJECTED.value, DecisionOutcome.REJECTED.label),
]


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
    outcome = models.CharField(max_length=16, choices=DECIDABLE_OUTCOMES)
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
    """An entry in the decision register, written once when a record is decided.

    Most entries are about a proposal (a shared decision). A meeting's decision on
    another registered record whose subject type is kept in the register (e.g. a Better
    Care Fund allocation approved by a place partnership, a capital programme approved by
    the finance committee) is entered too: it names that record by ``subject_type`` and
    ``subject_id`` instead of a proposal.
    """

    proposal = models.OneToOneField(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="decision"
    )
    subject_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject_url = models.CharField(max_length=200, blank=True)
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
    # committees in common: each body's outcome, e.g. [{"organisation_id": 3,
    # "organisation": "Northmere Hospitals NHS FT", "body": "Northmere Hospitals board",
    # "outcome": "approved"}]; empty for a decision by one body or person
    body_outcomes = models.JSONField(default=list, blank=True)
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
            models.CheckConstraint(
                condition=Q(outcome__in=DecisionOutcome.values), name="decisionentry_outcome_valid"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="approved_in_part") | Q(route="meeting"),
                name="decisionentry_in_part_at_meeting",
            ),
            models.CheckConstraint(
                condition=(
                    Q(proposal__isnull=False, subject_type__isnull=True, subject_id__isnull=True)
                    | Q(proposal__isnull=True, subject_type__isnull=False, subject_id__isnull=False)
                ),
                name="decisionentry_about_one_record",
            ),
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=Q(subject_type__isnull=False),
                name="decisionentry_subject_once",
            ),
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
        if self.body_outcomes:
            yes = [b["body"] for b in self.body_outcomes if b["outcome"] == "approved"]
            no = [b["body"] for b in self.body_outcomes if b["outcome"] != "approved"]
            parts = [
                f"{self.get_outcome_display()}: approved by {_names(yes) or 'no body'}"
                + (f", not by {_names(no)}" if no else "")
                + f", at {self.decided_by}"
            ]
        else:
            parts = [f"{self.get_outcome_display()} by {self.decided_by}"]
        if self.route != DecisionRoute.MEETING:
            parts.append(self.decided_on.strftime("%-d %B %Y"))
        if self.authority:
            parts.append(self.authority)
        return ", ".join(parts)


def _names(names: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
