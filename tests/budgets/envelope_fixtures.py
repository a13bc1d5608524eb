"""Fixtures for the system envelope: an ICB and three NHS trusts, finance leads of each,
and a helper that drafts (and by default agrees) a 2026/27 envelope."""

from __future__ import annotations

import pytest

from budgets.models import SystemEnvelope
from budgets.services import envelope as env_services
from governance.organisations.models import OrganisationKind, Role
from governance.risks.services import category_save
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.services import signoff_decide

# organisation key: (planned income, planned expenditure, capital)
LINES = {
    "icb": ("2400000000.00", "2400000000.00", "10000000.00"),
    "acute": ("620000000.00", "628500000.00", "30000000.00"),
    "mh": ("210000000.00", "209000000.00", "8000000.00"),
    "amb": ("140000000.00", "140500000.00", "12000000.00"),
}


@pytest.fixture
def env_parties(make_org, make_user, icb):
    acute = make_org(
        "Northgate Hospitals NHS Foundation Trust", OrganisationKind.NHS_FOUNDATION_TRUST, "RA1"
    )
    mh = make_org("Calder Mental Health NHS Trust", OrganisationKind.NHS_TRUST, "RA2")
    amb = make_org("Pennine Ambulance NHS Trust", OrganisationKind.NHS_TRUST, "RA3")
    other = make_org("Distant Trust", OrganisationKind.NHS_TRUST, "RA9")
    people = {
        "icb_lead": make_user(icb, Role.SIGNATORY, "icb_lead"),
        "icb_sec": make_user(icb, Role.SECRETARIAT, "icb_sec"),
        "acute_lead": make_user(acute, Role.SIGNATORY, "acute_lead"),
        "acute_member": make_user(acute, Role.MEMBER, "acute_member"),
        "mh_lead": make_user(mh, Role.SIGNATORY, "mh_lead"),
        "amb_lead": make_user(amb, Role.SIGNATORY, "amb_lead"),
        "auditor": make_user(icb, Role.AUDITOR, "env_auditor"),
        "outsider": make_user(other, Role.SIGNATORY, "env_outsider"),
    }
    category_save(
        actor=people["icb_sec"],
        code="finance",
        name="Finance",
        responsible_committee="Finance and Performance Committee",
        position=0,
    )
    return {"icb": icb, "acute": acute, "mh": mh, "amb": amb, "other": other, **people}


LEAD = {"icb": "icb_lead", "acute": "acute_lead", "mh": "mh_lead", "amb": "amb_lead"}


def sign_round(p, subject, keys=None, outcome="approve", comment=""):
    """Every (or the given) partner's signatory decides the subject's open sign-off."""
    for s in SignOff.objects.filter(
        subject_type__model=subject._meta.model_name,
        subject_id=subject.pk,
        status=SignOffStatus.PENDING,
    ).select_related("organisation"):
        key = next(k for k in LEAD if p[k].pk == s.organisation_id)
        if keys is not None and key not in keys:
            continue
        signoff_decide(actor=p[LEAD[key]], signoff=s, outcome=outcome, comment=comment)


@pytest.fixture
def make_envelope(env_parties):
    p = env_parties

    def make(lines=LINES, agree=True, totals=None, threshold="1.00"):
        sums = [sum(float(v[i]) for v in lines.values()) for i in range(3)]
        totals = totals or {
            "income_total": f"{sums[0]:.2f}",
            "expenditure_total": f"{sums[1]:.2f}",
            "capital_total": f"{sums[2]:.2f}",
        }
        envelope = env_services.envelope_create(
            actor=p["icb_lead"],
            icb=p["icb"],
            financial_year=2026,
            name="Test system envelope",
            threshold_percent=threshold,
            **totals,
        )
        for key, (income, spend, capital) in lines.items():
            env_services.envelope_line_set(
                actor=p["icb_lead"],
                envelope=envelope,
                organisation=p[key],
                planned_income=income,
                planned_expenditure=spend,
                capital_allocation=capital,
            )
        if agree:
            env_services.envelope_submit(actor=p["icb_lead"], envelope=envelope)
            sign_round(p, envelope)
        return SystemEnvelope.objects.get(pk=envelope.pk)

    return make


@pytest.fixture
def finance_committee(env_parties, make_user):
    """The Finance and Performance Committee (the envelope's finance committee): a chair,
    a non-executive and the ICB's finance lead; quorum two."""
    import datetime

    from governance.meetings.models import CommitteeKind, CommitteeRole
    from governance.meetings.services import committees

    p = env_parties
    c = committees.committee_create(
        actor=p["icb_sec"],
        name="Finance and Performance Committee",
        kind=CommitteeKind.COMMITTEE,
        organisation=p["icb"],
        quorum_min_members=2,
    )
    for user, role in (
        (make_user(p["icb"], Role.MEMBER, "fpc_chair"), CommitteeRole.CHAIR),
        (make_user(p["icb"], Role.MEMBER, "fpc_ned"), CommitteeRole.NON_EXECUTIVE),
        (p["icb_lead"], CommitteeRole.EXECUTIVE),
    ):
        committees.member_add(
            actor=p["icb_sec"],
            committee=c,
            user=user,
            organisation=p["icb"],
            role=role,
            valid_from=datetime.date(2020, 1, 1),
        )
    return c


def committee_decides(p, committee, subject, outcome="approved"):
    """A quorate meeting of ``committee`` held a few minutes ago decides ``subject``,
    tabled through the subject registry; returns the agenda item."""
    import datetime

    from django.utils import timezone

    from governance.meetings.services import agenda, conduct

    meeting = agenda.meeting_create(
        actor=p["icb_sec"],
        committee=committee,
        start=timezone.now() - datetime.timedelta(minutes=5),
        location="Boardroom",
    )
    item = agenda.item_table_subject(actor=p["icb_sec"], meeting=meeting, subject=subject)
    for seat in committee.members.on():
        conduct.attendance_record(
            actor=p["icb_sec"], meeting=meeting, member=seat, status="present"
        )
    conduct.item_decide(actor=p["icb_sec"], item=item, outcome=outcome, resolution="Resolved.")
    return item
