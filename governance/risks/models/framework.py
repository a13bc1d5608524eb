"""The framework risks are held against: categories with their appetite, and the
strategic objectives of the Board Assurance Framework. Edited in the admin through
audited services; seeded by the demo."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class RiskCategory(models.Model):
    """A kind of risk, e.g. "Finance" or "Quality and safety".

    A retired category (``is_active`` false) cannot be chosen for a new risk or a change
    of category; the risks already in it keep it.
    """

    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    responsible_committee = models.CharField(
        max_length=120,
        blank=True,
        help_text="Committee that receives this category's escalated risks (empty: the board).",
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(
        default=True, help_text="Retired categories cannot be chosen for new risks."
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "risk categories"
        constraints = [
            models.UniqueConstraint(fields=["code"], name="riskcategory_code_unique"),
            models.UniqueConstraint(fields=["name"], name="riskcategory_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def appetite_max_score(self) -> int | None:
        """The highest acceptable current score, or None if no appetite is set."""
        try:
            return self.appetite.max_score
        except RiskAppetite.DoesNotExist:
            return None


class AppetiteLevel(models.TextChoices):
    """The usual levels of a risk appetite statement."""

    AVERSE = "averse", "Averse"
    MINIMAL = "minimal", "Minimal"
    CAUTIOUS = "cautious", "Cautious"
    OPEN = "open", "Open"
    EAGER = "eager", "Eager"


class RiskAppetite(models.Model):
    """How much risk of one category the system is prepared to carry: current scores
    above ``max_score`` are escalated."""

    category = models.OneToOneField(RiskCategory, on_delete=models.CASCADE, related_name="appetite")
    level = models.CharField(max_length=12, choices=AppetiteLevel.choices)
    max_score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text="Highest acceptable current score (1–25); anything above it is escalated.",
    )
    statement = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__position", "category__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_score__gte=1) & Q(max_score__lte=25),
                name="riskappetite_max_score_1_25",
            ),
            models.CheckConstraint(
                condition=Q(level__in=AppetiteLevel.values), name="riskappetite_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.get_level_display()} (up to {self.max_score})"


class StrategicObjective(models.Model):
    """A strategic objective of the Board Assurance Framework; BAF risks threaten one."""

    code = models.CharField(max_length=12, help_text='e.g. "SO1"')
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    executive_lead = models.CharField(max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="strategicobjective_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
