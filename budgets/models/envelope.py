"""The system financial envelope: the revenue plan and capital envelope the ICB and its
NHS trusts agree for a financial year, each partner's line of it, its variations, and
the partners' monthly returns against it.

Unlike a pooled fund nothing is held together: each partner spends its own money
against its agreed line, and the system is jointly accountable for the total. Money is
pounds and pence (``Decimal``); the system totals always equal the sum of the lines, to
the penny (checked by the services before agreement and after every variation).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

MONEY = {"max_digits": 14, "decimal_places": 2}


def _money(help_text: str = "", **kwargs) -> models.DecimalField:
    return models.DecimalField(**MONEY, help_text=help_text, **kwargs)


class EnvelopeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_SIGNOFF = "in_signoff", "Partner sign-off"
    AGREED = "agreed", "Agreed (locked)"


class SystemEnvelope(models.Model):
    """A system's revenue plan and capital envelope for one financial year (1 April to
    31 March), drafted by the ICB's finance lead and agreed by every partner.

    The stated system totals (income, expenditure, capital) must equal the sum of the
    partners' lines. Once agreed it is locked: any change is an ``EnvelopeVariation``.
    """

    reference = models.CharField(max_length=20, editable=False)
    name = models.CharField(max_length=200)
    financial_year = models.PositiveSmallIntegerField(
        help_text="The calendar year in which the financial year starts (1 April)."
    )
    icb = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="envelopes_led"
    )
    finance_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="envelopes_led",
        help_text="The ICB's finance lead: drafts it and proposes variations.",
    )
    income_total = _money("System planned income (revenue).")
    expenditure_total = _money("System planned expenditure (revenue).")
    capital_total = _money("The system capital envelope (capital limit).")
    threshold_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        help_text="Adverse forecast variance (% of planned spend) that raises an alert.",
    )
    system_adverse_alert = models.BooleanField(
        default=True,
        help_text="Any adverse system forecast raises an alert.",
    )
    finance_committee = models.CharField(
        max_length=200,
        default="Finance and Performance Committee",
        help_text="Receives variance items and the monthly report.",
    )
    submission_day = models.PositiveSmallIntegerField(
        default=10,
        help_text="Returns are due on this day of the following month.",
    )
    status = models.CharField(
        max_length=12, choices=EnvelopeStatus.choices, default=EnvelopeStatus.DRAFT
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up by one with every variation applied."
    )
    signoff_round = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-financial_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="envelope_reference_unique"),
            models.UniqueConstraint(
                fields=["icb", "financial_year"], name="envelope_one_per_icb_year"
            ),
            models.CheckConstraint(
                condition=Q(financial_year__gte=2000, financial_year__lte=2100),
                name="envelope_year_range",
            ),
            models.CheckConstraint(
                condition=Q(income_total__gte=0)
                & Q(expenditure_total__gte=0)
                & Q(capital_total__gte=0),
                name="envelope_totals_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(threshold_percent__gte=0, threshold_percent__lte=100),
                name="envelope_threshold_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(submission_day__gte=1, submission_day__lte=28),
                name="envelope_submission_day_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EnvelopeStatus.values), name="envelope_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name} {self.year_label}"

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
    def surplus_total(self) -> Decimal:
        """System planned surplus (negative: deficit)."""
        return self.income_total - self.expenditure_total

    @property
    def is_locked(self) -> bool:
        return self.status != EnvelopeStatus.DRAFT


class EnvelopeLine(models.Model):
    """One partner's part of the envelope: its planned income and expenditure (so its
    planned surplus or deficit) and its capital allocation."""

    envelope = models.ForeignKey(SystemEnvelope, on_delete=models.CASCADE, related_name="lines")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="envelope_lines"
    )
    planned_income = _money()
    planned_expenditure = _money()
    capital_allocation = _money()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["envelope", "organisation"], name="envelopeline_one_per_partner"
            ),
            models.CheckConstraint(
                condition=Q(planned_income__gte=0)
                & Q(planned_expenditure__gte=0)
                & Q(capital_allocation__gte=0),
                name="envelopeline_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} in {self.envelope.reference}"

    @property
    def planned_surplus(self) -> Decimal:
        return self.planned_income - self.planned_expenditure


class VariationKind(models.TextChoices):
    REPLAN = "replan", "Re-plan of revenue"
    CAPITAL_TRANSFER = "capital_transfer", "Transfer of capital between partners"
    CAPITAL_PROGRAMME = "capital_programme", "Approved capital programme"


class VariationStatus(models.TextChoices):
    IN_SIGNOFF = "in_signoff", "Partner sign-off"
    APPLIED = "applied", "Agreed and applied"
    REJECTED = "rejected", "Not agreed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class EnvelopeVariation(models.Model):
    """A change to an agreed envelope: signed off by every partner whose line it
    touches and by the ICB, then applied (the envelope's version goes up). The lines'
    values before and after are kept in ``changes``: the envelope's history."""

    reference = models.CharField(max_length=20, editable=False)
    envelope = models.ForeignKey(
        SystemEnvelope, on_delete=models.PROTECT, related_name="variations"
    )
    kind = models.CharField(max_length=20, choices=VariationKind.choices)
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="envelope_variations"
    )
    status = models.CharField(
        max_length=12, choices=VariationStatus.choices, default=VariationStatus.IN_SIGNOFF
    )
    signoff_round = models.PositiveIntegerField(default=1)
    version_before = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="variation_reference_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=VariationKind.values), name="variation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=VariationStatus.values), name="variation_status_valid"
            ),
            models.UniqueConstraint(
                fields=["envelope"],
                condition=Q(status="in_signoff"),
                name="variation_one_open_per_envelope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"


class VariationLine(models.Model):
    """One partner's line before and after a variation."""

    variation = models.ForeignKey(
        EnvelopeVariation, on_delete=models.CASCADE, related_name="changes"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    income_before = _money()
    income_after = _money()
    expenditure_before = _money()
    expenditure_after = _money()
    capital_before = _money()
    capital_after = _money()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["variation", "organisation"], name="variationline_one_per_partner"
            ),
            models.CheckConstraint(
                condition=Q(income_after__gte=0)
                & Q(expenditure_after__gte=0)
                & Q(capital_after__gte=0),
                name="variationline_after_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} in {self.variation.reference}"


class MonthlyReturnStatus(models.TextChoices):
    DUE = "due", "Due"
    SUBMITTED = "submitted", "Submitted"


class MonthlyReturnSource(models.TextChoices):
    WEB = "web", "Web form"
    CSV = "csv", "CSV upload"
    API = "api", "API"


class EnvelopeMonth(models.Model):
    """One month (M1 = April … M12 = March) of an agreed envelope, opened by the
    scheduled ``open_envelope_months`` command: each partner then owes a return.

    Also the subject of the monthly system finance report, tabled for the finance
    committee through ``governance.subjects`` until the committee has received it."""

    envelope = models.ForeignKey(SystemEnvelope, on_delete=models.CASCADE, related_name="months")
    month = models.PositiveSmallIntegerField(help_text="1 = April … 12 = March.")
    due_date = models.DateField()
    opened_at = models.DateTimeField(auto_now_add=True)
    received_by_committee_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["envelope", "month"]
        constraints = [
            models.UniqueConstraint(fields=["envelope", "month"], name="envelopemonth_unique"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="envelopemonth_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"M{self.month} {self.envelope.year_label}"

    @property
    def label(self) -> str:
        return f"M{self.month}"

    @property
    def calendar_month(self) -> datetime.date:
        """The first day of the calendar month this period covers."""
        month = (self.month + 2) % 12 + 1
        year = self.envelope.financial_year + (1 if self.month >= 10 else 0)
        return datetime.date(year, month, 1)


class MonthlyReturn(models.Model):
    """A partner's return for one month: year-to-date actuals and forecast outturn for
    its line. Created ``due`` when the month opens (the partner's task); submitted (and
    possibly revised) by the partner's finance lead. Late if submitted after the due
    date, or still due after it (then chased)."""

    month = models.ForeignKey(EnvelopeMonth, on_delete=models.CASCADE, related_name="returns")
    line = models.ForeignKey(EnvelopeLine, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(
        max_length=10, choices=MonthlyReturnStatus.choices, default=MonthlyReturnStatus.DUE
    )
    ytd_income = _money("Year-to-date actual income.", null=True, blank=True)
    ytd_expenditure = _money("Year-to-date actual expenditure.", null=True, blank=True)
    forecast_income = _money("Forecast outturn income for the year.", null=True, blank=True)
    forecast_expenditure = _money(
        "Forecast outturn expenditure for the year.", null=True, blank=True
    )
    commentary = models.TextField(blank=True)
    source = models.CharField(max_length=4, choices=MonthlyReturnSource.choices, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="envelope_returns",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField(default=False)
    chase_count = models.PositiveSmallIntegerField(default=0)
    last_chased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["month", "line__organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["month", "line"], name="monthlyreturn_one_per_line"),
            models.CheckConstraint(
                condition=Q(status__in=MonthlyReturnStatus.values),
                name="monthlyreturn_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="due")
                | (
                    Q(ytd_income__gte=0)
                    & Q(ytd_expenditure__gte=0)
                    & Q(forecast_income__gte=0)
                    & Q(forecast_expenditure__gte=0)
                    & Q(submitted_by__isnull=False)
                    & Q(submitted_at__isnull=False)
                ),
                name="monthlyreturn_submitted_complete",
            ),
            models.CheckConstraint(
                condition=Q(status="due")
                | (
                    Q(forecast_income__gte=F("ytd_income"))
                    & Q(forecast_expenditure__gte=F("ytd_expenditure"))
                ),
                name="monthlyreturn_forecast_covers_ytd",
            ),
        ]
        indexes = [models.Index(fields=["status", "month"], name="monthlyreturn_status_idx")]

    def __str__(self) -> str:
        return f"{self.line.organisation.name} {self.month}"


class AlertScope(models.TextChoices):
    PARTNER = "partner", "Partner forecast"
    SYSTEM = "system", "System forecast"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed: forecast recovered"


class VarianceAlert(models.Model):
    """An adverse forecast variance past the envelope's threshold: it raised a shared
    risk on the register (owned by the partner, shared with the ICB) and is an item for
    the finance committee (``governance.subjects``). Closed, with its risk, when the
    forecast recovers. At most one open alert per partner (or for the system)."""

    envelope = models.ForeignKey(SystemEnvelope, on_delete=models.PROTECT, related_name="alerts")
    scope = models.CharField(max_length=8, choices=AlertScope.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="envelope_alerts",
        help_text="The partner (the ICB for a system-level alert): owns the risk.",
    )
    status = models.CharField(max_length=8, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    raised_month = models.PositiveSmallIntegerField()
    closed_month = models.PositiveSmallIntegerField(null=True, blank=True)
    adverse_variance = _money("The adverse forecast variance when raised.")
    threshold = _money("The threshold it passed (pounds).")
    latest_variance = _money("The adverse forecast variance at the latest check.")
    risk = models.ForeignKey(
        "risks.Risk", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committee_name = models.CharField(max_length=200)
    received_by_committee_at = models.DateTimeField(null=True, blank=True)
    committee_notes = models.TextField(blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["envelope", "scope", "organisation"],
                condition=Q(status="open"),
                name="variancealert_one_open",
            ),
            models.CheckConstraint(
                condition=Q(scope__in=AlertScope.values), name="variancealert_scope_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AlertStatus.values), name="variancealert_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_month__isnull=False),
                name="variancealert_closed_has_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} variance: {self.organisation.name}"
