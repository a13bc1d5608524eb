"""The register of interests (NHS England, "Managing conflicts of interest in the NHS")."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class InterestType(models.TextChoices):
    FINANCIAL = "financial", "Financial interest"
    NON_FINANCIAL_PROFESSIONAL = "non_financial_professional", "Non-financial professional interest"
    NON_FINANCIAL_PERSONAL = "non_financial_personal", "Non-financial personal interest"
    INDIRECT = "indirect", "Indirect interest"


class InterestQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None) -> InterestQuerySet:
        """Interests in force on ``on`` (valid_to is the last day it applied)."""
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class Interest(models.Model):
    """One declared interest of one person."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interests"
    )
    interest_type = models.CharField(max_length=32, choices=InterestType.choices)
    description = models.TextField()
    related_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declared_interests",
        help_text="The organisation the interest concerns, where there is one.",
    )
    valid_from = models.DateField(default=timezone.localdate)
    valid_to = models.DateField(null=True, blank=True, help_text="Last day the interest applied.")
    is_published = models.BooleanField(
        default=True, help_text="Shown in the published register of interests."
    )
    declared_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = InterestQuerySet.as_manager()

    class Meta:
        ordering = ["person__last_name", "person__first_name", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="interest_valid_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(interest_type__in=InterestType.values), name="interest_type_valid"
            ),
        ]

    def __str__(self) -> str:
        org = f" in {self.related_organisation.name}" if self.related_organisation_id else ""
        return f"{self.get_interest_type_display()}{org}: {self.description[:60]}"
