"""Fixtures for pooled budgets: an ICS with three contributing partners, a recipient,
officers in every role, and an active fund of £1,000,000 with two scheme lines."""

from __future__ import annotations

import pytest

from budgets import services
from governance.organisations.models import OrganisationKind, Role


@pytest.fixture
def parties(make_org, make_user, icb):
    council = make_org("Borough Council", OrganisationKind.LOCAL_AUTHORITY, "E08000002")
    trust = make_org("Community Trust", OrganisationKind.NHS_TRUST, "RC1")
    vcse = make_org("Carers Alliance", OrganisationKind.VCSE, "1200001")
    other = make_org("Other Trust", OrganisationKind.NHS_TRUST, "RD9")
    people = {
        "icb_sec": make_user(icb, Role.SECRETARIAT, "icb_sec"),
        "icb_sign": make_user(icb, Role.SIGNATORY, "icb_sign"),
        "council_sec": make_user(council, Role.SECRETARIAT, "council_sec"),
        "council_sign": make_user(council, Role.SIGNATORY, "council_sign"),
        "manager": make_user(council, Role.MEMBER, "manager"),
        "trust_sign": make_user(trust, Role.SIGNATORY, "trust_sign"),
        "requester": make_user(trust, Role.MEMBER, "requester"),
        "vcse_member": make_user(vcse, Role.MEMBER, "vcse_member"),
        "auditor": make_user(icb, Role.AUDITOR, "auditor"),
        "outsider": make_user(other, Role.SIGNATORY, "outsider"),
    }
    return {"icb": icb, "council": council, "trust": trust, "vcse": vcse, "other": other, **people}


@pytest.fixture
def make_fund(parties):
    def make(
        contributions=(("icb", "500000"), ("council", "300000"), ("trust", "200000")),
        lines=(("S1", "Reablement", "600000"), ("S2", "Carers' breaks", "400000")),
        activate=True,
        basis="proportional",
        shares=None,
        name="Better Care Fund",
    ):
        sec = parties["council_sec"]
        fund = services.fund_create(
            actor=sec,
            name=name,
            agreement_reference="S75-2026-01",
            host_organisation=parties["council"],
            pool_manager=parties["manager"],
            financial_year=2026,
        )
        for code, line_name, budget in lines:
            services.scheme_line_add(actor=sec, fund=fund, code=code, name=line_name, budget=budget)
        for key, amount in contributions:
            services.contribution_set(
                actor=sec, fund=fund, organisation=parties[key], amount=amount
            )
        if basis != "proportional":
            services.fund_set_risk_share(
                actor=sec,
                fund=fund,
                basis=basis,
                shares={parties[k].pk: v for k, v in (shares or {}).items()},
            )
        if activate:
            services.fund_activate(actor=sec, fund=fund)
        fund.refresh_from_db()
        return fund

    return make


@pytest.fixture
def fund(make_fund):
    return make_fund()


from tests.budgets.envelope_fixtures import env_parties, make_envelope  # noqa: E402, F401
