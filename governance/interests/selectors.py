"""Read paths for the register of interests, and the conflict test used everywhere."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet

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


def published_register() -> QuerySet[Interest]:
    """The public register: current, published entries."""
    return (
        Interest.objects.current()
        .filter(is_published=True)
        .select_related("person", "related_organisation")
    )


def conflicts(
    person, organisations: Iterable, on: datetime.date | None = None
) -> QuerySet[Interest]:
    """The person's current declared interests in any of ``organisations``.

    This is the one conflict-of-interest test: sign-offs and meetings both use it.
    """
    org_ids = [getattr(o, "pk", o) for o in organisations]
    return (
        Interest.objects.current(on)
        .filter(person=person, related_organisation_id__in=org_ids)
        .select_related("related_organisation")
    )
