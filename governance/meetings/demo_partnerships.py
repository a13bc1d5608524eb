"""Demo data: the system's partnership bodies of the fictional Northmere and Calder ICS.

- the Integrated Care Partnership: nine partners with parity (one vote each, two-thirds of
  partners voting to carry a motion), a held meeting where partners voted by name and one
  in session today;
- three place-based partnerships (Northmere, Calder, Westbrook), committees of the ICB
  board with their local authority, providers, primary care and the VCSE alliance as
  members, each hosting its Better Care Fund (``budgets.demo_place`` decides allocations
  at their meetings);
- the provider collaborative: the three trusts' boards meeting in common, with a held
  meeting and one today (``decisions.demo_in_common`` adds the held meeting where one
  trust's board did not approve a shared laboratory system).

Idempotent: does nothing once the ICP exists. Runs after ``demo.seed_meetings``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from governance.demo.core import DEMO_PASSWORD, demo_admin
from governance.meetings.demo import BOARD, _when
from governance.meetings.models import Committee, CommitteeKind, CommitteeRole
from governance.meetings.services import agenda, committees, conduct, minutes
from governance.organisations import services as org_services
from governance.organisations.models import Membership, Organisation, Role

ICP = "Northmere and Calder Integrated Care Partnership"
CIC = "Northmere and Calder Provider Collaborative: Boards in Common"
FROM = datetime.date(2026, 4, 1)

# extra demo people: trust chairs and non-executives, place directors, a councillor
PEOPLE = [
    ("rz1.chair", "Judith", "Ainsworth", "RZ1", "Chair"),
    ("rz1.ned", "Marcus", "Bell", "RZ1", "Non-executive director"),
    ("rz2.chair", "Aisha", "Rahman", "RZ2", "Chair"),
    ("rz2.ned", "Peter", "Lomax", "RZ2", "Non-executive director"),
    ("rz3.chair", "Graham", "Whitlock", "RZ3", "Chair"),
    ("rz3.ned", "Yvonne", "Chadwick", "RZ3", "Non-executive director"),
    ("place.northmere", "Hannah", "Lowe", "QX9", "Place Director, Northmere"),
    ("place.calder", "Imran", "Qureshi", "QX9", "Place Director, Calder"),
    ("place.westbrook", "Eleanor", "Fry", "QX9", "Place Director, Westbrook"),
    ("cllr.northmere", "Cllr Patricia", "Doyle", "E08000901", "Cabinet Member for Health"),
]

ICP_SEATS = [
    # username, partner (organisation code), role, title
    ("board.chair", "QX9", CommitteeRole.CHAIR, "Chair of the ICB; chair of the partnership"),
    ("icb.ceo", "QX9", CommitteeRole.PARTNER_MEMBER, "Chief Executive, ICB"),
    ("cllr.northmere", "E08000901", CommitteeRole.VICE_CHAIR, "Cabinet Member for Health"),
    (
        "northmere.signatory",
        "E08000901",
        CommitteeRole.PARTNER_MEMBER,
        "Director of Adult Social Care",
    ),
    ("calder.signatory", "E06000901", CommitteeRole.PARTNER_MEMBER, "Director of Public Health"),
    ("westbrook.signatory", "E10000901", CommitteeRole.PARTNER_MEMBER, "Director of Finance"),
    ("acute.signatory", "RZ1", CommitteeRole.PARTNER_MEMBER, "Director of Finance"),
    ("mh.signatory", "RZ2", CommitteeRole.PARTNER_MEMBER, "Chief Executive"),
    ("ambulance.signatory", "RZ3", CommitteeRole.PARTNER_MEMBER, "Director of Finance"),
    (
        "pcn1.signatory",
        "U99001",
        CommitteeRole.PARTNER_MEMBER,
        "Primary care (PCN clinical directors)",
    ),
    ("vcse.signatory", "1999001", CommitteeRole.PARTNER_MEMBER, "Chief Officer, VCSE Alliance"),
]

# place, local authority, other members' organisations, seats (username, org, role, title)
PLACES = [
    (
        "Northmere",
        "E08000901",
        ["RZ1", "RZ2", "U99001", "1999001"],
        [
            ("place.northmere", "QX9", CommitteeRole.CHAIR, "Place Director (ICB)"),
            (
                "northmere.signatory",
                "E08000901",
                CommitteeRole.EXECUTIVE,
                "Director of Adult Social Care",
            ),
            (
                "acute.member",
                "RZ1",
                CommitteeRole.PARTNER_MEMBER,
                "Service Manager, Northmere Hospitals",
            ),
            (
                "mh.member",
                "RZ2",
                CommitteeRole.PARTNER_MEMBER,
                "Clinical Director, community services",
            ),
            ("pcn1.signatory", "U99001", CommitteeRole.PARTNER_MEMBER, "PCN Clinical Director"),
            ("vcse.member", "1999001", CommitteeRole.PARTNER_MEMBER, "VCSE Alliance"),
        ],
    ),
    (
        "Calder",
        "E06000901",
        ["RZ2", "U99002", "1999001"],
        [
            ("place.calder", "QX9", CommitteeRole.CHAIR, "Place Director (ICB)"),
            ("calder.signatory", "E06000901", CommitteeRole.EXECUTIVE, "Director of Public Health"),
            (
                "mh.member",
                "RZ2",
                CommitteeRole.PARTNER_MEMBER,
                "Clinical Director, community services",
            ),
            ("pcn2.signatory", "U99002", CommitteeRole.PARTNER_MEMBER, "PCN Clinical Director"),
            ("vcse.signatory", "1999001", CommitteeRole.PARTNER_MEMBER, "VCSE Alliance"),
        ],
    ),
    (
        "Westbrook",
        "E10000901",
        ["RZ1", "RZ3", "1999001"],
        [
            ("place.westbrook", "QX9", CommitteeRole.CHAIR, "Place Director (ICB)"),
            ("westbrook.signatory", "E10000901", CommitteeRole.EXECUTIVE, "Director of Finance"),
            (
                "acute.member",
                "RZ1",
                CommitteeRole.PARTNER_MEMBER,
                "Service Manager, Northmere Hospitals",
            ),
            (
                "ambulance.signatory",
                "RZ3",
                CommitteeRole.PARTNER_MEMBER,
                "Director of Finance, ambulance service",
            ),
        ],
    ),
]

TRUST_BOARDS = [
    (
        "RZ1",
        "Northmere Hospitals NHS Foundation Trust Board",
        [
            ("rz1.chair", CommitteeRole.CHAIR, "Chair"),
            ("acute.signatory", CommitteeRole.EXECUTIVE, "Director of Finance"),
            ("rz1.ned", CommitteeRole.NON_EXECUTIVE, "Non-executive director"),
        ],
    ),
    (
        "RZ2",
        "Calder Community and Mental Health NHS Trust Board",
        [
            ("rz2.chair", CommitteeRole.CHAIR, "Chair"),
            ("mh.signatory", CommitteeRole.EXECUTIVE, "Chief Executive"),
            ("rz2.ned", CommitteeRole.NON_EXECUTIVE, "Non-executive director"),
        ],
    ),
    (
        "RZ3",
        "North Pennine Ambulance Service NHS Trust Board",
        [
            ("rz3.chair", CommitteeRole.CHAIR, "Chair"),
            ("ambulance.signatory", CommitteeRole.EXECUTIVE, "Director of Finance"),
            ("rz3.ned", CommitteeRole.NON_EXECUTIVE, "Non-executive director"),
        ],
    ),
]


def _people(admin, orgs) -> dict:
    User = get_user_model()
    for username, first, last, code, title in PEOPLE:
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
                role=Role.MEMBER,
                job_title=title,
                start_date=FROM,
                reason="Demo data",
            )
    return {u.username: u for u in User.objects.all()}


def _seat(sec, committee, user, org, role, title):
    return committees.member_add(
        actor=sec,
        committee=committee,
        user=user,
        organisation=org,
        role=role,
        title=title,
        valid_from=FROM,
    )


def _present(sec, meeting, members):
    for m in members:
        conduct.attendance_record(actor=sec, meeting=meeting, member=m, status="present")


def _votes(members, against=(), abstain=()) -> dict[int, str]:
    return {
        m.pk: "against"
        if m.user.username in against
        else "abstain"
        if m.user.username in abstain
        else "for"
        for m in members
    }


def seed_partnerships(*, stdout=None) -> None:
    if Committee.objects.filter(name=ICP).exists():
        return
    board = Committee.objects.filter(name=BOARD).first()
    orgs = {o.identifier: o for o in Organisation.objects.all() if o.identifier}
    needed = {"QX9", "RZ1", "RZ2", "RZ3", "E08000901", "E06000901", "E10000901", "U99001"}
    if board is None or not needed <= set(orgs):
        return
    users = _people(demo_admin(), orgs)
    sec = users["icb.secretariat"]
    _icp(sec, users, orgs)
    places = [_place(sec, users, orgs, board, *spec) for spec in PLACES]
    _provider_collaborative(sec, users, orgs)
    if stdout:
        stdout.write(
            f"Partnerships: {ICP}; place partnerships for "
            f"{', '.join(p.place for p in places)}; {CIC}."
        )


# --- the ICP ----------------------------------------------------------------------------


def _icp(sec, users, orgs):
    partners = sorted({code for _, code, _, _ in ICP_SEATS})
    icp = committees.committee_create(
        actor=sec,
        name=ICP,
        kind=CommitteeKind.ICP_ASSEMBLY,
        organisation=orgs["QX9"],
        organisations=[orgs[c] for c in partners],
        terms_of_reference="\n\n".join(
            [
                "The Integrated Care Partnership is a joint committee of NHS Northmere and "
                "Calder ICB and the local authorities of Northmere, Calder and Westbrook, "
                "with the NHS trusts, primary care and the voluntary sector as partners: a "
                "broad coalition whose partners enjoy parity.",
                "1. Each partner organisation has one vote, whoever represents it.",
                "2. Quorum: half of the partners, each present through at least one of its "
                "named representatives.",
                "3. Decisions by consensus; failing that, by two-thirds of the partners voting.",
                "4. The partnership sets the integrated care strategy the ICB and local "
                "authorities must have regard to.",
            ]
        ),
        quorum_fraction=Decimal("0.5"),
        majority_fraction=Decimal("0.667"),
        chair_has_casting_vote=False,
        papers_due_days=7,
        publication_clear_days=5,
    )
    seats = [
        _seat(sec, icp, users[u], orgs[code], role, title) for u, code, role, title in ICP_SEATS
    ]
    held = agenda.meeting_create(
        actor=sec,
        committee=icp,
        start=_when(-10, 14),
        location="Northmere Civic Centre, Council Chamber",
        title="Integrated Care Partnership assembly",
    )
    strategy = agenda.item_add(
        actor=sec,
        meeting=held,
        title="Integrated care strategy refresh 2026-2030",
        purpose="approval",
        presenter="Margaret Holt, Chair",
        duration_minutes=40,
    )
    outcomes = agenda.item_add(
        actor=sec,
        meeting=held,
        title="Shared outcomes framework: the 'Start Well' indicators",
        purpose="decision",
        presenter="Ben Ward, Director of Public Health",
        duration_minutes=20,
    )
    _present(sec, held, seats)
    conduct.item_record_discussion(
        actor=sec,
        item=strategy,
        discussion="Partners discussed the four priorities. Westbrook County Council asked "
        "for the rural transport action to be costed before it signs up to it.",
    )
    # both Northmere representatives vote for: one partner, one vote
    conduct.item_decide(
        actor=sec,
        item=strategy,
        votes=_votes(seats, against=("westbrook.signatory",)),
        resolution="The refreshed integrated care strategy is agreed by the partnership.",
    )
    conduct.item_decide(
        actor=sec,
        item=outcomes,
        outcome="approved",
        resolution="Agreed by consensus: partners adopt the 'Start Well' indicators.",
    )
    agenda.meeting_close(actor=sec, meeting=held)
    minutes.minutes_draft(actor=sec, meeting=held)
    today = agenda.meeting_create(
        actor=sec,
        committee=icp,
        start=_when(0, 9),
        location="Calder Valley Town Hall",
        title="Integrated Care Partnership assembly",
    )
    agenda.item_add(
        actor=sec,
        meeting=today,
        title="Joint forward plan 2027/28: partners' shared priorities",
        purpose="decision",
        presenter="Amara Nwosu, Chief Executive",
        duration_minutes=30,
    )
    return icp


# --- places -----------------------------------------------------------------------------


def _place(sec, users, orgs, board, place, la, others, seats_spec):
    c = committees.committee_create(
        actor=sec,
        name=f"{place} Place Partnership Board",
        kind=CommitteeKind.PLACE_PARTNERSHIP,
        organisation=orgs["QX9"],
        parent=board,
        place=place,
        organisations=[orgs[la], *[orgs[o] for o in others]],
        terms_of_reference=(
            f"A committee of the ICB board for {place}, with {orgs[la].name}, its "
            "providers, primary care and the voluntary sector. It takes the decisions the "
            "Scheme of Reservation and Delegation delegates to it within its limits, "
            "including the Better Care Fund pooled at place; above them, the decision goes "
            "to the ICB board."
        ),
        quorum_min_members=3,
        quorum_required_roles={"chair|vice_chair": 1},
        papers_due_days=7,
        publication_clear_days=5,
    )
    for u, code, role, title in seats_spec:
        _seat(sec, c, users[u], orgs[code], role, title)
    today = agenda.meeting_create(
        actor=sec,
        committee=c,
        start=_when(0 if place == "Northmere" else 14, 11),
        location=f"{place} Town Hall",
        title=f"{place} Place Partnership Board",
    )
    agenda.item_add(
        actor=sec,
        meeting=today,
        title=f"{place} place plan: progress against the joint health and wellbeing strategy",
        purpose="assurance",
        presenter="Place Director",
        duration_minutes=20,
    )
    return c


# --- the provider collaborative -------------------------------------------------------------


def _provider_collaborative(sec, users, orgs):
    boards = []
    for code, name, seats_spec in TRUST_BOARDS:
        body = committees.committee_create(
            actor=sec,
            name=name,
            kind=CommitteeKind.BOARD,
            organisation=orgs[code],
            terms_of_reference=f"The board of directors of {orgs[code].name}.",
            quorum_min_members=2,
            quorum_required_roles={"executive": 1},
        )
        body.seats = [
            _seat(sec, body, users[u], orgs[code], role, title) for u, role, title in seats_spec
        ]
        boards.append(body)
    cic = committees.committee_create(
        actor=sec,
        name=CIC,
        kind=CommitteeKind.COMMITTEES_IN_COMMON,
        organisation=orgs["RZ1"],
        organisations=[orgs[code] for code, _, _ in TRUST_BOARDS],
        bodies=boards,
        terms_of_reference="The boards of the three trusts of the provider collaborative "
        "meet in common. Each board keeps its own members, quorum and decisions; the "
        "minutes record each board's decision on each item.",
        quorum_min_members=2,
        papers_due_days=7,
        publication_clear_days=5,
    )
    held = agenda.meeting_create(
        actor=sec,
        committee=cic,
        start=_when(-5, 10),
        location="Northmere General Hospital, Education Centre",
        title="Provider collaborative boards in common",
    )
    bank = agenda.item_add(
        actor=sec,
        meeting=held,
        title="Collaborative staff bank for registered nurses",
        purpose="decision",
        presenter="Kofi Mensah, Chief Executive",
        duration_minutes=20,
    )
    everyone = [s for b in boards for s in b.seats]
    _present(sec, held, everyone)
    conduct.item_decide(
        actor=sec,
        item=bank,
        body_outcomes={b.pk: "approved" for b in boards},
        resolution="Agreed by each board: set up a collaborative bank from April.",
    )
    agenda.meeting_close(actor=sec, meeting=held)
    minutes.minutes_draft(actor=sec, meeting=held)
    today = agenda.meeting_create(
        actor=sec,
        committee=cic,
        start=_when(0, 8),
        location="Northmere General Hospital, Education Centre",
        title="Provider collaborative boards in common",
    )
    agenda.item_add(
        actor=sec,
        meeting=today,
        title="Elective recovery: one waiting list for orthopaedics",
        purpose="decision",
        presenter="Judith Ainsworth, Chair",
        duration_minutes=30,
    )
    private = agenda.meeting_create(
        actor=sec,
        committee=cic,
        start=_when(21, 14),
        location="Northmere General Hospital, Boardroom",
        session="private",
        title="Provider collaborative boards in common (private session)",
    )
    agenda.item_add(
        actor=sec,
        meeting=private,
        title="Pathology network: negotiation with the preferred bidder",
        purpose="decision",
        presenter="Helen Marsh, Director of Finance",
        part=2,
        exemption_reason="commercial interests: a procurement in progress (FOI Act s43)",
        duration_minutes=30,
    )
    return cic
