"""The search index: one row per searchable record and audience, kept by the services."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    PROPOSAL = "proposal", "Proposal"
    DECISION = "decision", "Decision"
    PAPER = "paper", "Paper"
    MINUTES = "minutes", "Minutes"
    ACTION = "action", "Action"
    RISK = "risk", "Risk"


class Audience(models.TextChoices):
    # the whole record, shown only to those its app's selector lets see it
    PRIVATE = "private", "Signed-in users the record's app allows"
    # the record's public projection (Part 1 only), shown to anybody from ``public_from``
    PUBLIC = "public", "Anybody"


class SearchDocument(models.Model):
    """What search reads of one record for one audience.

    The private document holds the record's full text; the public one (if the record is
    published at all) only what the portal publishes. Visibility is never decided from
    these rows alone: every query re-checks the hits through the app's own selector.
    """

    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    audience = models.CharField(max_length=8, choices=Audience.choices)
    title = models.CharField(max_length=400)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    organisation_ids = models.JSONField(
        default=list, blank=True, help_text="Organisations party to the record (for reference)."
    )
    public_from = models.DateField(
        null=True, blank=True, help_text="Public documents: the day the portal publishes it."
    )
    updated_at = models.DateTimeField(default=timezone.now)
    # PostgreSQL only: title (weight A) and body (weight B), set by the service; GIN-indexed
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "audience"], name="search_document_one_per_audience"
            ),
            models.CheckConstraint(
                condition=models.Q(audience__in=["private", "public"]),
                name="search_document_audience_valid",
            ),
        ]
        indexes = [models.Index(fields=["audience", "kind"], name="search_doc_audience_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} ({self.audience})"


class ExtractedText(models.Model):
    """Text pulled out of an uploaded PDF once, at upload, by its SHA-256."""

    sha256 = models.CharField(max_length=64, unique=True)
    text = models.TextField(blank=True)
    pages = models.PositiveIntegerField(default=0)
    extracted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"text of {self.sha256[:12]}"
