"""Shared fixtures: organisations, users in every role, and database helpers."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from governance.organisations import services as org_services
from governance.organisations.models import OrganisationKind, Role


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` run only when the suite runs on PostgreSQL."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw")


@pytest.fixture
def make_org(superuser):
    counter = {"n": 0}

    def make(name=None, kind=OrganisationKind.NHS_TRUST, identifier=None):
        counter["n"] += 1
        n = counter["n"]
        defaults = {
            OrganisationKind.ICB: f"Q{n:02d}",
            OrganisationKind.NHS_TRUST: f"R{n:02d}",
            OrganisationKind.NHS_FOUNDATION_TRUST: f"R{n:02d}",
            OrganisationKind.LOCAL_AUTHORITY: f"E08{n:06d}",
            OrganisationKind.PCN: f"U{n:05d}",
            OrganisationKind.VCSE: f"{1000000 + n}",
        }
        return org_services.organisation_create(
            actor=superuser,
            name=name or f"Organisation {n}",
            identifier=identifier or defaults[kind],
            kind=kind,
        )

    return make


@pytest.fixture
def make_user(superuser):
    counter = {"n": 0}

    def make(organisation=None, role=Role.MEMBER, username=None, **membership):
        counter["n"] += 1
        user = get_user_model().objects.create_user(
            username or f"user{counter['n']}", f"user{counter['n']}@example.org", "pw"
        )
        if organisation is not None:
            membership.setdefault("start_date", datetime.date(2020, 1, 1))
            org_services.membership_create(
                actor=superuser, user=user, organisation=organisation, role=role, **membership
            )
        return user

    return make


@pytest.fixture
def icb(make_org):
    return make_org("Test ICB", OrganisationKind.ICB, "QAA")
