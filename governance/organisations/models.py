"""Organisations of the Integrated Care System and the people who act for them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone


class OrganisationKind(models.TextChoices):
    ICB = "icb", "Integrated Care Board"
    NHS_TRUST = "nhs_trust", "NHS trust"
    NHS_FOUNDATION_TRUST = "nhs_foundation_trust", "NHS foundation trust"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    PCN = "pcn", "Primary care network"
    GP_PRACTICE = "gp_practice", "GP practice"
    POLICE = "police", "Police force"
    FIRE_AND_RESCUE = "fire_and_rescue", "Fire and rescue service"
    HOUSING = "housing", "Housing association or provider"
    VCSE = "vcse", "Voluntary, community or social enterprise body"
    INDEPENDENT_PROVIDER = "independent_provider", "Independent provider"
    OTHER = "other", "Other partner"


class Organisation(models.Model):
    """A partner body of the ICS, identified by its official code where it has one.

    NHS bodies and councils always have a code; police, fire and rescue, housing, VCSE and
    other partners may have none (``identifier`` is then empty) and have the same rights.
    """

    name = models.CharField(max_length=200)
    identifier = models.CharField(
        max_length=20,
        blank=True,
        help_text="ODS code (NHS bodies, PCNs, practices), ONS GSS code (councils), or "
        "charity/company/housing registration number (optional for non-NHS partners).",
    )
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    is_active = models.BooleanField(default=True)
    address = models.TextField(
        blank=True, help_text="Postal address, one line per line (as ODS publishes it)."
    )
    postcode = models.CharField(max_length=10, blank=True)
    opened_on = models.DateField(
        null=True, blank=True, help_text="Operational start date (ODS open date)."
    )
    closed_on = models.DateField(
        null=True, blank=True, help_text="Operational end date (ODS close date)."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier"],
                condition=~Q(identifier=""),
                name="organisation_identifier_unique_when_given",
            ),
            models.UniqueConstraint(fields=["name"], name="organisation_name_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="organisation_closed_not_before_opened",
            ),
        ]
        permissions = [
            ("sign_off_for_organisation", "Sign off decisions on behalf of the organisation"),
            ("manage_organisation", "Manage the organisation's memberships and records"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})" if self.identifier else self.name


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", "Secretariat"
    SIGNATORY = "signatory", "Authorised signatory"
    MEMBER = "member", "Member"
    AUDITOR = "auditor", "Auditor"


class MembershipQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None) -> MembershipQuerySet:
        """Memberships in force on ``on`` (today by default, Europe/London).

        A membership runs from ``start_date`` up to, but not including, ``end_date``:
        ending a membership today takes its access away at once.
        """
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gt=on))


class Membership(models.Model):
    """A user acting for an organisation in a role, between two dates."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(
        null=True, blank=True, help_text="First day the membership no longer applies."
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "user__username", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_not_before_start",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation.name}"

    def is_active_on(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date > on)


class RoleGroup(models.Model):
    """The permission group of one role in one organisation.

    Object permissions (django-guardian) are granted to these groups, never to single
    users; a user holds them only while an active membership maps them to the group.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="role_groups"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="role_group")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "role"], name="rolegroup_org_role_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.identifier or self.organisation.name}:{self.role}"
