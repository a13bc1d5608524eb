"""Organisations and memberships: valid identifiers, bad input refused whole, the admin."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from governance.audit.models import AuditEvent
from governance.organisations import services
from governance.organisations.models import Membership, Organisation, OrganisationKind, Role

START = datetime.date(2024, 4, 1)


def counts() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
        Group.objects.count(),
    )


@pytest.fixture
def trust(make_org):
    return make_org("Alpha Trust", OrganisationKind.NHS_TRUST, "RW4")


def assert_refused(field: str, func, **kwargs) -> ValidationError:
    """``func`` raises ValidationError on ``field`` and writes nothing at all."""
    before = counts()
    with pytest.raises(ValidationError) as exc:
        func(**kwargs)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert counts() == before
    return exc.value


# --- identifiers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "identifier", "stored"),
    [
        ("icb", "QYG", "QYG"),
        ("icb", " qyg ", "QYG"),
        ("nhs_trust", "RW4", "RW4"),
        ("nhs_trust", "TAD", "TAD"),
        ("nhs_foundation_trust", "RBT", "RBT"),
        ("local_authority", "E08000012", "E08000012"),
        ("local_authority", "E06000001", "E06000001"),
        ("local_authority", "E10000002", "E10000002"),
        ("pcn", "U12345", "U12345"),
        ("gp_practice", "A81001", "A81001"),
        ("vcse", "1123456", "1123456"),
        ("vcse", "212345", "212345"),
        ("vcse", "1123456-1", "1123456-1"),
        ("vcse", "01234567", "01234567"),
        ("vcse", "SC012345", "SC012345"),
        ("independent_provider", "NT3", "NT3"),
        ("independent_provider", "8HV48", "8HV48"),
        ("independent_provider", "01234567", "01234567"),
        ("other", "HEALTHWATCH-1", "HEALTHWATCH-1"),
        ("police", "E23000001", "E23000001"),
        ("fire_and_rescue", "E31000001", "E31000001"),
        ("housing", "L4509", "L4509"),
    ],
)
def test_valid_identifier_for_every_kind(superuser, kind, identifier, stored):
    org = services.organisation_create(
        actor=superuser, name=f"Body {kind}", identifier=identifier, kind=kind
    )
    org.refresh_from_db()
    assert (org.identifier, org.kind, org.is_active) == (stored, kind, True)
    assert AuditEvent.objects.filter(verb="organisation.created", target_id=str(org.pk)).exists()


def test_every_kind_has_a_valid_example_above():
    kinds = {"icb", "nhs_trust", "nhs_foundation_trust", "local_authority", "pcn"}
    kinds |= {"gp_practice", "vcse", "independent_provider", "other"}
    kinds |= {"police", "fire_and_rescue", "housing"}
    assert kinds == set(OrganisationKind.values)


@pytest.mark.parametrize(
    ("kind", "identifier"),
    [
        ("nhs_trust", "E08000012"),
        ("nhs_trust", "QYG"),
        ("nhs_trust", "RW45"),
        ("nhs_foundation_trust", "A81001"),
        ("local_authority", "RW4"),
        ("local_authority", "E05000001"),  # an electoral ward, not an authority
        ("local_authority", "E0800001"),
        ("vcse", "12"),
        ("vcse", "RW4"),
        ("icb", "RW4"),
        ("pcn", "U1234"),
        ("pcn", "A81001"),
        ("gp_practice", "U12345X"),
        ("independent_provider", "RW4"),
        ("other", "A"),
        ("other", "NO SPACES"),
    ],
)
def test_identifier_invalid_for_kind(superuser, kind, identifier):
    exc = assert_refused(
        "identifier",
        services.organisation_create,
        actor=superuser,
        name="Bad Body",
        identifier=identifier,
        kind=kind,
    )
    assert "not valid for this kind" in " ".join(exc.message_dict["identifier"])


@pytest.mark.parametrize("identifier", ["", "   "])
def test_identifier_required(superuser, identifier):
    assert_refused(
        "identifier",
        services.organisation_create,
        actor=superuser,
        name="No Code Trust",
        identifier=identifier,
        kind="nhs_trust",
    )


@pytest.mark.parametrize("name", ["", "   "])
def test_name_required(superuser, name):
    assert_refused(
        "name",
        services.organisation_create,
        actor=superuser,
        name=name,
        identifier="RX1",
        kind="nhs_trust",
    )


def test_unknown_kind(superuser):
    assert_refused(
        "kind",
        services.organisation_create,
        actor=superuser,
        name="X",
        identifier="RX1",
        kind="nhs",
    )


@pytest.mark.parametrize("identifier", ["RW4", "rw4", " RW4 ", "\trw4\n"])
def test_duplicate_identifier(superuser, trust, identifier):
    assert_refused(
        "identifier",
        services.organisation_create,
        actor=superuser,
        name="Another Trust",
        identifier=identifier,
        kind="nhs_trust",
    )


@pytest.mark.parametrize("name", ["Alpha Trust", "alpha trust", "  ALPHA TRUST  "])
def test_duplicate_name(superuser, trust, name):
    assert_refused(
        "name",
        services.organisation_create,
        actor=superuser,
        name=name,
        identifier="RX1",
        kind="nhs_trust",
    )


def test_update_refuses_bad_values_and_keeps_the_row(superuser, trust, make_org):
    make_org("Beta Trust", OrganisationKind.NHS_TRUST, "RB1")
    cases = [
        ("identifier", {"identifier": "rb1"}),
        ("name", {"name": "beta trust"}),
        ("identifier", {"kind": "local_authority"}),  # RW4 is no GSS code
        ("kind", {"kind": "hospital"}),
    ]
    for field, change in cases:
        assert_refused(
            field, services.organisation_update, actor=superuser, organisation=trust, **change
        )
    with pytest.raises(ValidationError):
        services.organisation_update(actor=superuser, organisation=trust, created_at=START)
    trust.refresh_from_db()
    assert (trust.name, trust.identifier, trust.kind) == ("Alpha Trust", "RW4", "nhs_trust")


# --- memberships ---------------------------------------------------------------------------


@pytest.mark.parametrize("days", [-1, 0])
def test_membership_end_not_after_start(superuser, trust, make_user, days):
    assert_refused(
        "end_date",
        services.membership_create,
        actor=superuser,
        user=make_user(),
        organisation=trust,
        role=Role.MEMBER,
        start_date=START,
        end_date=START + datetime.timedelta(days=days),
        job_title="",
    )


@pytest.mark.parametrize("role", ["chair", "", "SIGNATORY"])
def test_membership_unknown_role(superuser, trust, make_user, role):
    assert_refused(
        "role",
        services.membership_create,
        actor=superuser,
        user=make_user(),
        organisation=trust,
        role=role,
        start_date=START,
        end_date=None,
        job_title="",
    )


def test_membership_update_refuses_bad_values(superuser, trust, make_user):
    user = make_user(trust, Role.SIGNATORY, start_date=START)
    m = Membership.objects.get(user=user)
    assert_refused("role", services.membership_update, actor=superuser, membership=m, role="boss")
    assert_refused(
        "end_date", services.membership_update, actor=superuser, membership=m, end_date=START
    )
    assert_refused(
        "start_date", services.membership_update, actor=superuser, membership=m, start_date=None
    )
    with pytest.raises(ValidationError):
        services.membership_update(actor=superuser, membership=m, user=superuser)
    m.refresh_from_db()
    assert (m.role, m.end_date, m.start_date, m.user) == (Role.SIGNATORY, None, START, user)


def test_membership_end_refuses_bad_dates(superuser, trust, make_user):
    user = make_user(trust, Role.MEMBER, start_date=START)
    m = Membership.objects.get(user=user)
    assert_refused(
        "end_date",
        services.membership_end,
        actor=superuser,
        membership=m,
        end_date=START - datetime.timedelta(days=1),
    )
    services.membership_end(actor=superuser, membership=m, end_date=START.replace(year=2025))
    assert_refused("end_date", services.membership_end, actor=superuser, membership=m)
    m.refresh_from_db()
    assert m.end_date == START.replace(year=2025)


def test_membership_end_before_start_enforced_by_database_too(superuser, trust):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=superuser,
            organisation=trust,
            role=Role.MEMBER,
            start_date=START,
            end_date=START - datetime.timedelta(days=1),
        )


# --- admin ----------------------------------------------------------------------------------

ORG_URL = "/admin/organisations/organisation/"


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


def test_admin_changelist(admin_client_, trust, make_org):
    make_org("Beta Council", OrganisationKind.LOCAL_AUTHORITY, "E08000012")
    response = admin_client_.get(ORG_URL)
    assert response.status_code == 200
    assert b"Alpha Trust" in response.content and b"E08000012" in response.content
    assert admin_client_.get(f"{ORG_URL}add/").status_code == 403  # read-only
    assert admin_client_.get(f"{ORG_URL}{trust.pk}/change/").status_code == 200
    assert admin_client_.get(f"{ORG_URL}{trust.pk}/delete/").status_code == 403


def test_admin_needs_staff(client, make_user):
    client.force_login(make_user())
    assert client.get(ORG_URL).status_code == 302


# Writes through the admin are refused: tests/governance/test_manage_admin.py.
