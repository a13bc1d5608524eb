"""The Scheme of Reservation and Delegation (SoRD) as a governed, versioned document.

A ``SordVersion`` holds the whole scheme: for each decision type, value bands, each
naming its decision-maker — a committee (the board is a committee of kind "board") or a
delegated officer post held by named people — and the partner sign-off rule. A band is
the *delegation*: "decisions of this type from £x up to £y are delegated to Z, under
SoRD version N, from its effective date until a later version takes effect".

A draft version is edited in the app by the ICB secretariat and takes effect only when
the board approves it (a proposal reserved to the board), from a stated date. Earlier
decisions keep pointing at the band, and so the version, they were taken under.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.signoffs.models import SignOffRule

# The decision type of a change to the SoRD itself: always reserved to the board.
SORD_CHANGE_CODE = "sord-change"


class DecisionType(models.Model):
    """A kind of decision the SoRD distinguishes, e.g. "Service commissioning"."""

    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    signoff_days = models.PositiveSmallIntegerField(
        default=10,
        help_text="Working days (Monday to Friday) the partners have to sign off a proposal "
        "of this type, counted from the day sign-off is requested.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="decisiontype_code_unique"),
            models.CheckConstraint(
                condition=Q(signoff_days__gte=1, signoff_days__lte=60),
                name="decisiontype_signoff_days_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DecidedBy(models.TextChoices):
    BOARD = "board", "The board"
    COMMITTEE = "committee", "A committee of the board"
    OFFICER = "officer", "An officer"


class SordVersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Proposed to the board"
    APPROVED = "approved", "Approved by the board"
    REJECTED = "rejected", "Not approved"


class SordVersionQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None) -> SordVersion | None:
        """The approved version in force on ``on`` (today, Europe/London, by default)."""
        on = on or timezone.localdate()
        return (
            self.filter(status=SordVersionStatus.APPROVED, effective_from__lte=on)
            .order_by("-effective_from", "-number")
            .first()
        )


class SordVersion(models.Model):
    """One version of the whole scheme."""

    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=SordVersionStatus.choices, default=SordVersionStatus.DRAFT
    )
    summary = models.TextField(blank=True, help_text="What this version changes, and why.")
    effective_from = models.DateField(
        null=True, blank=True, help_text="The first day the version applies, once approved."
    )
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposal = models.OneToOneField(
        "decisions.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sord_change",
        help_text="The proposal that took this version to the board.",
    )
    approved_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SordVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="sordversion_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=SordVersionStatus.values), name="sordversion_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=SordVersionStatus.APPROVED)
                | Q(effective_from__isnull=False, approved_on__isnull=False),
                name="sordversion_approved_dated",
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status__in=[SordVersionStatus.DRAFT, SordVersionStatus.PROPOSED]),
                name="sordversion_one_open_draft",
                violation_error_message="There is already a draft SoRD version in progress.",
            ),
        ]

    def __str__(self) -> str:
        return f"SoRD v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == SordVersionStatus.DRAFT

    @property
    def valid_until(self) -> datetime.date | None:
        """The last day this approved version applies: the day before a later approved
        version takes effect (None while it is the latest, or if never approved)."""
        if self.status != SordVersionStatus.APPROVED or self.effective_from is None:
            return None
        later = (
            SordVersion.objects.filter(
                status=SordVersionStatus.APPROVED, effective_from__gt=self.effective_from
            )
            .order_by("effective_from")
            .values_list("effective_from", flat=True)
            .first()
        )
        return later - datetime.timedelta(days=1) if later else None


class OfficerPost(models.Model):
    """A post to which the SoRD delegates decisions, e.g. "Chief Finance Officer"."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="officer_posts"
    )
    title = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__name", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title"], name="officerpost_org_title_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PostHolderQuerySet(models.QuerySet):
    def on(self, day: datetime.date | None = None) -> PostHolderQuerySet:
        """Holders on ``day`` (``valid_to`` is the last day in post)."""
        day = day or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class PostHolder(models.Model):
    """A named person holding an officer post between two dates."""

    post = models.ForeignKey(OfficerPost, on_delete=models.PROTECT, related_name="holders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts_held"
    )
    valid_from = models.DateField(default=timezone.localdate)
    valid_to = models.DateField(null=True, blank=True, help_text="Last day in post.")
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = PostHolderQuerySet.as_manager()

    class Meta:
        ordering = ["post", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="postholder_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()}, {self.post}"


class SordBand(models.Model):
    """A delegation: who decides a decision type in a value band, under one version.

    Bands of one type in one version run from £0 upwards without gaps or overlaps: each
    covers ``min_value`` up to but not including ``max_value``; the top band has no
    maximum. The decision-maker is a committee (for the board, the board itself) or an
    officer post.
    """

    version = models.ForeignKey(SordVersion, on_delete=models.PROTECT, related_name="bands")
    decision_type = models.ForeignKey(DecisionType, on_delete=models.PROTECT, related_name="bands")
    min_value = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    max_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Empty for no limit."
    )
    decided_by = models.CharField(max_length=16, choices=DecidedBy.choices)
    committee = models.ForeignKey(
        "meetings.Committee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delegations",
    )
    officer_post = models.ForeignKey(
        OfficerPost, null=True, blank=True, on_delete=models.PROTECT, related_name="delegations"
    )
    signoff_rule = models.CharField(max_length=16, choices=SignOffRule.choices)

    class Meta:
        ordering = ["version", "decision_type", "min_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "decision_type", "min_value"],
                name="sordband_version_type_min_unique",
            ),
            models.CheckConstraint(condition=Q(min_value__gte=0), name="sordband_min_nonnegative"),
            models.CheckConstraint(
                condition=Q(max_value__isnull=True) | Q(max_value__gt=models.F("min_value")),
                name="sordband_max_above_min",
            ),
            models.CheckConstraint(
                condition=Q(decided_by="officer", officer_post__isnull=False, committee=None)
                | Q(
                    decided_by__in=["board", "committee"],
                    committee__isnull=False,
                    officer_post=None,
                ),
                name="sordband_decider_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_type}: {self.range_label} — {self.decider_label}"

    @property
    def range_label(self) -> str:
        if self.max_value is None:
            return f"£{self.min_value:,.0f} and above"
        return f"£{self.min_value:,.0f} up to £{self.max_value:,.0f}"

    @property
    def decider_label(self) -> str:
        if self.decided_by == DecidedBy.OFFICER and self.officer_post_id:
            return self.officer_post.title
        if self.committee_id:
            return self.committee.name
        return DecidedBy(self.decided_by).label
