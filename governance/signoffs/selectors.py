"""Read paths for sign-offs, scoped to the user's organisations."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from governance import permissions
from governance.organisations.models import Role
from governance.signoffs.models import SignOff, SignOffStatus


def open_signoffs_for(user) -> QuerySet[SignOff]:
    """The inbox: pending sign-offs of the organisations the user signs for (in their own
    right, or as a signatory's deputy within the dates of the appointment)."""
    org_ids = permissions.signing_organisation_ids(user)
    return (
        SignOff.objects.filter(status=SignOffStatus.PENDING, organisation_id__in=org_ids)
        .select_related("organisation", "subject_type")
        .order_by("requested_at")
    )


def signoffs_for(subject, round: int | None = None) -> QuerySet[SignOff]:
    qs = SignOff.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    ).select_related("organisation", "signatory", "on_behalf_of", "deputy_appointment")
    if round is not None:
        qs = qs.filter(round=round)
    return qs.prefetch_related("conflicts__person")


def statuses_of_round(subject, round: int) -> list[str]:
    return list(signoffs_for(subject, round).values_list("status", flat=True))


def signoffs_visible_to(user) -> QuerySet[SignOff]:
    """Sign-offs of the organisations the user signs for, in any status; every sign-off
    for the ICB secretariat, auditors and superusers (who read them, not sign them)."""
    qs = SignOff.objects.select_related(
        "organisation", "signatory", "on_behalf_of", "deputy_appointment", "subject_type"
    )
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if permissions.reads_everything(user):
        return qs
    return qs.filter(organisation_id__in=permissions.signing_organisation_ids(user))


def blocked_signoffs_visible_to(user) -> QuerySet[SignOff]:
    """Open sign-offs no signatory may give for conflicts: the ICB secretariat sees them
    all, an organisation's own secretariat its organisation's (each can appoint another
    signatory or a deputy)."""
    blocked = SignOff.objects.filter(status=SignOffStatus.PENDING, blocked=True).select_related(
        "organisation", "subject_type"
    )
    if permissions.is_system_secretariat(user):
        return blocked
    return blocked.filter(
        organisation_id__in=permissions.organisation_ids(user, roles=[Role.SECRETARIAT])
    )


def blocked_signoffs_chaired_by(user) -> list[SignOff]:
    """Blocked open sign-offs whose deciding body ``user`` chairs: the chair may record
    how the conflict is managed. (Few are ever blocked, so each is checked in turn.)"""
    from governance.signoffs.chairs import is_chair_for

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    blocked = SignOff.objects.filter(status=SignOffStatus.PENDING, blocked=True).select_related(
        "organisation", "subject_type"
    )
    return [s for s in blocked.order_by("requested_at") if is_chair_for(user, s)]


def blocked_signoffs_for(user) -> tuple[list[SignOff], list[SignOff]]:
    """``(blocked_signoffs_visible_to(user), blocked_signoffs_chaired_by(user))`` from one
    read of the open blocked sign-offs (for the inbox)."""
    from governance.signoffs.chairs import is_chair_for

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return [], []
    blocked = list(
        SignOff.objects.filter(status=SignOffStatus.PENDING, blocked=True)
        .select_related("organisation", "subject_type")
        .order_by("requested_at")
    )
    if permissions.is_system_secretariat(user):
        visible = blocked
    else:
        own = permissions.organisation_ids(user, roles=[Role.SECRETARIAT])
        visible = [s for s in blocked if s.organisation_id in own]
    return visible, [s for s in blocked if is_chair_for(user, s)]


def signoff_page_for(user, pk: int) -> SignOff | None:
    """The sign-off, if the user may open its page: those who sign for (or read) it, the
    secretariat that can unblock it, and the chair of its deciding body while it is open
    and someone is conflicted on it."""
    found = signoffs_visible_to(user).filter(pk=pk).first()
    if found is None:
        found = blocked_signoffs_visible_to(user).filter(pk=pk).first()
    if found is None and getattr(user, "is_authenticated", False):
        from governance.signoffs.chairs import is_chair_for

        pending = (
            SignOff.objects.filter(pk=pk, status=SignOffStatus.PENDING)
            .filter(Q(blocked=True) | Q(conflicts__isnull=False))
            .distinct()
            .first()
        )
        if pending is not None and is_chair_for(user, pending):
            found = pending
    return found
