"""Read paths for organisations and memberships, scoped to the user."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from governance import permissions
from governance.organisations.models import Membership, Organisation


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
