"""Read paths for sign-offs, scoped to the user's organisations."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from governance import permissions
from governance.organisations.models import Role
from governance.signoffs.models import SignOff, SignOffStatus


def open_signoffs_for(user) -> QuerySet[SignOff]:
    """The inbox: pending sign-offs of the organisations the user signs for."""
    org_ids = permissions.organisation_ids(user, roles=[Role.SIGNATORY])
    return (
        SignOff.objects.filter(status=SignOffStatus.PENDING, organisation_id__in=org_ids)
        .select_related("organisation", "subject_type")
        .order_by("requested_at")
    )


def signoffs_for(subject, round: int | None = None) -> QuerySet[SignOff]:
    qs = SignOff.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    ).select_related("organisation", "signatory")
    if round is not None:
        qs = qs.filter(round=round)
    return qs.prefetch_related("conflicts__person")


def statuses_of_round(subject, round: int) -> list[str]:
    return list(signoffs_for(subject, round).values_list("status", flat=True))
