"""Fixtures for shared decisions: a small ICS, a SoRD, signatories and a proposer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from decisions.models import DecidedBy, DecisionType, SordBand
from governance.organisations.models import OrganisationKind, Role
from governance.signoffs.models import SignOffRule


@pytest.fixture
def ics(make_org, make_user, icb):
    """The ICB and three partners, each with signatories; a proposer at the trust."""
    trust = make_org("Acute Trust", OrganisationKind.NHS_TRUST, "RA1")
    council = make_org("City Council", OrganisationKind.LOCAL_AUTHORITY, "E08000001")
    vcse = make_org("VCSE Alliance", OrganisationKind.VCSE, "1123456")
    people = {
        "secretariat": make_user(icb, Role.SECRETARIAT, "sec"),
        "icb_sign": make_user(icb, Role.SIGNATORY, "icb_sign"),
        "proposer": make_user(trust, Role.MEMBER, "proposer"),
        "trust_sign": make_user(trust, Role.SIGNATORY, "trust_sign"),
        "trust_sign2": make_user(trust, Role.SIGNATORY, "trust_sign2"),
        "council_sign": make_user(council, Role.SIGNATORY, "council_sign"),
        "vcse_sign": make_user(vcse, Role.SIGNATORY, "vcse_sign"),
        "auditor": make_user(icb, Role.AUDITOR, "auditor"),
        "outsider": make_user(
            make_org("Other Trust", OrganisationKind.NHS_TRUST, "RB2"), Role.SIGNATORY, "outsider"
        ),
    }
    return {"icb": icb, "trust": trust, "council": council, "vcse": vcse, **people}


@pytest.fixture
def decision_type(db):
    dt = DecisionType.objects.create(code="commissioning", name="Service commissioning")
    SordBand.objects.create(
        decision_type=dt,
        min_value=Decimal("0"),
        max_value=Decimal("100000"),
        decided_by=DecidedBy.OFFICER,
        officer_role="Director of Finance",
        signoff_rule=SignOffRule.ALL,
    )
    SordBand.objects.create(
        decision_type=dt,
        min_value=Decimal("100000"),
        max_value=Decimal("500000"),
        decided_by=DecidedBy.COMMITTEE,
        committee_name="Finance and Performance Committee",
        signoff_rule=SignOffRule.MAJORITY,
    )
    SordBand.objects.create(
        decision_type=dt,
        min_value=Decimal("500000"),
        max_value=None,
        decided_by=DecidedBy.BOARD,
        signoff_rule=SignOffRule.ALL,
    )
    return dt


@pytest.fixture
def make_proposal(ics, decision_type):
    from decisions import services

    def make(value="50000", affected=("trust", "council", "vcse"), actor=None, **kwargs):
        return services.proposal_create(
            actor=actor or ics["proposer"],
            proposing_organisation=ics["trust"],
            title=kwargs.pop("title", "Community beds"),
            summary=kwargs.pop("summary", "Fund 20 step-down beds."),
            financial_value=value,
            decision_type=decision_type,
            affected_organisations=[ics[a] for a in affected],
            **kwargs,
        )

    return make
