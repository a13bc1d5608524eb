"""Read paths for organisations and memberships, scoped to the user."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from governance import permissions
from governance.organisations.models import Membership, Organisation, Role


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """Any signed-in user sees the active organisations of the system (public facts);
    auditors and the ICB secretariat also see inactive ones."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    if permissions.reads_everything(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(is_active=True)


def memberships_visible_to(user) -> QuerySet[Membership]:
    """Own memberships; whole organisations for their secretariat; all for auditors and
    the ICB secretariat."""
    qs = Membership.objects.select_related("user", "organisation")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if permissions.reads_everything(user):
        return qs
    managed = permissions.objects_with_perm(
        user, "organisations.manage_organisation", Organisation.objects.all()
    )
    return qs.filter(Q(user=user) | Q(organisation__in=managed))


# --- management -------------------------------------------------------------------------


def manages_organisations(user) -> bool:
    """Adding, changing and deactivating organisations: the ICB secretariat only."""
    return getattr(user, "is_authenticated", False) and permissions.is_system_secretariat(user)


def organisations_managed_by(user) -> QuerySet[Organisation]:
    """The organisations whose people the user manages: every one for the ICB secretariat
    (inactive ones too, to see their history); its own for a partner's secretariat (while
    the organisation is active); none for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organisation.objects.none()
    if permissions.is_system_secretariat(user):
        return Organisation.objects.all()
    return permissions.objects_with_perm(
        user, "organisations.manage_organisation", Organisation.objects.filter(is_active=True)
    )


def manages_anything(user) -> bool:
    """Should the user see the Manage area at all? (One query: shown on every page.)

    Anyone who manages something holds ``manage_organisation`` on an active organisation
    — the ICB secretariat on the ICB, a partner's secretariat on its own — or is a
    superuser (who manages everything)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return permissions.objects_with_perm(
        user, "organisations.manage_organisation", Organisation.objects.filter(is_active=True)
    ).exists()


def may_change_membership(user, membership: Membership) -> bool:
    """Mirrors the services' rule, to offer only the links that will work: the ICB
    secretariat changes any membership; an organisation's secretariat changes its own
    organisation's, except auditors'."""
    if permissions.is_system_secretariat(user):
        return True
    if membership.role == Role.AUDITOR:
        return False
    return organisations_managed_by(user).filter(pk=membership.organisation_id).exists()


def people_of(organisation: Organisation) -> QuerySet[Membership]:
    """An organisation's memberships, for its managers (the caller checks who asks)."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name", "user__username", "start_date")
    )
