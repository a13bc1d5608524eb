"""Demo (idempotent): the Better Care Fund hosted at each place. Runs after the place
partnerships (``governance.meetings.demo_partnerships``) and the SoRD
(``decisions.demo``), which delegates each place's "community services and BCF"
decisions up to £1m to its place partnership board.

- Northmere's existing pool (``budgets.demo``) is hosted at the Northmere place; Calder and
  Westbrook get their own pools (the ICB and the council contributing).
- Northmere's place board approved a discharge-to-assess allocation at a held meeting,
  with named votes (the money is committed, and the decision is in the register).
- At each place an allocation signed off by the partners is tabled at the board's next
  meeting, awaiting its decision.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.text import slugify

from budgets import services
from budgets.demo import AGREEMENT, _org, _sign, _users
from budgets.models import Allocation, PooledFund
from governance.meetings.demo_decide import decided_at_held_meeting
from governance.meetings.models import Committee, CommitteeKind, Meeting, MeetingStatus
from governance.meetings.services import agenda
from governance.organisations.models import OrganisationKind

# place: (local authority, ICB contribution, council contribution, the allocation tabled next)
PLACE_POOLS = {
    "Calder": ("E06000901", "9400000.00", "5100000.00", ("RZ2", "S2", "310000.00")),
    "Westbrook": ("E10000901", "7800000.00", "4300000.00", ("RZ1", "S1", "265000.00")),
}
LINES = [
    ("S1", "Home first: discharge to assess", 0.45),
    ("S2", "Reablement and intermediate care", 0.35),
    ("S3", "Disabled Facilities Grant adaptations", 0.20),
]


def seed_place_funds(*, stdout=None) -> None:
    places = {
        c.place: c
        for c in Committee.objects.filter(kind=CommitteeKind.PLACE_PARTNERSHIP, is_active=True)
    }
    northmere = PooledFund.objects.filter(agreement_reference=AGREEMENT).first()
    if northmere is None or "Northmere" not in places:
        return
    if PooledFund.objects.filter(host_committee__isnull=False).exists():
        return
    u = _users()
    sec = u["icb.secretariat"]
    funds = {"Northmere": (northmere, u["icb.member"], ["QX9", "E08000901", "RZ2"])}
    for place, (la, icb_amount, la_amount, _next) in PLACE_POOLS.items():
        if place in places:
            funds[place] = _pool(sec, u, place, la, icb_amount, la_amount)
    for place, (fund, _manager, _contributors) in funds.items():
        services.fund_host_at_place(
            actor=sec,
            fund=fund,
            committee=places[place],
            decision_type_code=f"place-{slugify(place)}",
            reason=f"The ICB board delegated the {place} Better Care Fund to the {place} "
            "Place Partnership Board under the SoRD (up to £1m; above it, the board).",
        )
    fund, manager, contributors = funds["Northmere"]
    winter = _signed_off(
        fund,
        manager,
        contributors,
        "S1",
        "RZ1",
        "420000.00",
        "Discharge to assess: 14 winter surge beds at Northmere General from November.",
    )
    _decided_at_held_meeting(sec, places["Northmere"], winter)
    _signed_off_and_tabled(
        sec,
        places["Northmere"],
        fund,
        manager,
        contributors,
        ("E08000901", "S2", "180000.00"),
    )
    for place, (_la, _i, _l, nxt) in PLACE_POOLS.items():
        if place in funds:
            fund, manager, contributors = funds[place]
            _signed_off_and_tabled(sec, places[place], fund, manager, contributors, nxt)
    if stdout:
        stdout.write(f"Better Care Funds hosted at place: {', '.join(sorted(funds))}.")


def _pool(sec, u, place, la, icb_amount, la_amount):
    council = _org(la)
    manager = u[f"{place.lower()}.signatory"]
    fund = services.fund_create(
        actor=sec,
        name=f"{place} Better Care Fund",
        agreement_reference=f"S75-{place[:3].upper()}-BCF-2026",
        host_organisation=council,
        pool_manager=manager,
        financial_year=2026,
        description=f"The {place} Better Care Fund: discharge, reablement and adaptations.",
    )
    total = Decimal(icb_amount) + Decimal(la_amount)
    for code, name, share in LINES:
        budget = (total * Decimal(str(share))).quantize(Decimal("1"))
        services.scheme_line_add(actor=sec, fund=fund, code=code, name=name, budget=budget)
    for identifier, amount in (("QX9", icb_amount), (la, la_amount)):
        services.contribution_set(
            actor=sec,
            fund=fund,
            organisation=_org(identifier),
            amount=amount,
            reason="Agreed in the Section 75 agreement.",
        )
    services.fund_activate(actor=sec, fund=fund)
    return fund, manager, [la, "QX9"]  # the first: the manager's own, requesting


def _signed_off(fund, manager, contributors, line, recipient, amount, purpose):
    a = services.allocation_create(
        actor=manager,
        fund=fund,
        scheme_line=fund.lines.get(code=line),
        recipient=_org(recipient),
        amount=amount,
        purpose=purpose,
        requesting_organisation=_org(contributors[0]),
    )
    services.allocation_review(actor=manager, allocation=a, accept=True)
    for identifier in contributors:
        _sign(a.pk, identifier)
    return Allocation.objects.get(pk=a.pk)


def _decided_at_held_meeting(sec, place, allocation) -> None:
    decided_at_held_meeting(
        sec,
        place,
        allocation,
        days_ago=3,
        hour=13,
        location="Northmere Civic Centre, Committee Room 2",
        title="Northmere Place Partnership Board",
        discussion="The allocation funds 14 discharge-to-assess beds from November. It is "
        "within the place's delegated limit for the Better Care Fund.",
        votes=lambda members: {
            m.pk: "abstain" if m.user.username == "mh.member" else "for" for m in members
        },
        resolution="£420,000 from the Northmere Better Care Fund is allocated to discharge to "
        "assess for the winter of 2026/27.",
    )


def _signed_off_and_tabled(sec, place, fund, manager, contributors, spec) -> None:
    recipient, line, amount = spec
    kind = _org(recipient).kind
    what = "reablement" if kind == OrganisationKind.LOCAL_AUTHORITY else "discharge support"
    a = _signed_off(
        fund,
        manager,
        contributors,
        line,
        recipient,
        amount,
        f"{place.place}: {what} service expansion for 2026/27.",
    )
    meeting = (
        Meeting.objects.filter(
            committee=place, status__in=[MeetingStatus.DRAFT, MeetingStatus.ISSUED]
        )
        .order_by("-start")  # the board's next meeting, not a past one left in draft
        .first()
    )
    if meeting is not None:
        agenda.item_table_subject(actor=sec, meeting=meeting, subject=a)
