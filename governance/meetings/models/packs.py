"""Board pack versions: every generated pack is kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.packs.models import job_storage


class PackVariant(models.TextChoices):
    PUBLIC = "public", "Public pack"
    MEMBERS = "members", "Members' pack"


class PackKind(models.TextChoices):
    FULL = "full", "Full pack"
    SUPPLEMENTARY = "supplementary", "Supplementary pack (late papers)"
    REISSUE = "reissue", "Re-issued full pack"


def pack_path(instance, filename: str) -> str:
    return (
        f"meetings/packs/{instance.meeting_id}/"
        f"{instance.variant}-v{instance.number}-{instance.kind}.pdf"
    )


class PackVersion(models.Model):
    """One rendered pack, kept for ever. ``item_pages`` maps agenda item ids to the page
    where each starts in this PDF. Files live in private storage (never served directly:
    the download views check who may see them)."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="pack_versions"
    )
    variant = models.CharField(max_length=10, choices=PackVariant.choices)
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=14, choices=PackKind.choices)
    file = models.FileField(upload_to=pack_path, storage=job_storage)
    size = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField()
    item_pages = models.JSONField(default=dict)
    contents = models.JSONField(
        default=dict,
        help_text='What went in: {"order": [item ids], "revisions": {item id: paper revision}}.',
    )
    job = models.ForeignKey(
        "packs.RenderJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    render_seconds = models.FloatField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "variant", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "variant", "number"], name="packversion_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(variant__in=PackVariant.values), name="packversion_variant_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PackKind.values), name="packversion_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_variant_display()} v{self.number} ({self.get_kind_display()})"

    @property
    def is_full(self) -> bool:
        return self.kind in (PackKind.FULL, PackKind.REISSUE)
