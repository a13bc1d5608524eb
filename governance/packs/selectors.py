"""Who may see which background jobs."""

from __future__ import annotations

from django.db.models import QuerySet

from governance import permissions
from governance.packs.models import RenderJob


def jobs_visible_to(user) -> QuerySet[RenderJob]:
    """Jobs the user may follow and whose results they may download: their own; all of
    them for the ICB secretariat (and superusers) and for auditors."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return RenderJob.objects.none()
    if permissions.reads_everything(user):
        return RenderJob.objects.all()
    return RenderJob.objects.filter(created_by=user)
