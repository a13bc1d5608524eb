"""Papers: an agenda item's cover sheet and body (sanitised rich text) and PDF appendices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.storage import private_storage

# cover sheet fields in the order NHS boards use, with their headings
COVER_FIELDS = (
    ("purpose", "Purpose of the paper"),
    ("recommendation", "Recommendation"),
    ("executive_summary", "Executive summary"),
    ("risks", "Risks"),
    ("financial_implications", "Financial implications"),
    ("conflicts_of_interest", "Conflicts of interest"),
    ("equality_quality_impact", "Equality and quality impact"),
)
RICH_TEXT_FIELDS = (*(name for name, _ in COVER_FIELDS), "body")


class PaperStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted to the secretariat"
    APPROVED = "approved", "Approved for the pack"
    RETURNED = "returned", "Returned to the author"


class Paper(models.Model):
    """The paper for one agenda item. Rich text is stored already sanitised."""

    item = models.OneToOneField(
        "meetings.AgendaItem", on_delete=models.CASCADE, related_name="paper"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_papers"
    )
    purpose = models.TextField(blank=True)
    recommendation = models.TextField(blank=True)
    executive_summary = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    financial_implications = models.TextField(blank=True)
    conflicts_of_interest = models.TextField(blank=True)
    equality_quality_impact = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="The paper itself (optional).")
    status = models.CharField(max_length=12, choices=PaperStatus.choices, default=PaperStatus.DRAFT)
    revision = models.PositiveIntegerField(default=1)
    is_late = models.BooleanField(default=False)
    return_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item__meeting", "item__position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PaperStatus.values), name="paper_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=PaperStatus.APPROVED)
                | Q(approved_at__isnull=False, approved_by__isnull=False),
                name="paper_approved_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"Paper for {self.item}"


def appendix_path(instance, filename: str) -> str:
    return f"meetings/papers/{instance.paper_id}/{instance.sha256[:16]}.pdf"


class PaperAppendix(models.Model):
    """A PDF appendix of a paper, checked by content when uploaded."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="appendices")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=1)
    file = models.FileField(upload_to=appendix_path, storage=private_storage)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["paper", "position", "pk"]
        verbose_name_plural = "paper appendices"
        constraints = [
            models.CheckConstraint(condition=Q(pages__gt=0), name="paperappendix_has_pages"),
        ]

    def __str__(self) -> str:
        return self.title
