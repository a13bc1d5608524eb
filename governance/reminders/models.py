"""Who wants which e-mails, and the log that makes reminders and digests idempotent."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NotificationMode(models.TextChoices):
    EACH_EVENT = "each_event", "An e-mail for each event, as it happens"
    DAILY_DIGEST = "daily_digest", "One e-mail a day listing what awaits me"


class NotificationPreference(models.Model):
    """How one person wants to be told. Without a row: an e-mail for each event."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    mode = models.CharField(
        max_length=16, choices=NotificationMode.choices, default=NotificationMode.EACH_EVENT
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(mode__in=NotificationMode.values),
                name="notificationpreference_mode_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_mode_display()}"


class ReminderKind(models.TextChoices):
    SIGNOFF_DUE = "signoff_due", "Sign-off due soon (to the signatories)"
    SIGNOFF_ESCALATED = "signoff_escalated", "Sign-off overdue (to both secretariats)"
    ACTION_DUE = "action_due", "Action due soon (to its owner)"
    ACTION_OVERDUE = "action_overdue", "Action overdue (to its owner)"
    PAPER_DUE = "paper_due", "Paper due soon (to its author)"


class ReminderSent(models.Model):
    """One reminder sent about one record. ``on`` is the day the reminder was for (the
    due date less the days before, or the due date itself for an overdue notice), so a
    second run, on the same day or later, finds it and sends nothing again; a due date
    that moves gives new reminder days."""

    record_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    record_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=24, choices=ReminderKind.choices)
    on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id", "kind", "on"], name="reminder_sent_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.record_id} for {self.on}"


class DeferredNotification(models.Model):
    """An event e-mail held for the person's daily digest (they chose the digest)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deferred_notifications"
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    digest = models.ForeignKey(
        "reminders.DigestSent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["person", "digest"], name="deferred_person_digest_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class DigestSent(models.Model):
    """The daily digest sent to one person on one day (at most one)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    on = models.DateField()
    lines = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on"]
        constraints = [
            models.UniqueConstraint(fields=["person", "on"], name="digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.person} on {self.on}"
