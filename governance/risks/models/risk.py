"""A risk on the register: owned by one organisation, optionally shared with partners."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from governance.risks import scoring

RATING_FIELDS = (
    "inherent_likelihood",
    "inherent_consequence",
    "current_likelihood",
    "current_consequence",
    "target_likelihood",
    "target_consequence",
)


class RiskStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_ACCEPTANCE = "awaiting_acceptance", "Awaiting partners' acceptance"
    OPEN = "open", "Open"
    TREATED = "treated", "Treated"
    TOLERATED = "tolerated", "Tolerated"
    CLOSED = "closed", "Closed"


# Statuses of risks on the register (shown in the heat map, reviewed, escalated).
LIVE_STATUSES = (RiskStatus.OPEN, RiskStatus.TREATED, RiskStatus.TOLERATED)


class PendingChange(models.TextChoices):
    """A change of a shared risk waiting for the partners' sign-off."""

    NONE = "", "None"
    CLOSE = "close", "Closure"
    TOLERATE = "tolerate", "Tolerance"


class ReviewFrequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Every six months"
    ANNUALLY = "annually", "Annually"


FREQUENCY_MONTHS = {
    ReviewFrequency.MONTHLY: 1,
    ReviewFrequency.QUARTERLY: 3,
    ReviewFrequency.SIX_MONTHLY: 6,
    ReviewFrequency.ANNUALLY: 12,
}


def _rating_field(help_text: str):
    return models.PositiveSmallIntegerField(help_text=help_text)


def _rating_constraint(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": scoring.MIN_RATING, f"{field}__lte": scoring.MAX_RATING}),
        name=f"risk_{field}_1_5",
    )


class Risk(models.Model):
    """A risk: cause, event and effect; inherent, current and target ratings (the scores
    are derived: see ``governance.risks.scoring``); controls, assurance and gaps."""

    reference = models.CharField(max_length=20, editable=False)
    title = models.CharField(max_length=200)
    cause = models.TextField(help_text="Because of …")
    event = models.TextField(help_text="… there is a risk that …")
    effect = models.TextField(help_text="… resulting in …")
    category = models.ForeignKey(
        "risks.RiskCategory", on_delete=models.PROTECT, related_name="risks"
    )
    owning_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="risks_owned"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risks_owned"
    )
    partners = models.ManyToManyField(
        "organisations.Organisation",
        related_name="risks_shared",
        blank=True,
        help_text="Partner organisations sharing the risk (each accepts it onto its register).",
    )
    strategic_objective = models.ForeignKey(
        "risks.StrategicObjective",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risks",
    )
    inherent_likelihood = _rating_field("Likelihood before any controls (1–5).")
    inherent_consequence = _rating_field("Consequence before any controls (1–5).")
    current_likelihood = _rating_field("Likelihood with the current controls (1–5).")
    current_consequence = _rating_field("Consequence with the current controls (1–5).")
    target_likelihood = _rating_field("Likelihood once planned actions are done (1–5).")
    target_consequence = _rating_field("Consequence once planned actions are done (1–5).")
    controls = models.TextField(blank=True)
    assurances = models.TextField("sources of assurance", blank=True)
    gaps_in_control = models.TextField(blank=True)
    gaps_in_assurance = models.TextField(blank=True)
    actions = models.TextField("planned actions", blank=True)
    review_frequency = models.CharField(
        max_length=12, choices=ReviewFrequency.choices, default=ReviewFrequency.QUARTERLY
    )
    next_review_date = models.DateField()
    status = models.CharField(max_length=20, choices=RiskStatus.choices, default=RiskStatus.DRAFT)
    pending_change = models.CharField(
        max_length=10, choices=PendingChange.choices, blank=True, default=PendingChange.NONE
    )
    pending_reason = models.TextField(blank=True)
    signoff_round = models.PositiveIntegerField(default=0)
    is_confidential = models.BooleanField(
        default=False, help_text="Not to be published (taken in Part 2 when tabled)."
    )
    exemption_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risks_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="risk_reference_unique"),
            *(_rating_constraint(f) for f in RATING_FIELDS),
            models.CheckConstraint(
                condition=Q(status__in=RiskStatus.values), name="risk_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(pending_change__in=PendingChange.values),
                name="risk_pending_change_valid",
            ),
            models.CheckConstraint(
                condition=Q(review_frequency__in=ReviewFrequency.values),
                name="risk_review_frequency_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_confidential=False) | ~Q(exemption_reason=""),
                name="risk_confidential_needs_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_review_date"], name="risk_status_review_idx"),
            models.Index(
                fields=["current_likelihood", "current_consequence"], name="risk_current_lc_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    # --- derived scores (never stored, never typed) --------------------------------------

    @property
    def inherent_score(self) -> int:
        return scoring.score(self.inherent_likelihood, self.inherent_consequence)

    @property
    def current_score(self) -> int:
        return scoring.score(self.current_likelihood, self.current_consequence)

    @property
    def target_score(self) -> int:
        return scoring.score(self.target_likelihood, self.target_consequence)

    @property
    def inherent_band(self) -> scoring.Band:
        return scoring.band_for(self.inherent_score)

    @property
    def current_band(self) -> scoring.Band:
        return scoring.band_for(self.current_score)

    @property
    def target_band(self) -> scoring.Band:
        return scoring.band_for(self.target_score)

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def is_shared(self) -> bool:
        return self.partners.exists()
