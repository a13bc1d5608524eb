"""Proposals: shared decisions put to the partners they bind."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase

from decisions.models.sord import DecidedBy, DecisionType, SordBand
from governance.signoffs.models import SignOffRule
from governance.storage import private_storage


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted: secretariat review"
    RETURNED = "returned", "Returned to the proposer"
    IN_SIGNOFF = "in_signoff", "Partner sign-off"
    READY_FOR_DECISION = "ready_for_decision", "Ready for decision"
    APPROVED = "approved", "Decided: approved"
    REJECTED = "rejected", "Decided: rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (
    ProposalStatus.DRAFT,
    ProposalStatus.SUBMITTED,
    ProposalStatus.RETURNED,
    ProposalStatus.IN_SIGNOFF,
    ProposalStatus.READY_FOR_DECISION,
)
DECIDED_STATUSES = (ProposalStatus.APPROVED, ProposalStatus.REJECTED)


class Proposal(models.Model):
    """A shared decision put to the partners it binds."""

    reference = models.CharField(max_length=20, editable=False)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    rationale = models.TextField(blank=True)
    options_considered = models.TextField(blank=True)
    financial_value = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    decision_type = models.ForeignKey(DecisionType, on_delete=models.PROTECT)
    proposing_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="proposals_made"
    )
    host_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="proposals_hosted",
        help_text="The body that hosts the decision (signs alone under the host-only rule).",
    )
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals_led"
    )
    affected_organisations = models.ManyToManyField(
        "organisations.Organisation", related_name="proposals_affecting", blank=True
    )
    named_organisations = models.ManyToManyField(
        "organisations.Organisation",
        related_name="proposals_naming",
        blank=True,
        help_text="Other organisations named in the proposal, e.g. a provider to be funded.",
    )
    is_confidential = models.BooleanField(default=False)
    exemption_reason = models.TextField(
        blank=True, help_text="Why the proposal may not be published (required if confidential)."
    )
    status = models.CharField(
        max_length=24, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    # routing, fixed when sign-off starts (so a later SoRD change does not alter it)
    sord_band = models.ForeignKey(SordBand, null=True, blank=True, on_delete=models.PROTECT)
    decided_by = models.CharField(max_length=16, choices=DecidedBy.choices, blank=True)
    decider_label = models.CharField(max_length=120, blank=True)
    signoff_rule = models.CharField(max_length=16, choices=SignOffRule.choices, blank=True)
    signoff_round = models.PositiveIntegerField(default=0)
    return_reason = models.TextField(blank=True)
    withdraw_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="proposal_reference_unique"),
            models.CheckConstraint(
                condition=Q(is_confidential=False) | ~Q(exemption_reason=""),
                name="proposal_confidential_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(financial_value__gte=0), name="proposal_value_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def attachment_path(instance, filename: str) -> str:
    return f"proposals/{instance.proposal.reference}/{instance.sha256[:16]}.pdf"


class ProposalAttachment(models.Model):
    """A PDF attached to a proposal (checked by content, not by name)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ProposalGroupObjectPermission(GroupObjectPermissionBase):
    """Direct foreign-key table for object permissions on proposals (django-guardian):
    faster than the generic table for a busy model, and joinable in list queries."""

    content_object = models.ForeignKey(Proposal, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
