"""Fixtures for the system's partnership bodies: an ICP of partners with parity, a joint
committee of three organisations, and three trusts' boards meeting in common. Import the
fixtures into a test module (``from tests.meetings.partnerships import *``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from governance import subjects
from governance.meetings.models import CommitteeKind, CommitteeRole
from governance.meetings.services import agenda, committees, conduct
from governance.organisations.models import Organisation, OrganisationKind, Role
from tests.meetings.conftest import at

FROM = datetime.date(2024, 4, 1)


def seat(sec, committee, user, org, role=CommitteeRole.PARTNER_MEMBER, voting=True):
    return committees.member_add(
        actor=sec,
        committee=committee,
        user=user,
        organisation=org,
        role=role,
        is_voting=voting,
        valid_from=FROM,
    )


def person(make_user, org, username, first, last):
    user = make_user(org, Role.MEMBER, username)
    user.first_name, user.last_name = first, last
    user.save()
    return user


def attend_all(sec, meeting, members, absent=()):
    for m in members:
        status = "apologies" if m.user.username in absent else "present"
        conduct.attendance_record(actor=sec, meeting=meeting, member=m, status=status)


def held_meeting(sec, committee, **kwargs):
    """A meeting that started yesterday."""
    return agenda.meeting_create(
        actor=sec, committee=committee, start=at(-1), location="Town Hall", **kwargs
    )


def decision_item(sec, meeting, title="Approve the strategy", **kwargs):
    return agenda.item_add(actor=sec, meeting=meeting, title=title, purpose="decision", **kwargs)


@pytest.fixture
def icp(ics, make_org, make_user):
    """An Integrated Care Partnership of four partners: the ICB (2 representatives), the
    council (5), the trust (1) and the VCSE alliance (1); quorum half the partners, and a
    two-thirds majority of partners voting."""
    sec = ics["secretariat"]
    c = committees.committee_create(
        actor=sec,
        name="Test Integrated Care Partnership",
        kind=CommitteeKind.ICP_ASSEMBLY,
        organisation=ics["icb"],
        organisations=[ics["icb"], ics["council"], ics["trust"], ics["vcse"]],
        terms_of_reference="A broad coalition of partners who enjoy parity.",
        quorum_fraction=Decimal("0.5"),
        majority_fraction=Decimal("0.667"),
        chair_has_casting_vote=False,
    )
    c.rep = {}
    c.rep["icb1"] = seat(
        sec,
        c,
        person(make_user, ics["icb"], "icp_chair", "Ann", "Chair"),
        ics["icb"],
        CommitteeRole.CHAIR,
    )
    c.rep["icb2"] = seat(sec, c, ics["icb_sign"], ics["icb"])
    for n in range(1, 6):
        user = person(make_user, ics["council"], f"cllr{n}", "Councillor", f"Number{n}")
        c.rep[f"council{n}"] = seat(sec, c, user, ics["council"])
    c.rep["trust"] = seat(sec, c, ics["trust_sign"], ics["trust"])
    c.rep["vcse"] = seat(sec, c, ics["vcse_sign"], ics["vcse"])
    return c


@pytest.fixture
def joint(ics, make_user):
    """A joint committee of the trust, the council and the VCSE alliance (two members
    each); quorum three members and, by the kind's rule, one from each organisation."""
    sec = ics["secretariat"]
    orgs = [ics["trust"], ics["council"], ics["vcse"]]
    c = committees.committee_create(
        actor=sec,
        name="Test Joint Committee",
        kind=CommitteeKind.JOINT_COMMITTEE,
        organisation=ics["icb"],
        organisations=orgs,
        quorum_min_members=3,
    )
    c.rep = {}
    for org in orgs:
        for n in (1, 2):
            user = person(make_user, org, f"jc_{org.identifier}_{n}", "Member", f"{org.name} {n}")
            c.rep[f"{org.identifier}_{n}"] = seat(sec, c, user, org)
    return c


@pytest.fixture
def trusts_in_common(ics, make_org, make_user):
    """Three trusts' boards (chair, executive, non-executive each; quorum two with an
    executive) meeting as committees in common."""
    sec = ics["secretariat"]
    names = [("Alder", "RT1"), ("Birch", "RT2"), ("Cedar", "RT3")]
    boards = []
    for name, code in names:
        org = make_org(f"{name} Hospitals NHS Trust", OrganisationKind.NHS_TRUST, code)
        board = committees.committee_create(
            actor=sec,
            name=f"{name} Trust Board",
            kind=CommitteeKind.BOARD,
            organisation=org,
            quorum_min_members=2,
            quorum_required_roles={"executive": 1},
        )
        board.rep = {}
        for role, first in (
            (CommitteeRole.CHAIR, "Chair"),
            (CommitteeRole.EXECUTIVE, "Chief"),
            (CommitteeRole.NON_EXECUTIVE, "NED"),
        ):
            user = person(make_user, org, f"{name.lower()}_{role}", first, f"of {name}")
            board.rep[str(role)] = seat(sec, board, user, org, role)
        boards.append(board)
    group = committees.committee_create(
        actor=sec,
        name="Test Provider Collaborative Boards in Common",
        kind=CommitteeKind.COMMITTEES_IN_COMMON,
        organisation=boards[0].organisation,
        bodies=boards,
        quorum_min_members=2,
    )
    group.boards = boards
    return group


class Recorder:
    """A registered subject type's hooks, recording what the meetings side tells it."""

    def __init__(self):
        self.board, self.bodies = [], []

    def on_board_decision(self, obj, **kwargs):
        self.board.append((obj, kwargs))

    def on_body_decisions(self, obj, **kwargs):
        self.bodies.append((obj, kwargs))


@pytest.fixture
def org_subject(monkeypatch):
    """Register organisations as a subject type for the test (parties: the organisations
    listed on ``obj.test_parties`` by id, set by the test), recording the decision hooks."""
    recorder = Recorder()
    parties_of = {}

    def parties(obj):
        return Organisation.objects.filter(pk__in=parties_of.get(obj.pk, []))

    st = subjects.SubjectType(
        model=Organisation,
        parties=parties,
        label=lambda obj: f"Record about {obj.name}",
        on_board_decision=recorder.on_board_decision,
        on_body_decisions=recorder.on_body_decisions,
    )
    monkeypatch.setitem(subjects._REGISTRY, Organisation._meta.label_lower, st)
    recorder.parties_of = parties_of
    return recorder
