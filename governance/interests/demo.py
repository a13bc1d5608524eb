"""Demo register of interests: entries declared before any demo decision, so every app's
demo data respects them (the one conflict test applies to all). Idempotent."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from governance.interests.models import Interest
from governance.interests.services import interest_declare
from governance.organisations.models import Organisation

# username, type, description, related organisation identifier, from
ENTRIES = [
    (
        "northmere.signatory",
        "indirect",
        "Spouse is a trustee of the Northmere and Calder VCSE Alliance.",
        "1999001",
        datetime.date(2025, 6, 1),
    ),
]


def seed_interests(*, stdout=None) -> None:
    users = {u.username: u for u in get_user_model().objects.all()}
    for username, kind, description, identifier, since in ENTRIES:
        person = users.get(username)
        related = Organisation.objects.filter(identifier=identifier).first()
        if person is None or related is None:
            continue
        if Interest.objects.filter(person=person, related_organisation=related).exists():
            continue
        interest_declare(
            actor=person,
            person=person,
            interest_type=kind,
            description=description,
            related_organisation=related,
            valid_from=since,
        )
