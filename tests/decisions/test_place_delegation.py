"""Place-based partnerships under the SoRD: a decision inside the place's delegation is
taken at the place partnership's meeting and needs no ICB approval; above it, the same
kind of decision is routed to the ICB board."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from decisions import services
from decisions.models import DecidedBy, DecisionEntry, ProposalStatus, SordVersion
from decisions.services import sord as sord_services
from governance.meetings.models import CommitteeKind, CommitteeRole
from governance.meetings.services import agenda, committees, conduct
from governance.organisations.models import Role
from governance.signoffs.models import SignOffRule
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(ics, make_user, sord_board):
    """The City place partnership: the ICB's place director in the chair, the council
    and the trust as members."""
    sec = ics["secretariat"]
    c = committees.committee_create(
        actor=sec,
        name="City Place Partnership Board",
        kind=CommitteeKind.PLACE_PARTNERSHIP,
        organisation=ics["icb"],
        parent=sord_board,
        place="City",
        quorum_min_members=2,
    )
    director = make_user(ics["icb"], Role.MEMBER, "place_director")
    for user, org, role in (
        (director, ics["icb"], CommitteeRole.CHAIR),
        (ics["council_sign"], ics["council"], CommitteeRole.PARTNER_MEMBER),
        (ics["trust_sign"], ics["trust"], CommitteeRole.PARTNER_MEMBER),
    ):
        committees.member_add(
            actor=sec,
            committee=c,
            user=user,
            organisation=org,
            role=role,
            valid_from=datetime.date(2020, 1, 1),
        )
    return c


@pytest.fixture
def place_type(ics, sord_v1, place, sord_board, fpc, finance_post, board_decides):
    """SoRD v2 adds "City place" decisions: up to £1m to the place partnership, above it
    the board; approved by the board at a meeting."""
    sec = ics["secretariat"]
    dtype = sord_services.decision_type_create(
        actor=sec, code="place-city", name="City place: community services"
    )
    draft = sord_services.sord_version_draft(actor=sec, summary="Delegate to City place.")
    sord_services.sord_draft_bands_replace(
        actor=sec,
        version=draft,
        decision_type=dtype,
        bands=[
            {
                "min_value": "0",
                "max_value": "1000000",
                "decided_by": DecidedBy.COMMITTEE,
                "committee": place,
                "signoff_rule": SignOffRule.ALL,
            },
            {
                "min_value": "1000000",
                "max_value": None,
                "decided_by": DecidedBy.BOARD,
                "committee": sord_board,
                "signoff_rule": SignOffRule.ALL,
            },
        ],
    )
    sord_services.sord_draft_update(
        actor=sec,
        version=draft,
        summary="Delegate to City place.",
        effective_from=timezone.localdate(),
    )
    change = sord_services.sord_version_propose(actor=sec, version=draft)
    services.proposal_review(actor=sec, proposal=change, accept=True)
    board_decides(change, "approved")
    assert SordVersion.objects.in_force().number == 2
    return dtype


def _ready(ics, make_proposal, dtype, value):
    p = make_proposal(value, affected=("trust", "council"), decision_type=dtype)
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    for who in ("trust_sign", "council_sign"):
        signoff = open_signoffs_for(ics[who]).filter(subject_id=p.pk).first()
        signoff_decide(actor=ics[who], signoff=signoff, outcome="approve")
    p.refresh_from_db()
    return p


def _meeting_decides(ics, committee, proposal, outcome="approved"):
    sec = ics["secretariat"]
    meeting = agenda.meeting_create(
        actor=sec,
        committee=committee,
        start=timezone.now() - datetime.timedelta(minutes=1),
        location="Town Hall",
    )
    item = agenda.item_table_subject(actor=sec, meeting=meeting, subject=proposal)
    for seat in committee.members.on():
        conduct.attendance_record(actor=sec, meeting=meeting, member=seat, status="present")
    conduct.item_decide(actor=sec, item=item, outcome=outcome, resolution="Agreed.")
    return item


def test_inside_its_delegation_the_place_decides_alone(ics, make_proposal, place, place_type):
    p = _ready(ics, make_proposal, place_type, "350000")
    assert p.status == ProposalStatus.READY_FOR_DECISION
    assert p.sord_band.committee == place and p.sord_band.version.number == 2
    item = _meeting_decides(ics, place, p)
    p.refresh_from_db()
    assert p.status == ProposalStatus.APPROVED  # no ICB board step
    entry = DecisionEntry.objects.get(proposal=p)
    assert entry.committee == place and entry.meeting_item == item
    assert entry.statement.startswith("Approved by the City Place Partnership Board, ")
    assert "under SoRD v2, band £0 up to £1,000,000" in entry.statement


def test_above_its_delegation_it_goes_to_the_icb_board(
    ics, make_proposal, place, place_type, sord_board, board_decides
):
    p = _ready(ics, make_proposal, place_type, "1500000")
    assert p.sord_band.committee == sord_board
    with pytest.raises(ValidationError, match="for the ICB Board to decide, not the City Place"):
        _meeting_decides(ics, place, p)
    p.refresh_from_db()
    assert p.status == ProposalStatus.READY_FOR_DECISION
    board_decides(p, "approved")
    p.refresh_from_db()
    assert p.status == ProposalStatus.APPROVED
    assert DecisionEntry.objects.get(proposal=p).committee == sord_board


def test_the_place_value_limit_is_exclusive(ics, make_proposal, place, place_type, sord_board):
    assert _ready(ics, make_proposal, place_type, "999999.99").sord_band.committee == place
    limit = _ready(ics, make_proposal, place_type, str(Decimal("1000000")))
    assert limit.sord_band.committee == sord_board
