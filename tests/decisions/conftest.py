"""Fixtures for shared decisions: a small ICS, a SoRD, signatories and a proposer."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from decisions.models import SORD_CHANGE_CODE, DecidedBy
from decisions.services import sord as sord_services
from governance.meetings.models import CommitteeKind, CommitteeRole
from governance.meetings.services import committees
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
def sord_board(ics):
    """The board the SoRD reserves decisions to (the meetings tests put their own)."""
    return committees.committee_create(
        actor=ics["secretariat"],
        name="ICB Board",
        kind=CommitteeKind.BOARD,
        organisation=ics["icb"],
        quorum_fraction=Decimal("0.5"),
    )


@pytest.fixture
def fpc(ics, make_user, sord_board):
    """The Finance and Performance Committee: a chair, a non-executive, the ICB's
    signatory (an executive) and the trust's signatory; quorum three."""
    c = committees.committee_create(
        actor=ics["secretariat"],
        name="Finance and Performance Committee",
        kind=CommitteeKind.COMMITTEE,
        organisation=ics["icb"],
        parent=sord_board,
        quorum_min_members=3,
    )
    chair = make_user(ics["icb"], Role.MEMBER, "fpc_chair")
    chair.first_name, chair.last_name = "Cath", "Chair"
    chair.save()
    ned = make_user(ics["icb"], Role.MEMBER, "fpc_ned")
    seats = [
        (chair, CommitteeRole.CHAIR, ics["icb"]),
        (ned, CommitteeRole.NON_EXECUTIVE, ics["icb"]),
        (ics["icb_sign"], CommitteeRole.EXECUTIVE, ics["icb"]),
        (ics["trust_sign"], CommitteeRole.PARTNER_MEMBER, ics["trust"]),
    ]
    c.seat = {}
    for user, role, org in seats:
        c.seat[user.username] = committees.member_add(
            actor=ics["secretariat"],
            committee=c,
            user=user,
            organisation=org,
            role=role,
            valid_from=datetime.date(2020, 1, 1),
        )
    c.chair_user, c.ned_user = chair, ned
    return c


@pytest.fixture
def finance_post(ics):
    """The ICB's Director of Finance post, held by the ICB's signatory."""
    post = sord_services.officer_post_create(
        actor=ics["secretariat"], organisation=ics["icb"], title="Director of Finance"
    )
    sord_services.post_holder_appoint(
        actor=ics["secretariat"],
        post=post,
        user=ics["icb_sign"],
        valid_from=datetime.date(2020, 1, 1),
    )
    return post


def sord_bands(board, fpc, post):
    """Commissioning: officer to £100k, committee to £500k, the board above."""
    return {
        "commissioning": [
            {
                "min_value": "0",
                "max_value": "100000",
                "decided_by": DecidedBy.OFFICER,
                "officer_post": post,
                "signoff_rule": SignOffRule.ALL,
            },
            {
                "min_value": "100000",
                "max_value": "500000",
                "decided_by": DecidedBy.COMMITTEE,
                "committee": fpc,
                "signoff_rule": SignOffRule.MAJORITY,
            },
            {
                "min_value": "500000",
                "max_value": None,
                "decided_by": DecidedBy.BOARD,
                "committee": board,
                "signoff_rule": SignOffRule.ALL,
            },
        ],
        SORD_CHANGE_CODE: [
            {
                "min_value": "0",
                "max_value": None,
                "decided_by": DecidedBy.BOARD,
                "committee": board,
                "signoff_rule": SignOffRule.NONE,
            }
        ],
    }


@pytest.fixture
def sord_v1(ics, sord_board, fpc, finance_post):
    """SoRD v1, adopted in 2020, with the commissioning and SoRD-change types."""
    sec = ics["secretariat"]
    types = {
        "commissioning": sord_services.decision_type_create(
            actor=sec, code="commissioning", name="Service commissioning"
        ),
        SORD_CHANGE_CODE: sord_services.decision_type_create(
            actor=sec, code=SORD_CHANGE_CODE, name="SoRD change"
        ),
    }
    draft = sord_services.sord_version_draft(actor=sec, summary="First scheme.")
    for code, bands in sord_bands(sord_board, fpc, finance_post).items():
        sord_services.sord_draft_bands_replace(
            actor=sec, version=draft, decision_type=types[code], bands=bands
        )
    version = sord_services.sord_initial_adopt(
        actor=sec,
        version=draft,
        approved_on=datetime.date(2020, 1, 1),
        board_minute="Board, 1 January 2020, minute 5",
    )
    version.types = types
    return version


@pytest.fixture
def decision_type(sord_v1):
    return sord_v1.types["commissioning"]


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
            decision_type=kwargs.pop("decision_type", decision_type),
            affected_organisations=[ics[a] for a in affected],
            **kwargs,
        )

    return make


@pytest.fixture
def board_decides(ics, sord_board, make_user):
    """Decide a proposal reserved to the board at a quorate meeting held today, through
    the item it is tabled as (the only way a board decision is recorded)."""
    from django.utils import timezone

    from governance.meetings.services import agenda, conduct

    sec = ics["secretariat"]

    def decide(proposal, outcome="approved"):
        if not sord_board.members.exists():
            for username, role in (
                ("board_chair", CommitteeRole.CHAIR),
                ("board_ned", CommitteeRole.NON_EXECUTIVE),
            ):
                committees.member_add(
                    actor=sec,
                    committee=sord_board,
                    user=make_user(ics["icb"], Role.MEMBER, username),
                    organisation=ics["icb"],
                    role=role,
                    valid_from=datetime.date(2020, 1, 1),
                )
            committees.member_add(
                actor=sec,
                committee=sord_board,
                user=ics["icb_sign"],
                organisation=ics["icb"],
                role=CommitteeRole.EXECUTIVE,
                valid_from=datetime.date(2020, 1, 1),
            )
        meeting = agenda.meeting_create(
            actor=sec,
            committee=sord_board,
            start=timezone.now() - datetime.timedelta(minutes=1),
            location="Boardroom",
        )
        item = agenda.item_table_subject(actor=sec, meeting=meeting, subject=proposal)
        for seat in sord_board.members.on():
            conduct.attendance_record(actor=sec, meeting=meeting, member=seat, status="present")
        conduct.item_decide(
            actor=sec, item=item, outcome=outcome, resolution=f"The board {outcome} it."
        )
        return item

    return decide
