"""Fixtures for deputies and conflict management: a pooled fund whose allocation awaits
sign-off by the ICB, the host council and a trust with one signatory; the ICB board and
its chair."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets import services as budget_services
from governance.deputies.services import deputy_appoint
from governance.interests.services import interest_declare
from governance.meetings.models.committees import Committee, CommitteeMember
from governance.organisations.models import OrganisationKind, Role
from governance.signoffs.models import SignOff

LONG_AGO = datetime.date(2020, 1, 1)


@pytest.fixture
def world(make_org, make_user, icb):
    council = make_org("Borough Council", OrganisationKind.LOCAL_AUTHORITY, "E08000002")
    trust = make_org("Calder Trust", OrganisationKind.NHS_TRUST, "RC1")
    vcse = make_org("Carers Alliance", OrganisationKind.VCSE, "1200001")
    ambulance = make_org("Ambulance Trust", OrganisationKind.NHS_TRUST, "RD1")
    other = make_org("Other Trust", OrganisationKind.NHS_TRUST, "RD9")
    people = {
        "icb_sec": make_user(icb, Role.SECRETARIAT, "icb_sec"),
        "icb_sign": make_user(icb, Role.SIGNATORY, "icb_sign"),
        "council_sec": make_user(council, Role.SECRETARIAT, "council_sec"),
        "council_sign": make_user(council, Role.SIGNATORY, "council_sign"),
        "manager": make_user(council, Role.MEMBER, "manager"),
        "trust_sign": make_user(trust, Role.SIGNATORY, "trust_sign"),
        "trust_sec": make_user(trust, Role.SECRETARIAT, "trust_sec"),
        "deputy": make_user(trust, Role.MEMBER, "deputy"),
        "trust_member": make_user(trust, Role.MEMBER, "trust_member"),
        "outsider": make_user(other, Role.MEMBER, "outsider"),
        "auditor": make_user(icb, Role.AUDITOR, "auditor"),
        "chair": make_user(None, username="chair"),
        "vice_chair": make_user(None, username="vice_chair"),
    }
    names = {
        "trust_sign": ("Sam", "Smith"),
        "deputy": ("Jo", "Bloggs"),
        "chair": ("Ann", "Chair"),
    }
    for key, (first, last) in names.items():
        people[key].first_name, people[key].last_name = first, last
        people[key].save()
    board = Committee.objects.create(
        name="Test ICB Board", kind="board", organisation=icb, quorum_fraction=Decimal("0.5")
    )
    for key, role in (("chair", "chair"), ("vice_chair", "vice_chair")):
        CommitteeMember.objects.create(
            committee=board, user=people[key], organisation=icb, role=role, valid_from=LONG_AGO
        )
    return {
        "icb": icb,
        "council": council,
        "trust": trust,
        "vcse": vcse,
        "ambulance": ambulance,
        "other": other,
        "board": board,
        **people,
    }


@pytest.fixture
def allocation(world):
    """An allocation to the VCSE body awaiting the three contributors' sign-off."""
    sec = world["council_sec"]
    fund = budget_services.fund_create(
        actor=sec,
        name="Better Care Fund",
        agreement_reference="S75-2026-01",
        host_organisation=world["council"],
        pool_manager=world["manager"],
        financial_year=2026,
    )
    budget_services.scheme_line_add(actor=sec, fund=fund, code="S1", name="Carers", budget="600000")
    for key, amount in (("icb", "300000"), ("council", "200000"), ("trust", "100000")):
        budget_services.contribution_set(
            actor=sec, fund=fund, organisation=world[key], amount=amount
        )
    budget_services.fund_activate(actor=sec, fund=fund)
    a = budget_services.allocation_create(
        actor=world["trust_member"],
        fund=fund,
        scheme_line=fund.lines.get(code="S1"),
        recipient=world["vcse"],
        amount="50000.00",
        purpose="Short breaks for carers",
    )
    budget_services.allocation_review(actor=world["manager"], allocation=a, accept=True)
    return a


def signoff_of(allocation, organisation) -> SignOff:
    return SignOff.objects.get(
        subject_type__model="allocation", subject_id=allocation.pk, organisation=organisation
    )


def declare(person, organisation, kind="non_financial_personal", text="Trustee (unpaid)"):
    return interest_declare(
        actor=person,
        person=person,
        interest_type=kind,
        description=text,
        related_organisation=organisation,
        valid_from=LONG_AGO,
    )


def today() -> datetime.date:
    return timezone.localdate()


def appoint(world, *, start=0, days=13, actor="trust_sign", deputy="deputy", reason="Leave"):
    return deputy_appoint(
        actor=world[actor],
        principal=world["trust_sign"],
        deputy=world[deputy],
        organisation=world["trust"],
        valid_from=today() + datetime.timedelta(days=start),
        valid_to=today() + datetime.timedelta(days=start + days),
        reason=reason,
    )
