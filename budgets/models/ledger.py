"""The fund ledger: append-only entries from which every balance is derived.

Kinds and their effect (``amount`` is in pounds, two decimal places):

- ``contribution`` (> 0): a partner pays into the pool;
- ``adjustment`` (≠ 0, signed): a correction or an agreed change to a partner's
  contribution (a reduction is negative);
- ``commitment`` (> 0): an allocation reserves money from a scheme line;
- ``release`` (> 0): part or all of a commitment's unspent money goes back to the pool;
- ``spend`` (> 0): money paid out against a commitment.

Entries are never updated or deleted: the code has no path that does, the admin is
read-only, the queryset refuses ``update()``/``delete()``, and on PostgreSQL a trigger
rejects UPDATE and DELETE (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from budgets.models.allocations import Allocation
from budgets.models.funds import ContributionChange, PooledFund, SchemeLine


class EntryKind(models.TextChoices):
    CONTRIBUTION = "contribution", "Contribution"
    ADJUSTMENT = "adjustment", "Contribution adjustment"
    COMMITMENT = "commitment", "Commitment"
    RELEASE = "release", "Release of commitment"
    SPEND = "spend", "Spend"


PARTNER_KINDS = (EntryKind.CONTRIBUTION, EntryKind.ADJUSTMENT)
ALLOCATION_KINDS = (EntryKind.COMMITMENT, EntryKind.RELEASE, EntryKind.SPEND)


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove ledger entries."""


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Ledger entries are append-only: they cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Ledger entries are append-only: they cannot be deleted.")


class LedgerEntry(models.Model):
    """One movement of money in a fund, with who recorded it, when, and its reference."""

    fund = models.ForeignKey(PooledFund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The partner, for contributions and adjustments.",
    )
    allocation = models.ForeignKey(
        Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    scheme_line = models.ForeignKey(
        SchemeLine, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    contribution_change = models.ForeignKey(
        ContributionChange, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(
        max_length=60, blank=True, help_text="e.g. the allocation's reference or an invoice."
    )
    memo = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the system recorded it (e.g. a commit at the end of sign-off).",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EntryKind.values), name="ledgerentry_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="ledgerentry_amount_nonzero"),
            models.CheckConstraint(
                condition=Q(kind=EntryKind.ADJUSTMENT) | Q(amount__gt=0),
                name="ledgerentry_amount_positive_unless_adjustment",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=PARTNER_KINDS)
                | Q(organisation__isnull=False, allocation__isnull=True),
                name="ledgerentry_partner_kinds_name_partner",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=ALLOCATION_KINDS)
                | Q(allocation__isnull=False, scheme_line__isnull=False),
                name="ledgerentry_allocation_kinds_name_allocation",
            ),
        ]
        indexes = [
            models.Index(fields=["fund", "kind"], name="ledgerentry_fund_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} £{self.amount:,.2f} ({self.fund.reference})"

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Ledger entries are append-only: they cannot be deleted.")
