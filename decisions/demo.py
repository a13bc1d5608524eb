"""Demo SoRD (version 1, adopted by the board at the ICB's establishment; illustrative
limits), the officer posts and committees it delegates to, and proposals in every state:
one decided by a named officer, one decided at a Finance and Performance Committee
meeting, one awaiting the board at its forthcoming meeting, one in an officer's inbox.

Runs after the meetings demo (which creates the board). Idempotent.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from decisions import services
from decisions.demo_in_common import COLLABORATIVE_CODE, collaborative_decision
from decisions.models import (
    SORD_CHANGE_CODE,
    DecidedBy,
    DecisionType,
    OfficerPost,
    PostHolder,
    Proposal,
    SordVersion,
)
from decisions.services import sord as sord_services
from governance.demo.core import demo_admin
from governance.meetings.demo_decide import decided_at_held_meeting
from governance.meetings.models import Committee, CommitteeKind, Meeting
from governance.meetings.services import agenda, committees
from governance.organisations.models import Organisation
from governance.signoffs.models import SignOffRule
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide

OFFICER, COMMITTEE, BOARD = DecidedBy.OFFICER, DecidedBy.COMMITTEE, DecidedBy.BOARD
K = Decimal("1000")
M = 1000 * K
BOARD_NAME = "NHS Northmere and Calder ICB Board"
FPC = "Finance and Performance Committee"
QSC = "Quality and Safety Committee"
IN_POST_FROM = datetime.date(2026, 4, 1)

# post title -> username of its holder (ICB posts)
POSTS = {
    "Chief Executive": "icb.ceo",
    "Chief Finance Officer": "icb.signatory",
    "Head of Commissioning": "icb.member",
}

# committee name -> (chair, [(username, role, organisation, title)])
COMMITTEES = {
    FPC: [
        ("board.ned1", "chair", "QX9", "Non-executive member (chair)"),
        ("board.ned2", "non_executive", "QX9", "Non-executive member"),
        ("icb.signatory", "executive", "QX9", "Chief Finance Officer"),
        ("icb.ceo", "executive", "QX9", "Chief Executive"),
        ("acute.signatory", "partner_member", "RZ1", "Partner member: NHS trusts"),
    ],
    QSC: [
        ("board.ned2", "chair", "QX9", "Non-executive member (chair)"),
        ("board.ned1", "non_executive", "QX9", "Non-executive member"),
        ("icb.ceo", "executive", "QX9", "Chief Executive"),
        ("mh.member", "partner_member", "RZ2", "Clinical Director"),
    ],
}

# (code, name): [(min, max, decided by, committee name or post title, sign-off rule)]
SORD = {
    ("commissioning", "Commissioning and contract award"): [
        (0, 100 * K, OFFICER, "Head of Commissioning", SignOffRule.HOST_ONLY),
        (100 * K, 250 * K, OFFICER, "Chief Finance Officer", SignOffRule.ALL),
        (250 * K, 500 * K, OFFICER, "Chief Executive", SignOffRule.ALL),
        (500 * K, 1 * M, COMMITTEE, FPC, SignOffRule.ALL),
        (1 * M, None, BOARD, BOARD_NAME, SignOffRule.ALL),
    ],
    ("pooled-fund", "Pooled fund (Section 75) variation"): [
        (0, 250 * K, COMMITTEE, FPC, SignOffRule.MAJORITY),
        (250 * K, None, BOARD, BOARD_NAME, SignOffRule.ALL),
    ],
    ("strategy", "Policy and strategy"): [
        (0, None, BOARD, BOARD_NAME, SignOffRule.MAJORITY),
    ],
    ("service-change", "Service change (clinical)"): [
        (0, None, COMMITTEE, QSC, SignOffRule.ALL),
    ],
    (SORD_CHANGE_CODE, "Scheme of Reservation and Delegation change"): [
        (0, None, BOARD, BOARD_NAME, SignOffRule.NONE),
    ],
}


def _users():
    return {u.username: u for u in get_user_model().objects.all()}


def _org(identifier):
    return Organisation.objects.get(identifier=identifier)


def _when(days: int, hour: int = 14) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed_structure(admin, users) -> dict:
    """Officer posts with their holders, and the committees the SoRD delegates to."""
    icb = _org("QX9")
    sec = users["icb.secretariat"]
    posts = {}
    for title, username in POSTS.items():
        post = OfficerPost.objects.filter(organisation=icb, title=title).first()
        if post is None:
            post = sord_services.officer_post_create(actor=sec, organisation=icb, title=title)
        if not PostHolder.objects.filter(post=post).exists():
            sord_services.post_holder_appoint(
                actor=sec, post=post, user=users[username], valid_from=IN_POST_FROM
            )
        posts[title] = post
    bodies = {BOARD_NAME: Committee.objects.get(name=BOARD_NAME)}
    orgs = {o.identifier: o for o in Organisation.objects.all()}
    for name, seats in COMMITTEES.items():
        c = Committee.objects.filter(name=name).first()
        if c is None:
            c = committees.committee_create(
                actor=sec,
                name=name,
                kind=CommitteeKind.COMMITTEE,
                organisation=icb,
                parent=bodies[BOARD_NAME],
                terms_of_reference=f"The {name} of the Board, acting under the powers the "
                "Scheme of Reservation and Delegation delegates to it. Quorum: three voting "
                "members including one executive and one non-executive member.",
                quorum_min_members=3,
                quorum_required_roles={"executive": 1, "non_executive|chair|vice_chair": 1},
                chair_has_casting_vote=True,
                papers_due_days=7,
                publication_clear_days=5,
            )
            for username, role, org, title in seats:
                committees.member_add(
                    actor=sec,
                    committee=c,
                    user=users[username],
                    organisation=orgs[org],
                    role=role,
                    title=title,
                    valid_from=IN_POST_FROM,
                )
        bodies[name] = c
    return {"posts": posts, "committees": bodies}


def seed_sord(admin, users, structure) -> dict[str, DecisionType]:
    """SoRD v1, as the board adopted it when the ICB was established."""
    sec = users["icb.secretariat"]
    types = {}
    for code, name in SORD:
        types[code] = DecisionType.objects.filter(code=code).first() or (
            sord_services.decision_type_create(actor=sec, code=code, name=name)
        )
    scheme = dict(SORD)
    for place in Committee.objects.filter(kind=CommitteeKind.PLACE_PARTNERSHIP).order_by("pk"):
        key = (f"place-{slugify(place.place)}", f"{place.place} place: community services and BCF")
        scheme[key] = [
            (0, 1 * M, COMMITTEE, place.name, SignOffRule.ALL),
            (1 * M, None, BOARD, BOARD_NAME, SignOffRule.ALL),
        ]
        structure["committees"][place.name] = place
    for group in Committee.objects.filter(kind=CommitteeKind.COMMITTEES_IN_COMMON).order_by("pk"):
        key = (COLLABORATIVE_CODE, "Provider collaborative: shared clinical and corporate services")
        scheme[key] = [(0, None, COMMITTEE, group.name, SignOffRule.ALL)]
        structure["committees"][group.name] = group
    for code, name in scheme:
        types[code] = DecisionType.objects.filter(code=code).first() or (
            sord_services.decision_type_create(actor=sec, code=code, name=name)
        )
    if SordVersion.objects.exists():
        return types
    draft = sord_services.sord_version_draft(
        actor=sec, summary="The scheme adopted by the Board on the ICB's establishment."
    )
    for (code, _name), bands in scheme.items():
        sord_services.sord_draft_bands_replace(
            actor=sec,
            version=draft,
            decision_type=types[code],
            bands=[
                {
                    "min_value": lo,
                    "max_value": hi,
                    "decided_by": by,
                    "committee": structure["committees"].get(decider),
                    "officer_post": structure["posts"].get(decider),
                    "signoff_rule": rule,
                }
                for lo, hi, by, decider, rule in bands
            ],
            reason="Demo SoRD (illustrative limits)",
        )
    sord_services.sord_initial_adopt(
        actor=sec,
        version=draft,
        approved_on=datetime.date(2022, 7, 1),
        board_minute="ICB Board, 1 July 2022, minute 2022/07: Scheme of Reservation and "
        "Delegation adopted on the establishment of the ICB.",
    )
    return types


def _sign_all(proposal, users, names, outcome="approve", comment=""):
    for name in names:
        user = users[name]
        signoff = (
            open_signoffs_for(user)
            .filter(subject_type=ContentType.objects.get_for_model(Proposal))
            .filter(subject_id=proposal.pk)
            .first()
        )
        if signoff is not None:
            signoff_decide(actor=user, signoff=signoff, outcome=outcome, comment=comment)


def seed_decisions(*, stdout=None) -> None:
    if not Committee.objects.filter(name=BOARD_NAME).exists():
        return  # the meetings demo makes the board
    admin = demo_admin()
    users = _users()
    structure = seed_structure(admin, users)
    types = seed_sord(admin, users, structure)
    sec = users["icb.secretariat"]
    if Proposal.objects.filter(title__startswith="Winter discharge").exists():
        return
    acute, council, mh, vcse = _org("RZ1"), _org("E08000901"), _org("RZ2"), _org("1999001")

    def raise_(actor, org, title, value, dtype, affected, **kw):
        p = services.proposal_create(
            actor=actor,
            proposing_organisation=org,
            title=title,
            financial_value=value,
            decision_type=types[dtype],
            affected_organisations=affected,
            summary=kw.pop("summary"),
            **kw,
        )
        return p

    def through_signoff(p, proposer, signers):
        services.proposal_submit(actor=proposer, proposal=p)
        services.proposal_review(actor=sec, proposal=p, accept=True)
        _sign_all(p, users, signers)
        return Proposal.objects.get(pk=p.pk)

    # 1. Decided at a meeting of the Finance and Performance Committee (committee band).
    p = raise_(
        users["acute.member"],
        acute,
        "Winter discharge to assess beds",
        "750000.00",
        "commissioning",
        [acute, council, mh],
        summary="Commission 40 discharge-to-assess beds from December to March to cut "
        "delayed discharges at Northmere General.",
        rationale="Delayed discharges averaged 96 a day last winter.",
        options_considered="1. Do nothing. 2. Spot purchase. 3. Block contract (preferred).",
    )
    p = through_signoff(
        p, users["acute.member"], ["acute.signatory", "northmere.signatory", "mh.signatory"]
    )
    _decide_at_committee(sec, structure["committees"][FPC], p, users)

    # 2. In sign-off: one partner has signed; the VCSE conflict shows on Northmere's task.
    p = raise_(
        users["icb.member"],
        _org("QX9"),
        "Virtual ward expansion in Northmere",
        "420000.00",
        "commissioning",
        [acute, council, vcse],
        summary="Add 30 virtual ward beds for frailty and respiratory care.",
        named_organisations=[vcse],
    )
    services.proposal_submit(actor=users["icb.member"], proposal=p)
    services.proposal_review(actor=sec, proposal=p, accept=True)
    _sign_all(p, users, ["acute.signatory"])

    # 3. Decided by the Head of Commissioning under delegation (host-only sign-off).
    p = raise_(
        users["vcse.member"],
        vcse,
        "Community falls prevention grant",
        "60000.00",
        "commissioning",
        [vcse],
        summary="A one-year grant for strength and balance classes in 12 community venues.",
    )
    p = through_signoff(p, users["vcse.member"], ["icb.signatory"])
    services.proposal_decide_as_officer(
        actor=users["icb.member"],
        proposal=p,
        outcome="approved",
        reason="Within the falls prevention budget; evidence-based programme (FaME).",
    )

    # 4. Confidential, awaiting secretariat review.
    p = raise_(
        users["acute.member"],
        acute,
        "Urgent treatment centre estate lease",
        "1200000.00",
        "commissioning",
        [acute, _org("QX9")],
        summary="Take a 10-year lease on a unit for the new urgent treatment centre.",
        is_confidential=True,
        exemption_reason="Commercial interests: negotiations with the landlord are "
        "ongoing (FOI Act s43).",
    )
    services.proposal_submit(actor=users["acute.member"], proposal=p)

    # 5. Returned for revision.
    p = raise_(
        users["mh.member"],
        mh,
        "Crisis café pilot",
        "180000.00",
        "commissioning",
        [mh, council],
        summary="Open an evening crisis café in Calder.",
    )
    services.proposal_submit(actor=users["mh.member"], proposal=p)
    services.proposal_review(
        actor=sec,
        proposal=p,
        accept=False,
        reason="Please add the evaluation plan and the exit costs.",
    )

    # 6. A draft.
    raise_(
        users["icb.member"],
        _org("QX9"),
        "ICS digital inclusion strategy 2027-2030",
        "0.00",
        "strategy",
        [acute, council, mh, vcse],
        summary="A shared strategy to reduce digital exclusion in access to care.",
    )

    # 7. Signed off, in the Chief Finance Officer's inbox for decision.
    p = raise_(
        users["acute.member"],
        acute,
        "Dermatology advice and guidance service",
        "185000.00",
        "commissioning",
        [acute, _org("QX9")],
        summary="A two-year consultant advice and guidance service for GPs, to cut routine "
        "dermatology referrals by a fifth.",
    )
    through_signoff(p, users["acute.member"], ["acute.signatory", "icb.signatory"])

    # 8. Signed off, reserved to the board: tabled at its forthcoming meeting.
    p = raise_(
        users["icb.member"],
        _org("QX9"),
        "Stroke rehabilitation pathway redesign",
        "1450000.00",
        "commissioning",
        [acute, council, mh],
        summary="An early supported discharge and community stroke rehabilitation service "
        "across Northmere and Calder, replacing three separate contracts.",
    )
    p = through_signoff(
        p, users["icb.member"], ["acute.signatory", "northmere.signatory", "mh.signatory"]
    )
    _table_at_next_board(sec, p)
    _place_decisions(sec, users, types, raise_, through_signoff, council)
    collaborative_decision(sec, users, types, raise_, through_signoff)
    if stdout:
        stdout.write("Decisions: SoRD v1, posts, committees and proposals in every state.")


def _place_decisions(sec, users, types, raise_, through_signoff, council) -> None:
    """Within its delegation a place partnership decides alone; above it, the board."""
    place = Committee.objects.filter(
        kind=CommitteeKind.PLACE_PARTNERSHIP, place="Northmere"
    ).first()
    code = f"place-{slugify(place.place)}" if place else None
    if place is None or code not in types:
        return
    acute, icb = _org("RZ1"), _org("QX9")
    p = raise_(
        users["icb.member"],
        icb,
        "Home First reablement expansion in Northmere",
        "350000.00",
        code,
        [council, acute],
        summary="Twelve more reablement workers so people leave hospital to their own home "
        "with support, funded from the Northmere Better Care Fund.",
    )
    p = through_signoff(p, users["icb.member"], ["northmere.signatory", "acute.signatory"])
    _decide_at_committee(sec, place, p, users)
    p = raise_(
        users["icb.member"],
        icb,
        "Northmere integrated neighbourhood teams",
        "2400000.00",
        code,
        [council, acute],
        summary="Six neighbourhood teams joining community nursing, social work and "
        "primary care: above the place's delegated limit, so for the ICB Board.",
    )
    p = through_signoff(p, users["icb.member"], ["northmere.signatory", "acute.signatory"])
    _table_at_next_board(sec, p)


def _decide_at_committee(sec, committee, proposal, users) -> None:
    """A meeting of the committee last week, quorate, deciding the proposal."""
    decided_at_held_meeting(
        sec,
        committee,
        proposal,
        days_ago=7,
        location="Boardroom, Northmere House",
        discussion="The committee considered the bed model, the exit plan after March and "
        "the partners' sign-off. Members asked for monthly occupancy reports.",
        outcome="approved",
        resolution="The committee approved the commissioning of 40 discharge-to-assess beds, "
        "subject to monthly occupancy reporting to the committee.",
        close=False,
    )


def _table_at_next_board(sec, proposal) -> None:
    board = Committee.objects.get(name=BOARD_NAME)
    meeting = (
        Meeting.objects.filter(committee=board, start__gte=timezone.now()).order_by("start").first()
    )
    if meeting is None:
        return
    try:
        agenda.item_table_subject(actor=sec, meeting=meeting, subject=proposal)
    except ValidationError:  # the demo degrades if the agenda is already closed
        return
