"""Read paths for the register of interests, and the conflict test used everywhere."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from governance import permissions
from governance.interests.models import Interest


def interests_visible_to(user) -> QuerySet[Interest]:
    """Own entries; everything for the ICB secretariat and auditors."""
    qs = Interest.objects.select_related("person", "related_organisation")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if permissions.reads_everything(user):
        return qs
    return qs.filter(person=user)


def interests_readable_by(user) -> QuerySet[Interest]:
    """What a signed-in user may read: the published register and their own entries
    (everything for the ICB secretariat and auditors); nothing for anonymous callers of
    the API (the public read the register's page)."""
    qs = Interest.objects.select_related("person", "related_organisation")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if permissions.reads_everything(user):
        return qs
    return qs.filter(Q(person=user) | Q(pk__in=published_register().values("pk")))


def published_register() -> QuerySet[Interest]:
    """The public register: current, published entries."""
    return (
        Interest.objects.current()
        .filter(is_published=True)
        .select_related("person", "related_organisation")
    )


def conflicts(
    person,
    organisations: Iterable,
    on: datetime.date | None = None,
    *,
    acting_for_organisation=None,
) -> QuerySet[Interest]:
    """The person's current declared interests in any of ``organisations``.

    This is the one conflict-of-interest test: sign-offs and meetings both use it.

    ``acting_for_organisation``: the organisation the person is acting for (e.g. signing
    off for). An interest naming that very organisation -- typically the entry recording
    that the person works for it -- is not a conflict when acting for it: it is whose
    side they are on, not a competing interest. Meetings leave it out, so an ICB board
    member's interest in their own trust is still declared on that trust's items.
    """
    org_ids = [getattr(o, "pk", o) for o in organisations]
    if acting_for_organisation is not None:
        own = getattr(acting_for_organisation, "pk", acting_for_organisation)
        org_ids = [pk for pk in org_ids if pk != own]
    return (
        Interest.objects.current(on)
        .filter(person=person, related_organisation_id__in=org_ids)
        .select_related("related_organisation")
    )
