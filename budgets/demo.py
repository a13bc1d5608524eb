"""Demo pooled fund (idempotent): a Better Care Fund style Section 75 pool between the
ICB (QX9), Northmere Metropolitan Borough Council (E08000901, the host) and Calder
Community and Mental Health NHS Trust (RZ2), with scheme lines, contributions, fixed
risk shares, forecasts, a contribution change awaiting sign-off, and allocations in
every state: committed (with spend and a release), in sign-off (one awaiting only the
mental health trust, whose signatory's deputy acts), returned, submitted, and not
signed off. Everything goes through the services and the flows, so the audit
trail and the ledger are exactly what real use would leave."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from budgets import services
from budgets.models import Allocation, PooledFund, RiskShareBasis
from governance.interests.selectors import conflicts
from governance.organisations.models import Organisation
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.notifications import signatories_of
from governance.signoffs.services import parties_of, signoff_decide

AGREEMENT = "S75-NMC-BCF-2026"
LINES = [
    ("S1", "Home first: discharge to assess", "6500000.00"),
    ("S2", "Reablement and intermediate care", "5200000.00"),
    ("S3", "Disabled Facilities Grant adaptations", "3100000.00"),
    ("S4", "Community equipment service", "2400000.00"),
    ("S5", "Carers' support and short breaks", "1350000.00"),
    ("S6", "Mental health crisis alternatives", "1750000.00"),
    ("S7", "Care home in-reach and falls response", "2700000.00"),
]
CONTRIBUTIONS = [
    ("QX9", "14250000.00", "62.00"),
    ("E08000901", "7800000.00", "34.00"),
    ("RZ2", "950000.00", "4.00"),
]


def _users():
    return {u.username: u for u in get_user_model().objects.all()}


def _org(identifier) -> Organisation:
    return Organisation.objects.get(identifier=identifier)


def _sign(subject_pk: int, identifier: str, outcome: str = "approve", comment: str = ""):
    """Sign off for the organisation with a signatory free of conflicts of interest."""
    signoff = SignOff.objects.get(
        subject_id=subject_pk,
        organisation__identifier=identifier,
        status=SignOffStatus.PENDING,
        subject_type__app_label="budgets",
    )
    parties = parties_of(signoff)
    for person in signatories_of(signoff.organisation).order_by("username"):
        # the sign-off machinery's own test: an interest naming the organisation the
        # person signs for is whose side they are on, not a conflict
        if not list(conflicts(person, parties, acting_for_organisation=signoff.organisation)):
            return signoff_decide(actor=person, signoff=signoff, outcome=outcome, comment=comment)
    raise RuntimeError(f"No signatory of {identifier} is free of conflicts")


def seed_budgets(*, stdout=None) -> None:
    if PooledFund.objects.filter(agreement_reference=AGREEMENT).exists():
        return
    u = _users()
    sec, manager = u["icb.secretariat"], u["icb.member"]
    council = _org("E08000901")
    fund = services.fund_create(
        actor=sec,
        name="Northmere Better Care Fund",
        agreement_reference=AGREEMENT,
        host_organisation=council,
        pool_manager=manager,
        financial_year=2026,
        risk_share_basis=RiskShareBasis.FIXED,
        description="Joined-up health and social care for Northmere: getting people home "
        "from hospital sooner, reablement, adaptations and equipment, support for carers, "
        "and alternatives to A&E in a mental health crisis.",
    )
    lines = {}
    for code, name, budget in LINES:
        lines[code] = services.scheme_line_add(
            actor=sec, fund=fund, code=code, name=name, budget=budget
        )
    for identifier, amount, _share in CONTRIBUTIONS:
        services.contribution_set(
            actor=sec,
            fund=fund,
            organisation=_org(identifier),
            amount=amount,
            reason="Agreed in the Section 75 agreement.",
        )
    services.fund_set_risk_share(
        actor=sec,
        fund=fund,
        basis=RiskShareBasis.FIXED,
        shares={_org(i).pk: share for i, _a, share in CONTRIBUTIONS},
        reason="Schedule 3 of the agreement: fixed shares of any over- or underspend.",
    )
    services.fund_activate(actor=sec, fund=fund)

    def raise_(who, line, recipient, amount, purpose, **kw):
        return services.allocation_create(
            actor=u[who],
            fund=fund,
            scheme_line=lines[line],
            recipient=_org(recipient),
            amount=amount,
            purpose=purpose,
            **kw,
        )

    def accept(a):
        services.allocation_review(actor=manager, allocation=a, accept=True)

    def commit(a):
        accept(a)
        for identifier, _amount, _share in CONTRIBUTIONS:
            _sign(a.pk, identifier)
        return Allocation.objects.get(pk=a.pk)

    d2a = commit(
        raise_(
            "icb.member",
            "S1",
            "RZ1",
            "2400000.00",
            "Discharge to assess: 24 step-down beds and the home-first pathway for the whole year.",
            requesting_organisation=_org("QX9"),
        )
    )
    services.allocation_spend(
        actor=manager,
        allocation=d2a,
        amount="600000.00",
        reference="RZ1-INV-2026-0412",
        memo="Quarter 1",
    )
    services.allocation_spend(
        actor=manager,
        allocation=d2a,
        amount="550000.00",
        reference="RZ1-INV-2026-0733",
        memo="Quarter 2",
    )
    reablement = commit(
        raise_(
            "northmere.secretariat",
            "S2",
            "E08000901",
            "1850000.00",
            "In-house reablement service, 2026/27.",
        )
    )
    services.allocation_spend(
        actor=manager,
        allocation=reablement,
        amount="900000.00",
        reference="NMBC-JNL-2026-118",
        memo="Quarters 1 and 2",
    )
    services.allocation_release(
        actor=manager,
        allocation=reablement,
        amount="120000.00",
        reason="Vacancies in quarters 1 and 2 will not be back-filled.",
    )
    carers = commit(
        raise_(
            "northmere.secretariat",
            "S5",
            "1999001",
            "420000.00",
            "Carers' breaks and respite grants through the VCSE Alliance.",
        )
    )
    services.allocation_spend(
        actor=manager,
        allocation=carers,
        amount="105000.00",
        reference="VCSE-2026-041",
        memo="First quarterly grant",
    )

    equipment = raise_(
        "mh.member",
        "S4",
        "RZ2",
        "680000.00",
        "Community equipment store: extended hours and same-day delivery for hospital discharges.",
    )
    accept(equipment)
    _sign(equipment.pk, "QX9")

    crisis = raise_(
        "mh.member",
        "S6",
        "1999001",
        "240000.00",
        "Crisis café: a second site in Calder, open evenings and weekends.",
    )
    services.allocation_review(
        actor=manager,
        allocation=crisis,
        accept=False,
        reason="Please give the expected activity and outcome measures, how the second site "
        "is staffed, and confirm the lease costs.",
    )
    raise_(
        "northmere.secretariat",
        "S3",
        "E08000901",
        "900000.00",
        "Disabled Facilities Grant adaptations: quarters 3 and 4 programme.",
    )
    falls = raise_(
        "icb.member",
        "S7",
        "RZ1",
        "350000.00",
        "Overnight falls response car for care homes.",
        requesting_organisation=_org("QX9"),
    )
    accept(falls)
    _sign(falls.pk, "QX9")
    _sign(
        falls.pk,
        "RZ2",
        "reject",
        "Duplicates the ambulance falls pathway commissioned from April; see the urgent "
        "care review.",
    )

    # Awaiting only the mental health trust's sign-off. Its sole signatory later declares
    # an interest in the recipient (governance/deputies/demo.py), which blocks it until
    # his deputy is appointed.
    safe_haven = services.allocation_create(
        actor=manager,
        fund=fund,
        scheme_line=lines["S6"],
        recipient=Organisation.objects.get(name="Calder Valley Community Alliance"),
        amount="185000.00",
        purpose="Safe haven: an evening and weekend peer-support crisis service in Calder "
        "Valley, an alternative to A&E for people in mental health crisis.",
        requesting_organisation=_org("QX9"),
    )
    accept(safe_haven)
    _sign(safe_haven.pk, "QX9")
    _sign(safe_haven.pk, "E08000901")

    forecasts = [
        ("S1", "6750000.00", "Winter pressures: more discharge to assess beds from December."),
        ("S2", "5050000.00", "Reablement vacancies in quarters 1 and 2."),
        ("S4", "2520000.00", "Equipment demand from same-day discharges."),
        ("S5", "1350000.00", ""),
    ]
    for code, amount, note in forecasts:
        services.scheme_line_set_forecast(
            actor=manager, line=lines[code], forecast_outturn=amount, note=note
        )
    services.contribution_change_request(
        actor=u["mh.signatory"],
        contribution=fund.contributions.get(organisation=_org("RZ2")),
        new_amount="1100000.00",
        reason="Mental health investment standard uplift confirmed in October.",
    )
    if stdout is not None:
        stdout.write(f"Demo pooled fund: {fund.reference} {fund.name}")
