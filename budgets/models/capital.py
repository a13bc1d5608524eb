"""Capital prioritisation: partners bid schemes against the system capital envelope;
the system ranks them by stated criteria; the finance committee approves a programme
that fits within the envelope, and the approved programme becomes each partner's
capital line (through an envelope variation the partners sign off)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from budgets.models.envelope import MONEY, EnvelopeVariation, SystemEnvelope
from governance.storage import private_storage


class CapitalCategory(models.TextChoices):
    BACKLOG = "backlog", "Backlog maintenance"
    SAFETY = "safety", "Patient safety and equipment"
    DIGITAL = "digital", "Digital"
    CAPACITY = "capacity", "Service capacity and transformation"
    OTHER = "other", "Other"


# Points per category in the ranking score (stated wherever the score is shown).
CATEGORY_POINTS: dict[str, int] = {
    CapitalCategory.BACKLOG: 30,
    CapitalCategory.SAFETY: 25,
    CapitalCategory.DIGITAL: 20,
    CapitalCategory.CAPACITY: 15,
    CapitalCategory.OTHER: 10,
}
RISK_POINTS_PER_SCORE = 2  # a risk score addressed of 25 gives 50 points
SCORING_RULE = (
    "Score = 2 × the risk score the scheme addresses (1–25, so up to 50) + category points "
    "(backlog maintenance 30, patient safety and equipment 25, digital 20, service "
    "capacity 15, other 10); the finance committee may adjust it, giving its reason."
)


class SchemeStatus(models.TextChoices):
    BID = "bid", "Bid"
    IN_PROGRAMME = "in_programme", "In the proposed programme"
    APPROVED = "approved", "Approved"
    NOT_FUNDED = "not_funded", "Not funded this year"
    WITHDRAWN = "withdrawn", "Withdrawn"


def business_case_path(instance, filename: str) -> str:
    return f"capital/{instance.envelope_id}/{instance.reference or 'new'}.pdf"


class CapitalScheme(models.Model):
    """A partner's capital bid: what, how much by year, which risk it addresses, and its
    business case (a PDF)."""

    reference = models.CharField(max_length=20, editable=False)
    envelope = models.ForeignKey(
        SystemEnvelope, on_delete=models.PROTECT, related_name="capital_schemes"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="capital_schemes"
    )
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=12, choices=CapitalCategory.choices)
    risk_score_addressed = models.PositiveSmallIntegerField(
        help_text="The current score (1–25) of the risk the scheme addresses."
    )
    business_case = models.FileField(
        upload_to=business_case_path,
        storage=private_storage,
        blank=True,
        help_text="Kept in private storage: served only by the permission-checked view.",
    )
    score = models.DecimalField(max_digits=6, decimal_places=2)
    score_reason = models.TextField(
        blank=True, help_text="Why the finance committee adjusted the score, if it did."
    )
    status = models.CharField(max_length=14, choices=SchemeStatus.choices, default=SchemeStatus.BID)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="capital_schemes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="capitalscheme_reference_unique"),
            models.CheckConstraint(
                condition=Q(category__in=CapitalCategory.values),
                name="capitalscheme_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SchemeStatus.values), name="capitalscheme_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(risk_score_addressed__gte=1, risk_score_addressed__lte=25),
                name="capitalscheme_risk_score_1_25",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0), name="capitalscheme_score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def criteria_score(self) -> Decimal:
        """The score from the stated criteria alone (before any committee adjustment)."""
        points = RISK_POINTS_PER_SCORE * self.risk_score_addressed
        return Decimal(points + CATEGORY_POINTS.get(self.category, 0)).quantize(Decimal("0.01"))


class CapitalSchemeCost(models.Model):
    """The scheme's cost in one financial year (the envelope's year counts against it)."""

    scheme = models.ForeignKey(CapitalScheme, on_delete=models.CASCADE, related_name="costs")
    financial_year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "financial_year"], name="capitalschemecost_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="capitalschemecost_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.reference} {self.financial_year}: {self.amount}"


class ProgrammeStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed: for the finance committee to decide"
    APPROVED = "approved", "Approved by the finance committee; partners signing off"
    APPLIED = "applied", "Applied to the partners' capital lines"
    NOT_AGREED = "not_agreed", "Not agreed by the partners"
    DECLINED = "declined", "Not approved by the finance committee"


# the programme has been decided at a meeting of the finance committee
DECIDED_STATUSES = ("approved", "applied", "not_agreed", "declined")


class CapitalProgramme(models.Model):
    """A capital programme: the schemes funded this year. The envelope's finance lead
    proposes it; the finance committee decides it at a meeting (the item is
    ``meeting_item``). Its in-year cost must fit within the capital envelope; approval
    proposes a variation giving each partner its schemes' cost as its capital line (the
    ICB's line keeps any headroom as the system's unallocated capital)."""

    reference = models.CharField(max_length=20, editable=False)
    envelope = models.ForeignKey(
        SystemEnvelope, on_delete=models.PROTECT, related_name="capital_programmes"
    )
    schemes = models.ManyToManyField(CapitalScheme, related_name="programmes")
    total = models.DecimalField(**MONEY, help_text="In-year cost of the schemes.")
    headroom = models.DecimalField(**MONEY, help_text="Capital envelope less the total.")
    note = models.TextField(blank=True, help_text="The case for these schemes, for the paper.")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    committee_minute = models.CharField(
        max_length=200,
        blank=True,
        help_text="The committee, meeting and item that decided it (set by the decision).",
    )
    meeting_item = models.ForeignKey(
        "meetings.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The finance committee's item that decided it.",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who recorded the committee's decision.",
    )
    variation = models.OneToOneField(
        EnvelopeVariation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capital_programme",
    )
    status = models.CharField(
        max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.PROPOSED
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="capitalprogramme_reference_unique"),
            models.CheckConstraint(
                condition=Q(headroom__gte=0), name="capitalprogramme_fits_envelope"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProgrammeStatus.values),
                name="capitalprogramme_status_valid",
            ),
            # programmes recorded before decisions were taken at meetings (no proposer:
            # the finance lead cited the committee's minute) stay as they were recorded
            models.CheckConstraint(
                condition=~Q(status__in=DECIDED_STATUSES)
                | Q(meeting_item__isnull=False)
                | Q(proposed_by__isnull=True),
                name="capitalprogramme_decided_at_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} capital programme {self.envelope.year_label}"
