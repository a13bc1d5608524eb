"""Allocations: requests to commit money from a pooled fund to a scheme line."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from budgets.models.funds import PooledFund, SchemeLine


class AllocationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted: pool manager review"
    RETURNED = "returned", "Returned to the requester"
    IN_SIGNOFF = "in_signoff", "Partner sign-off"
    # a fund hosted at place: signed off, waiting for the committee the SoRD names
    AWAITING_DECISION = "awaiting", "Awaiting the committee's decision"
    DECLINED = "declined", "Not approved by the committee"
    COMMITTED = "committed", "Committed"
    REJECTED = "rejected", "Not signed off by the partners"
    FAILED = "failed", "Failed at commit: no longer fits"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = (
    AllocationStatus.SUBMITTED,
    AllocationStatus.RETURNED,
    AllocationStatus.IN_SIGNOFF,
    AllocationStatus.AWAITING_DECISION,
)
IN_FLIGHT_STATUSES = (
    AllocationStatus.SUBMITTED,
    AllocationStatus.IN_SIGNOFF,
    AllocationStatus.AWAITING_DECISION,
)


class Allocation(models.Model):
    """Money from a fund's scheme line for a recipient, for a purpose and period.

    Submitted → pool manager review (accept, or return with a reason) → sign-off by
    every partner with a non-zero contribution → commit, which reserves the money in
    the ledger if it still fits (else the allocation fails and nothing is committed).
    From a fund hosted at place, a signed-off allocation first awaits the decision of
    the committee the SoRD names, taken at a meeting.
    """

    reference = models.CharField(max_length=20, editable=False)
    fund = models.ForeignKey(PooledFund, on_delete=models.PROTECT, related_name="allocations")
    scheme_line = models.ForeignKey(
        SchemeLine, on_delete=models.PROTECT, related_name="allocations"
    )
    recipient = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="allocations_received"
    )
    requesting_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="allocations_made"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations_requested"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    purpose = models.TextField()
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(
        max_length=12, choices=AllocationStatus.choices, default=AllocationStatus.SUBMITTED
    )
    signoff_round = models.PositiveIntegerField(default=0)
    return_reason = models.TextField(blank=True)
    failure_reason = models.TextField(blank=True)
    withdraw_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="allocation_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="allocation_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AllocationStatus.values), name="allocation_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=AllocationStatus.RETURNED) | ~Q(return_reason=""),
                name="allocation_returned_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["fund", "status"], name="allocation_fund_status_idx")]

    def __str__(self) -> str:
        return f"{self.reference} £{self.amount:,.2f} to {self.recipient.name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
