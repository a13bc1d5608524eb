"""Committees: the board, its committees, joint committees and committees in common.

The quorum rule is data on the committee (``quorum_*`` fields); the one place that
evaluates it is ``governance.meetings.quorum``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class CommitteeKind(models.TextChoices):
    BOARD = "board", "Board"
    COMMITTEE = "committee", "Committee of the board"
    JOINT_COMMITTEE = "joint_committee", "Joint committee"
    COMMITTEES_IN_COMMON = "committees_in_common", "Committees in common"


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    EXECUTIVE = "executive", "Executive member"
    NON_EXECUTIVE = "non_executive", "Non-executive member"
    PARTNER_MEMBER = "partner_member", "Partner member"
    OTHER = "other", "Other member"


class Committee(models.Model):
    """A decision-making body with its terms of reference and quorum rule."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=CommitteeKind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="committees",
        help_text="The body that hosts the committee (its secretariat runs the meetings).",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_committees",
        help_text="The board or committee this one reports to.",
    )
    terms_of_reference = models.TextField(blank=True)
    # quorum rule, as data
    quorum_min_members = models.PositiveIntegerField(
        null=True, blank=True, help_text="At least this many voting members present."
    )
    quorum_fraction = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="At least this fraction of the voting members present (e.g. 0.5).",
    )
    quorum_required_roles = models.JSONField(
        default=dict,
        blank=True,
        help_text='Roles that must be present among them, e.g. {"executive": 1, '
        '"non_executive": 1}.',
    )
    chair_has_casting_vote = models.BooleanField(default=True)
    papers_due_days = models.PositiveIntegerField(
        default=10, help_text="Papers are due this many days before the meeting."
    )
    publication_clear_days = models.PositiveIntegerField(
        default=5, help_text="Public papers are published this many clear days before."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="committee_name_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=CommitteeKind.values), name="committee_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(quorum_fraction__isnull=True)
                | (Q(quorum_fraction__gt=Decimal("0")) & Q(quorum_fraction__lte=Decimal("1"))),
                name="committee_quorum_fraction_range",
            ),
            models.CheckConstraint(
                condition=Q(quorum_min_members__isnull=False) | Q(quorum_fraction__isnull=False),
                name="committee_quorum_rule_present",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def required_roles_display(self) -> list[str]:
        """e.g. ["1 executive", "1 non-executive, chair or vice-chair"]"""
        labels = dict(CommitteeRole.choices)
        out = []
        for key, n in (self.quorum_required_roles or {}).items():
            names = [labels.get(r, r).lower().replace(" member", "") for r in key.split("|")]
            joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
            out.append(f"{n} {joined}")
        return out


class CommitteeMemberQuerySet(models.QuerySet):
    def on(self, day: datetime.date | None = None) -> CommitteeMemberQuerySet:
        """Members on ``day`` (valid_to is the last day of membership)."""
        day = day or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class CommitteeMember(models.Model):
    """A person's seat on a committee, for a period."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="committee_seats",
        help_text="The organisation the member comes from or represents.",
    )
    role = models.CharField(max_length=20, choices=CommitteeRole.choices)
    title = models.CharField(max_length=200, blank=True, help_text="e.g. Chief Finance Officer")
    is_voting = models.BooleanField(default=True)
    valid_from = models.DateField(default=timezone.localdate)
    valid_to = models.DateField(null=True, blank=True, help_text="Last day of membership.")

    objects = CommitteeMemberQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "role", "user__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=CommitteeRole.values), name="committeemember_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="committeemember_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()}, {self.committee})"

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def is_member_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)
