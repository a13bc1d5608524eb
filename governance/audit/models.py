"""The append-only, hash-chained audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from governance.audit import chain


class AuditEvent(models.Model):
    """One change: who did what to which record, when and why.

    Rows are only ever inserted (a database trigger rejects UPDATE and DELETE). Each row
    carries the SHA-256 of its predecessor's hash plus its own canonical fields, so any
    edit, removal or re-ordering is detected by ``manage.py verify_audit``.
    """

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    timestamp = models.DateTimeField(editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # audit_actor_seq_idx
        help_text="Empty for changes made by the system itself.",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        db_index=False,  # audit_org_seq_idx
        help_text="The organisation the actor was acting for.",
    )
    # Filtered by the composite indexes in Meta, each ending in seq (the explorer's order).
    verb = models.CharField(max_length=80)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    # Not indexed: nothing looks an event up by its hash (verification walks by seq), and
    # a unique index on random 64-character keys cost every append two index writes.
    hash = models.CharField(max_length=64, editable=False)
    signature = models.CharField(
        max_length=88,
        blank=True,
        editable=False,
        help_text="Base64 Ed25519 signature of the hash by the deployment's key.",
    )
    key_id = models.CharField(
        max_length=16, blank=True, editable=False, help_text="Which public key verifies it."
    )

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.CheckConstraint(condition=Q(seq__gte=1), name="auditevent_seq_positive"),
        ]
        # The explorer's filters, each an index walk in seq order (keyset pages).
        indexes = [
            models.Index(fields=["organisation", "seq"], name="audit_org_seq_idx"),
            models.Index(fields=["actor", "seq"], name="audit_actor_seq_idx"),
            models.Index(fields=["verb", "seq"], name="audit_verb_seq_idx"),
            models.Index(fields=["target_type", "target_id", "seq"], name="audit_target_seq_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.target_label}"

    def as_record(self) -> dict:
        """The event in the export's vocabulary (what the hash covers, plus the hashes)."""
        return {
            "seq": self.seq,
            "timestamp": chain.format_timestamp(self.timestamp),
            "actor_id": self.actor_id,
            "actor": self.actor_label,
            "organisation_id": self.organisation_id,
            "verb": self.verb,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "target_label": self.target_label,
            "changes": self.changes,
            "reason": self.reason,
            "request_id": self.request_id,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            "signature": self.signature,
            "key_id": self.key_id,
        }


class ChainHead(models.Model):
    """The single row holding the newest event's number and hash (and its predecessor's).

    Appending moves this row in the statement that inserts the event (on PostgreSQL
    one ``UPDATE … RETURNING`` feeding the ``INSERT``), which locks it for the rest of
    the writing transaction: concurrent writers queue up and the chain never forks.
    ``(seq, hash)`` is what a checkpoint of the trail records.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=chain.GENESIS_HASH)
    prev_hash = models.CharField(
        max_length=64,
        default=chain.GENESIS_HASH,
        help_text="The previous hash of the newest event (returned by the append).",
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="chainhead_single_row")]

    def __str__(self) -> str:
        return f"chain head at #{self.seq}"


class ReadHow(models.TextChoices):
    PAGE = "page", "Viewed the page"
    DOWNLOAD = "download", "Downloaded"
    API = "api", "Read through the API"


class ReadAccess(models.Model):
    """Someone saw a confidential record: who, which record, when, how, in which request.

    Written by ``governance.audit.reads.record_read`` from every view and download of a
    confidential record (Part 2 papers and packs, confidential proposals, members' packs,
    private attachments), after the permission check passed. Append-only like the trail:
    a database trigger rejects UPDATE and DELETE.
    """

    timestamp = models.DateTimeField(editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    user_label = models.CharField(max_length=150, help_text="The person's name when read.")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation the person reads for (their first membership).",
    )
    how = models.CharField(max_length=10, choices=ReadHow.choices)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=300)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["timestamp", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(how__in=["page", "download", "api"]), name="readaccess_how_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="readaccess_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_label} {self.how} {self.target_label}"


class CheckpointOccasion(models.TextChoices):
    DAILY = "daily", "Daily"
    BOARD_PACK = "board_pack", "Board pack published"
    MANUAL = "manual", "On request"


class Checkpoint(models.Model):
    """A signed statement of the chain head, published outside the database.

    The signature (the deployment's Ed25519 key) covers ``chain.checkpoint_message``:
    ``"ics-governance checkpoint\n<seq>\n<hash>\n<signed at>"``. Copies live on the
    public portal, in its Atom feed and on the last page of board packs, where the
    database cannot reach back: a history rewritten later contradicts them.
    """

    seq = models.PositiveBigIntegerField(help_text="The newest event's number when signed.")
    hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=88)
    occasion = models.CharField(
        max_length=20, choices=CheckpointOccasion.choices, default=CheckpointOccasion.DAILY
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the daily schedule.",
    )

    class Meta:
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["seq"], name="audit_checkpoint_seq_idx")]

    def __str__(self) -> str:
        return f"checkpoint at #{self.seq}"

    @property
    def signed_at_text(self) -> str:
        return chain.format_timestamp(self.signed_at)

    def as_record(self) -> dict:
        """The checkpoint as an export line (what ``chain.py --checkpoints`` reads)."""
        return {
            "type": "checkpoint",
            "seq": self.seq,
            "hash": self.hash,
            "signed_at": self.signed_at_text,
            "key_id": self.key_id,
            "signature": self.signature,
        }

    def text(self) -> str:
        """The sentence printed on packs and the portal."""
        return (
            f"Audit trail checkpoint: event {self.seq}, hash {self.hash}, "
            f"signed with key {self.key_id} at {self.signed_at_text}"
        )


class VerificationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PASSED = "passed", "Intact"
    FAILED = "failed", "Broken"
    ERROR = "error", "Could not run"


class VerificationRun(models.Model):
    """One background verification of the whole trail and what it found."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=VerificationStatus.choices, default=VerificationStatus.QUEUED
    )
    events_checked = models.PositiveBigIntegerField(default=0)
    signatures_checked = models.PositiveBigIntegerField(default=0)
    checkpoints_matched = models.PositiveIntegerField(default=0)
    broken_seq = models.PositiveBigIntegerField(null=True, blank=True)
    problem = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the nightly schedule.",
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=models.F("started_at")),
                name="verificationrun_finishes_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"verification {self.started_at:%Y-%m-%d %H:%M} {self.status}"
