"""Reference data over the API (issue 15): organisations, memberships, interests,
decision types and risk categories, each scoped by its app's selector, read-only, and
at a constant number of queries however many rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from decisions.models import DecisionType
from governance.interests.services import interest_declare
from governance.organisations.models import OrganisationKind, Role
from governance.organisations.services import organisation_deactivate
from governance.risks.services import category_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_org, make_user, icb, superuser):
    trust = make_org("Alder Trust", OrganisationKind.NHS_TRUST, "RT1")
    council = make_org("Birch Council", OrganisationKind.LOCAL_AUTHORITY, "E08000111")
    gone = make_org("Closed Trust", OrganisationKind.NHS_TRUST, "RT9")
    organisation_deactivate(actor=superuser, organisation=gone, reason="Merged.")
    people = {
        "sec": make_user(icb, Role.SECRETARIAT, "icb_sec"),
        "auditor": make_user(icb, Role.AUDITOR, "auditor"),
        "trust_sec": make_user(trust, Role.SECRETARIAT, "trust_sec"),
        "signatory": make_user(trust, Role.SIGNATORY, "signatory"),
        "councillor": make_user(council, Role.SIGNATORY, "councillor"),
    }
    return {"icb": icb, "trust": trust, "council": council, "gone": gone, **people}


def as_(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations/",
        "/api/v1/memberships/",
        "/api/v1/interests/",
        "/api/v1/decision-types/",
        "/api/v1/risk-categories/",
    ],
)
def test_anonymous_callers_are_refused_and_nothing_is_writable(world, url):
    assert APIClient().get(url).status_code in (401, 403)
    assert as_(world["sec"]).post(url, {}, format="json").status_code == 405


def test_organisations_active_for_everyone_inactive_for_auditors(world):
    names = {o["name"] for o in rows(as_(world["signatory"]), "/api/v1/organisations/")}
    assert {"Alder Trust", "Birch Council", "Test ICB"} <= names and "Closed Trust" not in names
    audit = {o["name"] for o in rows(as_(world["auditor"]), "/api/v1/organisations/")}
    assert "Closed Trust" in audit
    [found] = rows(as_(world["signatory"]), "/api/v1/organisations/?identifier=RT1")
    assert found["name"] == "Alder Trust" and found["kind_label"] == "NHS trust"
    councils = rows(as_(world["signatory"]), "/api/v1/organisations/?kind=local_authority")
    assert [o["identifier"] for o in councils] == ["E08000111"]


def test_memberships_own_and_own_organisations_for_its_secretariat(world):
    mine = rows(as_(world["signatory"]), "/api/v1/memberships/")
    assert [m["username"] for m in mine] == ["signatory"]
    trust = {m["username"] for m in rows(as_(world["trust_sec"]), "/api/v1/memberships/")}
    assert trust == {"trust_sec", "signatory"}  # not the council's people
    everyone = {m["username"] for m in rows(as_(world["auditor"]), "/api/v1/memberships/")}
    assert {"councillor", "trust_sec", "icb_sec"} <= everyone


def test_interests_published_and_own_never_another_persons_unpublished(world):
    s, c = world["signatory"], world["councillor"]
    interest_declare(
        actor=s,
        person=s,
        interest_type="financial",
        description="Shares in a care home group.",
        related_organisation=world["council"],
    )
    interest_declare(
        actor=c,
        person=c,
        interest_type="non_financial_personal",
        description="Spouse works at Alder Trust.",
        related_organisation=world["trust"],
        is_published=False,
    )
    seen = {i["description"] for i in rows(as_(s), "/api/v1/interests/")}
    assert seen == {"Shares in a care home group."}
    own = {i["description"] for i in rows(as_(c), "/api/v1/interests/")}
    assert own == {"Shares in a care home group.", "Spouse works at Alder Trust."}
    assert len(rows(as_(world["auditor"]), "/api/v1/interests/")) == 2


def test_decision_types_and_risk_categories(world):
    DecisionType.objects.create(code="commissioning", name="Service commissioning")
    category_save(actor=world["sec"], code="finance", name="Finance", position=0)
    [dtype] = rows(as_(world["signatory"]), "/api/v1/decision-types/")
    assert dtype["code"] == "commissioning" and isinstance(dtype["id"], int)
    [cat] = rows(as_(world["signatory"]), "/api/v1/risk-categories/")
    assert cat["code"] == "finance" and cat["appetite_max_score"] is None


@pytest.mark.parametrize(
    "url", ["/api/v1/organisations/", "/api/v1/memberships/", "/api/v1/risk-categories/"]
)
def test_queries_do_not_grow_with_rows(world, make_org, make_user, url):
    client = as_(world["auditor"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    category_save(actor=world["sec"], code="first", name="First", position=0)
    count()  # warm: per-user look-ups that a cache keeps between requests
    before = count()  # with rows already (an empty page skips the list query)
    for n in range(5):
        org = make_org(f"Practice {n}", OrganisationKind.PCN)
        make_user(org, Role.MEMBER, f"gp{n}")
        category_save(actor=world["sec"], code=f"cat{n}", name=f"Category {n}", position=n + 1)
    assert count() == before <= 15
