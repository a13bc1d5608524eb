"""Section 75 pooled funds, their scheme lines and the partners' contributions.

No money balance is stored here: what a partner has contributed, what is committed and
spent are always derived from the ledger (``budgets.balances``). A scheme line's
``budget`` and ``forecast_outturn`` are plans and estimates, not balances.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q


class FundStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class RiskShareBasis(models.TextChoices):
    """How an overspend or underspend of the pool is shared between the partners."""

    PROPORTIONAL = "proportional", "In proportion to contributions"
    FIXED = "fixed", "Fixed percentage shares"


class PooledFund(models.Model):
    """A pooled budget under a Section 75 agreement (NHS Act 2006 s75).

    The host organisation keeps the accounts; the pool manager (a person) runs the
    fund, reviews allocation requests and reports quarterly. The financial year runs
    from 1 April of ``financial_year`` to 31 March of the next calendar year.

    A fund hosted at place (e.g. a Better Care Fund) names the place partnership
    (``host_committee``) and the SoRD decision type its allocations are decided under
    (``decision_type_code``): once its partners have signed an allocation off, the
    committee the SoRD names for the amount decides it at a meeting (the place within
    its delegation, the ICB board above it) before the money is committed.
    """

    reference = models.CharField(max_length=20, editable=False)
    name = models.CharField(max_length=200)
    agreement_reference = models.CharField(
        max_length=60, help_text="The Section 75 agreement's reference."
    )
    description = models.TextField(blank=True, help_text="The aims of the pool.")
    host_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="funds_hosted"
    )
    pool_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="funds_managed"
    )
    financial_year = models.PositiveSmallIntegerField(
        help_text="The calendar year the financial year starts in (1 April)."
    )
    status = models.CharField(max_length=12, choices=FundStatus.choices, default=FundStatus.DRAFT)
    risk_share_basis = models.CharField(
        max_length=16, choices=RiskShareBasis.choices, default=RiskShareBasis.PROPORTIONAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(blank=True)
    host_committee = models.ForeignKey(
        "meetings.Committee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funds_hosted",
        help_text="The place partnership that hosts the fund, if any.",
    )
    decision_type_code = models.CharField(
        max_length=40,
        blank=True,
        help_text="The SoRD decision type its allocations are decided under (hosted funds).",
    )

    class Meta:
        ordering = ["-financial_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="pooledfund_reference_unique"),
            models.UniqueConstraint(
                fields=["name", "financial_year"], name="pooledfund_name_year_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=FundStatus.values), name="pooledfund_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(risk_share_basis__in=RiskShareBasis.values),
                name="pooledfund_basis_valid",
            ),
            models.CheckConstraint(
                condition=Q(financial_year__gte=2000, financial_year__lte=2100),
                name="pooledfund_year_range",
            ),
            models.CheckConstraint(
                condition=Q(host_committee__isnull=True, decision_type_code="")
                | (Q(host_committee__isnull=False) & ~Q(decision_type_code="")),
                name="pooledfund_hosted_names_decision_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def year_start(self) -> datetime.date:
        return datetime.date(self.financial_year, 4, 1)

    @property
    def year_end(self) -> datetime.date:
        return datetime.date(self.financial_year + 1, 3, 31)

    @property
    def year_label(self) -> str:
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d}"

    @property
    def is_active(self) -> bool:
        return self.status == FundStatus.ACTIVE


class SchemeLine(models.Model):
    """A service the pool pays for, with its budget for the year."""

    fund = models.ForeignKey(PooledFund, on_delete=models.PROTECT, related_name="lines")
    code = models.CharField(max_length=12, help_text='A short code, e.g. "S1".')
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    budget = models.DecimalField(max_digits=14, decimal_places=2)
    forecast_outturn = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The pool manager's forecast of the year's spend; empty means the "
        "line is expected to spend to its budget.",
    )
    forecast_note = models.TextField(blank=True)
    forecast_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["fund", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="schemeline_fund_code_unique"),
            models.UniqueConstraint(fields=["fund", "name"], name="schemeline_fund_name_unique"),
            models.CheckConstraint(
                condition=Q(budget__gte=0), name="schemeline_budget_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(forecast_outturn__isnull=True) | Q(forecast_outturn__gte=0),
                name="schemeline_forecast_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Contribution(models.Model):
    """A partner of the pool. The amount it has contributed is the sum of its ledger
    entries (contributions and adjustments), never a number stored here."""

    fund = models.ForeignKey(PooledFund, on_delete=models.PROTECT, related_name="contributions")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="contributions"
    )
    fixed_share = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Percentage share of any over- or underspend, under fixed shares.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "organisation"], name="contribution_one_per_partner"
            ),
            models.CheckConstraint(
                condition=Q(fixed_share__isnull=True) | Q(fixed_share__gte=0, fixed_share__lte=100),
                name="contribution_share_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} in {self.fund.reference}"


class ChangeStatus(models.TextChoices):
    IN_SIGNOFF = "in_signoff", "Awaiting sign-off by the partner and the host"
    APPLIED = "applied", "Agreed and applied"
    REJECTED = "rejected", "Not agreed"
    FAILED = "failed", "Agreed but could not be applied"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ContributionChange(models.Model):
    """A change to a partner's contribution once the fund is active: it takes effect
    only when both the contributing partner and the host have signed it off."""

    reference = models.CharField(max_length=20, editable=False)
    contribution = models.ForeignKey(Contribution, on_delete=models.PROTECT, related_name="changes")
    amount_before = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="The contribution when the change was asked."
    )
    new_amount = models.DecimalField(max_digits=14, decimal_places=2)
    reason = models.TextField()
    status = models.CharField(
        max_length=12, choices=ChangeStatus.choices, default=ChangeStatus.IN_SIGNOFF
    )
    signoff_round = models.PositiveIntegerField(default=0)
    failure_reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="contributionchange_ref_unique"),
            models.CheckConstraint(
                condition=Q(new_amount__gte=0), name="contributionchange_amount_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ChangeStatus.values), name="contributionchange_status_valid"
            ),
            models.UniqueConstraint(
                fields=["contribution"],
                condition=Q(status="in_signoff"),
                name="contributionchange_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.contribution.organisation.name}"

    @property
    def fund(self) -> PooledFund:
        return self.contribution.fund
