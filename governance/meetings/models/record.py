"""What happened at the meeting: attendance, declarations of interest, decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"
    IN_ATTENDANCE = "in_attendance", "In attendance"


class Attendance(models.Model):
    """A member's attendance, or someone in attendance who is not a member."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        "meetings.CommitteeMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    capacity = models.CharField(max_length=200, blank=True, help_text="Role, or the items attended")
    status = models.CharField(max_length=16, choices=AttendanceStatus.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "status", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(member__isnull=True) & Q(status=AttendanceStatus.IN_ATTENDANCE))
                | (Q(member__isnull=False) & ~Q(status=AttendanceStatus.IN_ATTENDANCE)),
                name="attendance_members_vs_guests",
            ),
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=Q(member__isnull=False),
                name="attendance_member_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_status_display()}"


class DeclarationSource(models.TextChoices):
    REGISTER = "register", "From the register of interests"
    MEETING = "meeting", "Declared at the meeting"


class Handling(models.TextChoices):
    """The chair's decision on a declared interest, as recorded on the Declaration's flags."""

    LEAVE = "leave", "Leaves the room (no discussion, no vote)"
    NO_VOTE = "no_vote", "Takes part in the discussion without voting"
    TAKE_PART = "take_part", "Takes part"
    WITHDRAWN = "withdrawn", "Not a conflict (withdrawn)"


class Declaration(models.Model):
    """An interest declared on an agenda item, and the chair's decision on it."""

    item = models.ForeignKey(
        "meetings.AgendaItem", on_delete=models.CASCADE, related_name="declarations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_declarations"
    )
    interest = models.ForeignKey(
        "interests.Interest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=DeclarationSource.choices)
    description = models.TextField()
    excluded_from_discussion = models.BooleanField(default=False)
    excluded_from_vote = models.BooleanField(default=False)
    chair_decision = models.TextField(
        blank=True, help_text="How the chair decided the conflict is managed (minuted)."
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn = models.BooleanField(default=False, help_text="Not a conflict after all.")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "person__last_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=DeclarationSource.values), name="declaration_source_valid"
            ),
            models.UniqueConstraint(
                fields=["item", "person", "interest"],
                condition=Q(interest__isnull=False),
                name="declaration_interest_once_per_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.item}: {self.description[:60]}"

    @property
    def is_excluded(self) -> bool:
        return not self.withdrawn and (self.excluded_from_discussion or self.excluded_from_vote)

    @property
    def handling(self) -> str:
        """The chair's decision as one of ``Handling`` ("" until decided)."""
        if self.decided_at is None:
            return ""
        if self.withdrawn:
            return Handling.WITHDRAWN
        if self.excluded_from_discussion:
            return Handling.LEAVE
        if self.excluded_from_vote:
            return Handling.NO_VOTE
        return Handling.TAKE_PART

    @property
    def handling_display(self) -> str:
        return Handling(self.handling).label if self.handling else "Awaiting the chair's decision"


class Outcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not approved"
    NOTED = "noted", "Noted"
    ASSURED = "assured", "Assurance received"
    DEFERRED = "deferred", "Deferred"
    SPLIT = "split", "Decided differently by the bodies in common"


class CastingVote(models.TextChoices):
    NONE = "", "Not used"
    FOR = "for", "For"
    AGAINST = "against", "Against"


class VoteChoice(models.TextChoices):
    FOR = "for", "For"
    AGAINST = "against", "Against"
    ABSTAIN = "abstain", "Abstain"


class ItemDecision(models.Model):
    """The decision on an agenda item, with the votes and the quorum at the time.

    The totals are derived from the named votes (``votes``) by the body's rule (per
    person, or per partner for a body of partners with parity) when the decision is
    recorded; they are never typed. Committees in common record one ``BodyDecision``
    per body and the item's outcome summarises them."""

    item = models.OneToOneField(
        "meetings.AgendaItem", on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    resolution = models.TextField(blank=True)
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    abstentions = models.PositiveIntegerField(null=True, blank=True)
    casting_vote = models.CharField(
        max_length=8, choices=CastingVote.choices, blank=True, default=CastingVote.NONE
    )
    quorate = models.BooleanField()
    quorum = models.JSONField(default=dict, help_text="The quorum calculation when recorded.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="itemdecision_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    votes_for__isnull=True, votes_against__isnull=True, abstentions__isnull=True
                )
                | Q(
                    votes_for__isnull=False, votes_against__isnull=False, abstentions__isnull=False
                ),
                name="itemdecision_votes_complete",
            ),
            models.CheckConstraint(
                condition=Q(casting_vote__in=CastingVote.values),
                name="itemdecision_casting_valid",
            ),
            models.CheckConstraint(
                condition=Q(casting_vote="") | Q(votes_for=models.F("votes_against")),
                name="itemdecision_casting_only_if_tied",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_outcome_display()}"

    @property
    def has_votes(self) -> bool:
        return self.votes_for is not None

    @property
    def casting_vote_used(self) -> bool:
        return bool(self.casting_vote)


class BodyDecision(models.Model):
    """Committees in common: one body's own decision on the item (its quorum, its votes)."""

    decision = models.ForeignKey(
        ItemDecision, on_delete=models.CASCADE, related_name="body_decisions"
    )
    body = models.ForeignKey("meetings.Committee", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    abstentions = models.PositiveIntegerField(null=True, blank=True)
    casting_vote = models.CharField(
        max_length=8, choices=CastingVote.choices, blank=True, default=CastingVote.NONE
    )
    quorate = models.BooleanField()
    quorum = models.JSONField(default=dict)

    class Meta:
        ordering = ["decision", "body__name"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "body"], name="bodydecision_once"),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values) & ~Q(outcome=Outcome.SPLIT),
                name="bodydecision_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    votes_for__isnull=True, votes_against__isnull=True, abstentions__isnull=True
                )
                | Q(
                    votes_for__isnull=False, votes_against__isnull=False, abstentions__isnull=False
                ),
                name="bodydecision_votes_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.get_outcome_display()}"

    @property
    def has_votes(self) -> bool:
        return self.votes_for is not None


class Vote(models.Model):
    """One member's vote on a decided item, by name."""

    decision = models.ForeignKey(ItemDecision, on_delete=models.CASCADE, related_name="votes")
    body = models.ForeignKey(
        "meetings.Committee",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The body the vote counts for (committees in common: the member's own).",
    )
    member = models.ForeignKey(
        "meetings.CommitteeMember", on_delete=models.PROTECT, related_name="votes"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation the member represents (a partner's one vote, for parity).",
    )
    name = models.CharField(max_length=200, help_text="The member's name when they voted.")
    choice = models.CharField(max_length=8, choices=VoteChoice.choices)

    class Meta:
        ordering = ["decision", "body__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "member"], name="vote_member_once"),
            models.CheckConstraint(
                condition=Q(choice__in=VoteChoice.values), name="vote_choice_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_choice_display()}"
