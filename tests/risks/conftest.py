"""Fixtures for the risk register: a small ICS, categories with appetite, risk makers."""

from __future__ import annotations

import pytest

from governance.organisations.models import OrganisationKind, Role
from governance.risks import services
from governance.risks.models import RiskStatus
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide


@pytest.fixture
def rics(make_org, make_user, icb):
    """The ICB, an acute trust and a council sharing risks; an outside trust that does not."""
    trust = make_org("Acute Trust", OrganisationKind.NHS_FOUNDATION_TRUST, "RA1")
    council = make_org("City Council", OrganisationKind.LOCAL_AUTHORITY, "E08000001")
    other = make_org("Other Trust", OrganisationKind.NHS_TRUST, "RB2")
    people = {
        "secretariat": make_user(icb, Role.SECRETARIAT, "sec"),
        "owner": make_user(icb, Role.MEMBER, "owner"),
        "icb_sign": make_user(icb, Role.SIGNATORY, "icb_sign"),
        "auditor": make_user(icb, Role.AUDITOR, "auditor"),
        "trust_member": make_user(trust, Role.MEMBER, "trust_member"),
        "trust_sign": make_user(trust, Role.SIGNATORY, "trust_sign"),
        "council_sign": make_user(council, Role.SIGNATORY, "council_sign"),
        "council_member": make_user(council, Role.MEMBER, "council_member"),
        "outsider": make_user(other, Role.SIGNATORY, "outsider"),
        "outsider_member": make_user(other, Role.MEMBER, "outsider_member"),
        "outsider_secretariat": make_user(other, Role.SECRETARIAT, "outsider_sec"),
    }
    return {"icb": icb, "trust": trust, "council": council, "other": other, **people}


@pytest.fixture
def categories(superuser):
    """Finance (appetite 12, to its committee), quality (appetite 8), workforce (none)."""
    finance = services.category_save(
        actor=superuser,
        code="finance",
        name="Finance",
        responsible_committee="Finance and Performance Committee",
    )
    services.appetite_set(actor=superuser, category=finance, level="cautious", max_score=12)
    quality = services.category_save(
        actor=superuser,
        code="quality",
        name="Quality and safety",
        responsible_committee="Quality and Safety Committee",
    )
    services.appetite_set(actor=superuser, category=quality, level="minimal", max_score=8)
    workforce = services.category_save(actor=superuser, code="workforce", name="Workforce")
    return {"finance": finance, "quality": quality, "workforce": workforce}


@pytest.fixture
def make_risk(rics, categories):
    def make(
        partners=("trust", "council"),
        actor="owner",
        org="icb",
        category="finance",
        current=(3, 3),
        inherent=(4, 4),
        target=(2, 2),
        **kwargs,
    ):
        return services.risk_create(
            actor=rics[actor],
            owning_organisation=rics[org],
            title=kwargs.pop("title", "Winter pressures overspend"),
            cause=kwargs.pop("cause", "Because of rising emergency admissions"),
            event=kwargs.pop("event", "there is a risk that the system overspends"),
            effect=kwargs.pop("effect", "resulting in a deficit and loss of autonomy"),
            category=categories[category],
            inherent_likelihood=inherent[0],
            inherent_consequence=inherent[1],
            current_likelihood=current[0],
            current_consequence=current[1],
            target_likelihood=target[0],
            target_consequence=target[1],
            partners=[rics[p] for p in partners],
            **kwargs,
        )

    return make


def sign(rics, risk, who, outcome="approve", comment=""):
    signoff = open_signoffs_for(rics[who]).get(subject_id=risk.pk, subject_type__model="risk")
    return signoff_decide(actor=rics[who], signoff=signoff, outcome=outcome, comment=comment)


@pytest.fixture
def registered_risk(rics, make_risk):
    """A risk owned by the ICB, shared with the trust and the council, on the register."""

    def make(**kwargs):
        risk = make_risk(**kwargs)
        services.risk_submit(actor=rics[kwargs.get("actor", "owner")], risk=risk)
        signatories = {"trust": "trust_sign", "council": "council_sign", "icb": "icb_sign"}
        for partner in kwargs.get("partners", ("trust", "council")):
            sign(rics, risk, signatories[partner])
        risk.refresh_from_db()
        assert risk.status == RiskStatus.OPEN
        return risk

    return make
