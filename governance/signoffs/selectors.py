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


def signoffs_visible_to(user) -> QuerySet[SignOff]:
    """Sign-offs of the organisations the user signs for, in any status; every sign-off
    for the ICB secretariat, auditors and superusers (who read them, not sign them)."""
    qs = SignOff.objects.select_related("organisation", "signatory", "subject_type")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if permissions.reads_everything(user):
        return qs
    return qs.filter(organisation_id__in=permissions.organisation_ids(user, roles=[Role.SIGNATORY]))


def blocked_signoffs_visible_to(user) -> QuerySet[SignOff]:
    """Open sign-offs no signatory may give for conflicts: the ICB secretariat acts."""
    if not permissions.is_system_secretariat(user):
        return SignOff.objects.none()
    return signoffs_visible_to(user).filter(status=SignOffStatus.PENDING, blocked=True)
