"""Demo system envelope for 2026/27 of the fictional Northmere and Calder ICS (idempotent).

Six partners: the ICB and five NHS trusts (two trusts are added here with their finance
leads: the core demo has three). The envelope is agreed by all six; months M1–M7 are
open and returned, Westbrook General forecasting an overspend from M5 (over 1% of its
planned expenditure), which raised a shared risk (accepted onto the ICB's register)
and an item for the Finance and Performance Committee; the ICB's prescribing
underspend keeps the system as a whole within plan. The ambulance trust's M7 return is
still due (and late, so chased): sign in as ``ambulance.signatory`` to submit it. A
capital programme within the envelope is approved and applied to the partners' lines.

Runs after the meetings seeder, so the demo meetings are as they were; the committee
has received the M1–M5 reports; the alert and the M6 report wait to be tabled for it.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model

from budgets import envelope_policy
from budgets.models import MonthlyReturn, MonthlyReturnStatus, SystemEnvelope
from budgets.services import capital as capital_services
from budgets.services import envelope as env_services
from budgets.services import envelope_alerts, envelope_returns
from governance.demo.core import DEMO_PASSWORD, demo_admin
from governance.meetings.demo_decide import decided_at_held_meeting
from governance.organisations import services as org_services
from governance.organisations.models import Membership, Organisation, OrganisationKind, Role
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.services import signoff_decide

YEAR = 2026
FOUNDATION_TRUST = OrganisationKind.NHS_FOUNDATION_TRUST
NEW_TRUSTS = [
    ("Westbrook General Hospital NHS Foundation Trust", "RZ4", FOUNDATION_TRUST),
    ("Calder Valley Hospitals NHS Trust", "RZ5", OrganisationKind.NHS_TRUST),
]
NEW_PEOPLE = [
    ("westbrook.finance", "Nadia", "Karim", "RZ4", "Chief Finance Officer"),
    ("caldervalley.finance", "Owen", "Pryce", "RZ5", "Director of Finance"),
]
# code: finance lead, planned income, planned expenditure, capital
LINES = {
    "QX9": ("icb.signatory", "3200000000.00", "3200000000.00", "6000000.00"),
    "RZ1": ("acute.signatory", "720000000.00", "728400000.00", "32000000.00"),
    "RZ2": ("mh.signatory", "265000000.00", "263700000.00", "9500000.00"),
    "RZ3": ("ambulance.signatory", "310000000.00", "310000000.00", "14000000.00"),
    "RZ4": ("westbrook.finance", "455000000.00", "458600000.00", "18000000.00"),
    "RZ5": ("caldervalley.finance", "390000000.00", "391500000.00", "12500000.00"),
}
# forecast expenditure over (+) or under (−) plan, by month from which it applies
FORECAST_DRIFT = {
    "QX9": {3: "-4000000.00", 5: "-9000000.00"},  # prescribing and CHC underspends
    "RZ1": {3: "1200000.00", 6: "900000.00"},
    "RZ4": {3: "2500000.00", 5: "6500000.00", 7: "7200000.00"},  # agency and escalation beds
    "RZ5": {5: "-400000.00"},
}
LATE = {("RZ5", 6)}  # submitted three days after the due date
LEFT_DUE = {("RZ3", 7)}  # for the demo: submit it as ambulance.signatory
SCHEMES = [
    ("RZ1", "Theatre ventilation and fire compartmentation", "backlog", 20,
     {2026: "14500000.00", 2027: "6000000.00"}),
    ("RZ1", "Electronic patient record convergence", "digital", 12, {2026: "9000000.00"}),
    ("RZ4", "Emergency department expansion", "capacity", 16,
     {2026: "16000000.00", 2027: "22000000.00"}),
    ("RZ3", "Replacement double-crewed ambulances (24)", "safety", 15, {2026: "7200000.00"}),
    ("RZ2", "Ward reconfiguration for single-sex accommodation", "safety", 12,
     {2026: "6800000.00"}),
    ("RZ5", "CT scanner replacement, Calder Infirmary", "safety", 16, {2026: "4900000.00"}),
    ("RZ5", "Roof replacement, Calder Infirmary main block", "backlog", 15,
     {2026: "11000000.00"}),
    ("QX9", "GP practice estates improvement grants", "capacity", 9, {2026: "5000000.00"}),
]  # fmt: skip
NOT_FUNDED = {"GP practice estates improvement grants"}
PENNY = Decimal("0.01")


def _people(admin, orgs):
    User = get_user_model()
    for username, first, last, code, title in NEW_PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if not Membership.objects.filter(user=user, organisation=orgs[code]).exists():
            org_services.membership_create(
                actor=admin,
                user=user,
                organisation=orgs[code],
                role=Role.SIGNATORY,
                job_title=title,
                start_date=datetime.date(2026, 4, 1),
                reason="Demo data",
            )


def _sign_all(subject, users, orgs):
    lead_of = {orgs[code].pk: users[lead] for code, (lead, *_rest) in LINES.items()}
    for s in SignOff.objects.filter(
        subject_type__model=subject._meta.model_name,
        subject_id=subject.pk,
        status=SignOffStatus.PENDING,
    ):
        signoff_decide(actor=lead_of[s.organisation_id], signoff=s, outcome="approve")


def _amount(value) -> str:
    return str(Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP))


def _drift(code: str, month: int) -> Decimal:
    drift = Decimal(0)
    for start, value in sorted(FORECAST_DRIFT.get(code, {}).items()):
        if month >= start:
            drift = Decimal(value)
    return drift


def _returns(envelope, users, orgs):
    for month in range(1, 8):
        for code, (lead, income, spend, _capital) in LINES.items():
            if (code, month) in LEFT_DUE:
                continue
            ret = MonthlyReturn.objects.select_related("month").get(
                month__envelope=envelope, month__month=month, line__organisation=orgs[code]
            )
            if ret.status != MonthlyReturnStatus.DUE:
                continue
            income, spend = Decimal(income), Decimal(spend)
            drift = _drift(code, month)
            # year to date: the phased plan, with the drift building up month by month
            ytd_in = income * month / 12
            ytd_out = spend * month / 12 + drift * month / 12
            day = ret.month.due_date + datetime.timedelta(days=3 if (code, month) in LATE else -1)
            envelope_returns.return_submit(
                actor=users[lead],
                envelope_return=ret,
                ytd_income=_amount(ytd_in),
                ytd_expenditure=_amount(ytd_out),
                forecast_income=_amount(income),
                forecast_expenditure=_amount(spend + drift),
                commentary=(
                    "Agency and escalation-bed costs above plan; recovery plan to the Finance "
                    "and Performance Committee."
                    if code == "RZ4" and drift > 0
                    else ""
                ),
                today=day,
            )


def _capital(envelope, users, orgs):
    cfo = users["icb.signatory"]
    schemes = []
    for code, title, category, risk, costs in SCHEMES:
        scheme = envelope.capital_schemes.filter(title=title).first()
        if scheme is None:
            scheme = capital_services.scheme_bid(
                actor=users[LINES[code][0]],
                envelope=envelope,
                organisation=orgs[code],
                title=title,
                category=category,
                costs=costs,
                risk_score_addressed=risk,
            )
        schemes.append(scheme)
    ct = next(s for s in schemes if s.title.startswith("CT scanner"))
    if not ct.score_reason:
        capital_services.scheme_score_set(
            actor=cfo,
            scheme=ct,
            score=str(ct.score + 5),
            reason="Scanner past end of life with an open manufacturer's field safety notice "
            "(Finance and Performance Committee, minute FPC/26/58).",
        )
    if envelope.capital_programmes.exists():
        return
    programme = capital_services.programme_propose(
        actor=cfo,
        envelope=envelope,
        schemes=[s for s in schemes if s.title not in NOT_FUNDED],
        note="Ranked by the stated criteria; the CT scanner's score raised by the committee "
        "for its field safety notice. Two bids are not funded this year.",
    )
    programme = _committee_decides(users["icb.secretariat"], envelope, programme)
    if programme.variation_id:
        _sign_all(programme.variation, users, orgs)


def _committee_decides(sec, envelope, programme):
    """The finance committee approved the programme at a quorate meeting last month."""
    committee = envelope_policy.finance_committee_of(envelope)
    if committee is None:
        return programme
    decided_at_held_meeting(
        sec,
        committee,
        programme,
        days_ago=30,
        location="Boardroom, Northmere House",
        title=f"{committee.name}: capital programme {envelope.year_label}",
        discussion="The committee reviewed the ranking, the headroom kept by the ICB as "
        "unallocated system capital, and the two bids not funded this year.",
        outcome="approved",
        resolution=f"The committee approved capital programme {programme.reference} within "
        "the system capital envelope; the partners' capital lines change by variation.",
    )
    programme.refresh_from_db()
    return programme


def _accept_alert_risks(envelope, users):
    for alert in envelope.alerts.select_related("risk"):
        if alert.risk is None:
            continue
        for s in SignOff.objects.filter(
            subject_type__model="risk", subject_id=alert.risk_id, status=SignOffStatus.PENDING
        ):
            signoff_decide(
                actor=users["icb.signatory"],
                signoff=s,
                outcome="approve",
                comment="Accepted onto the ICB's register: system financial risk.",
            )


def seed_envelope(*, stdout=None) -> None:
    admin = demo_admin()
    icb = Organisation.objects.filter(identifier="QX9").first()
    if icb is None:
        return
    orgs = {o.identifier: o for o in Organisation.objects.all()}
    for name, code, kind in NEW_TRUSTS:
        if code not in orgs:
            orgs[code] = org_services.organisation_create(
                actor=admin, name=name, identifier=code, kind=kind, reason="Demo data"
            )
    _people(admin, orgs)
    users = {u.username: u for u in get_user_model().objects.all()}
    envelope = SystemEnvelope.objects.filter(icb=icb, financial_year=YEAR).first()
    if envelope is None:
        sums = [sum(Decimal(v[i]) for v in LINES.values()) for i in (1, 2, 3)]
        envelope = env_services.envelope_create(
            actor=users["icb.signatory"],
            icb=icb,
            financial_year=YEAR,
            name="Northmere and Calder system financial plan",
            income_total=sums[0],
            expenditure_total=sums[1],
            capital_total=sums[2],
        )
        for code, (_lead, income, spend, capital) in LINES.items():
            env_services.envelope_line_set(
                actor=users["icb.signatory"],
                envelope=envelope,
                organisation=orgs[code],
                planned_income=income,
                planned_expenditure=spend,
                capital_allocation=capital,
            )
        env_services.envelope_submit(actor=users["icb.signatory"], envelope=envelope)
        _sign_all(envelope, users, orgs)
        envelope.refresh_from_db()
    if envelope.status != "agreed":
        return
    envelope_returns.envelope_months_open(today=datetime.date(YEAR, 11, 15))
    _returns(envelope, users, orgs)
    _accept_alert_risks(envelope, users)
    _capital(envelope, users, orgs)
    envelope_returns.envelope_returns_chase(today=datetime.date(YEAR, 11, 15))
    for month in envelope.months.filter(month__lte=5, received_by_committee_at__isnull=True):
        envelope_alerts.month_record_committee(
            actor=users["icb.secretariat"],
            month=month,
            notes="Received by the Finance and Performance Committee.",
        )
    if stdout is not None:
        stdout.write(
            f"System envelope {envelope.reference} {envelope.year_label}: six partners, "
            "M1–M7 returns, one variance alert, capital programme applied."
        )
