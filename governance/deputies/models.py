"""Deputy appointments: who acts for whom, in which organisation, on which days."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class DeputyAppointmentQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None) -> DeputyAppointmentQuerySet:
        """Appointments in force on ``on`` (today by default): within the dates (both
        inclusive) and not ended early."""
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on, valid_to__gte=on, ended_at__isnull=True)


class DeputyAppointment(models.Model):
    """``deputy`` acts for ``principal`` in ``organisation`` from ``valid_from`` to
    ``valid_to`` (the last day, inclusive), with the principal's authority there and the
    same checks (their own conflicts of interest apply). Ending it early keeps the record:
    ``ended_at``/``ended_by``/``end_reason`` say when, by whom and why."""

    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deputies_appointed"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deputising_for"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="deputies"
    )
    valid_from = models.DateField()
    valid_to = models.DateField(help_text="Last day the deputy may act.")
    reason = models.TextField(blank=True, help_text="e.g. annual leave, or a declared interest.")
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.TextField(blank=True)

    objects = DeputyAppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(principal=F("deputy")), name="deputy_not_own_principal"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="deputy_valid_to_after_from"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_by__isnull=False),
                name="deputy_ended_has_who",
            ),
        ]
        indexes = [
            models.Index(fields=["deputy", "organisation"], name="deputy_deputy_org_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.deputy} for {self.principal}, {self.organisation.name} "
            f"({self.valid_from:%d %b %Y} to {self.valid_to:%d %b %Y})"
        )

    @property
    def is_ended_early(self) -> bool:
        return self.ended_at is not None

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.ended_at is None and self.valid_from <= on <= self.valid_to
