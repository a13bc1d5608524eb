"""Committees: the board, its committees, the Integrated Care Partnership, place-based
partnerships, joint committees and committees in common.

The quorum rule is data on the committee (``quorum_*`` fields) and what a kind of body
means for quorum and votes is stated once, in ``governance.meetings.quorum.KIND_RULES``;
the one place that evaluates them is ``governance.meetings.quorum``.
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
    ICP_ASSEMBLY = "icp_assembly", "Integrated Care Partnership (assembly)"
    PLACE_PARTNERSHIP = "place_partnership", "Place-based partnership"
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
    place = models.CharField(
        max_length=100,
        blank=True,
        help_text="For a place-based partnership: the place (borough) it serves.",
    )
    organisations = models.ManyToManyField(
        "organisations.Organisation",
        through="meetings.CommitteeOrganisation",
        related_name="member_of_committees",
        blank=True,
        help_text="The organisations the committee belongs to (partners of an ICP, the "
        "local authority and providers of a place, the parties to a joint committee).",
    )
    bodies = models.ManyToManyField(
        "self",
        through="meetings.CommitteeInCommon",
        symmetrical=False,
        related_name="in_common_groups",
        blank=True,
        help_text="Committees in common: the bodies (e.g. each trust's board) that meet "
        "together, each with its own members and quorum.",
    )
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
    quorum_each_organisation = models.BooleanField(
        null=True,
        blank=True,
        help_text="At least one member present from each member organisation (empty: the "
        "kind's rule, which requires it of joint committees).",
    )
    majority_fraction = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="A motion needs at least this fraction of the votes cast (empty: a simple "
        "majority), e.g. 0.667 for two-thirds of the partners voting.",
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
            models.CheckConstraint(
                condition=Q(majority_fraction__isnull=True)
                | (
                    Q(majority_fraction__gte=Decimal("0.5"))
                    & Q(majority_fraction__lte=Decimal("1"))
                ),
                name="committee_majority_fraction_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rules(self):
        """What this kind of body means for quorum and votes (stated once, in quorum)."""
        from governance.meetings.quorum import KIND_RULES

        return KIND_RULES[self.kind]

    @property
    def is_in_common(self) -> bool:
        return self.kind == CommitteeKind.COMMITTEES_IN_COMMON

    @property
    def each_organisation_required(self) -> bool:
        if self.quorum_each_organisation is not None:
            return self.quorum_each_organisation
        return self.rules.quorum_each_organisation

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


class CommitteeOrganisation(models.Model):
    """An organisation a committee belongs to: a partner of the ICP, a member of a place
    partnership, a party to a joint committee."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="organisation_links"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["committee", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "organisation"], name="committeeorganisation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.committee}"


class CommitteeInCommon(models.Model):
    """One body (e.g. a trust's board) taking part in a committees-in-common group."""

    group = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="body_links")
    body = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="group_links")

    class Meta:
        ordering = ["group", "body__name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "body"], name="committeeincommon_once"),
            models.CheckConstraint(
                condition=~Q(group=models.F("body")), name="committeeincommon_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} in {self.group}"


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
