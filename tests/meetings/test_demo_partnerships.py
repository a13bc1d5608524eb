"""The demo system's partnership bodies: an ICP with parity, three places, and three
trusts' boards in common where one board disagrees — in the minutes and on the portal."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from budgets.models import Allocation, AllocationStatus, PooledFund
from decisions.models import DecisionEntry
from governance.meetings import publication
from governance.meetings.demo_partnerships import CIC, ICP
from governance.meetings.models import AgendaItem, Committee, CommitteeKind, MeetingStatus

# a slow suite: CI runs it once, on the PostgreSQL pass
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PACKS_PRIVATE_ROOT = str(tmp_path / "private")
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_demo_partnerships(demo, client):
    assert "Partnerships:" in demo
    icp = Committee.objects.get(name=ICP)
    assert icp.kind == CommitteeKind.ICP_ASSEMBLY and icp.organisations.count() == 9
    held = icp.meetings.get(status=MeetingStatus.HELD)
    strategy = held.items.get(title__startswith="Integrated care strategy").decision
    # 11 people voted by name, counted as 9 partners: 8 for, Westbrook against
    assert strategy.votes.count() == 11
    assert (strategy.votes_for, strategy.votes_against) == (8, 1)

    places = Committee.objects.filter(kind=CommitteeKind.PLACE_PARTNERSHIP)
    assert places.count() >= 3
    for place in places:
        assert place.parent.kind == CommitteeKind.BOARD
        kinds = set(place.organisations.values_list("kind", flat=True))
        assert "local_authority" in kinds
    northmere = places.get(place="Northmere")
    # each place hosts its Better Care Fund; Northmere's board approved an allocation
    # within its delegation at a held meeting: money committed, decision in the register
    for place in places:
        fund = PooledFund.objects.get(host_committee=place)
        assert fund.decision_type_code == f"place-{place.place.lower()}"
        # and an allocation signed off by the partners awaits the board's next meeting
        waiting = Allocation.objects.get(fund=fund, status=AllocationStatus.AWAITING_DECISION)
        tabled = AgendaItem.objects.get(subject_type__model="allocation", subject_id=waiting.pk)
        assert tabled.meeting.committee == place and tabled.meeting.status == MeetingStatus.DRAFT
    bcf = AgendaItem.objects.get(
        meeting__committee=northmere,
        meeting__status=MeetingStatus.HELD,
        subject_type__model="allocation",
    )
    assert bcf.decision.outcome == "approved" and bcf.subject.status == "committed"
    entry = DecisionEntry.objects.get(reference=bcf.subject.reference)
    assert entry.committee == northmere and entry.meeting_item == bcf
    assert "under SoRD v1, band £0 up to £1,000,000" in entry.statement
    assert entry.reference in client.get("/decisions/").content.decode()

    cic = Committee.objects.get(name=CIC)
    assert len(cic.bodies.all()) == 3
    item = AgendaItem.objects.get(
        meeting__committee=cic, title__contains="one laboratory information system"
    )
    meeting, lims = item.meeting, item.decision
    assert meeting.status == MeetingStatus.HELD
    outcomes = {b.body.organisation.identifier: b.outcome for b in lims.body_decisions.all()}
    assert outcomes == {"RZ1": "approved", "RZ2": "approved", "RZ3": "rejected"}
    entry = meeting.minutes.entries.get(item=lims.item)
    assert "not approved by North Pennine Ambulance Service NHS Trust Board" in entry.text
    # the register: approved in part, binding the two trusts whose boards approved
    register = DecisionEntry.objects.get(proposal=item.subject)
    assert register.outcome == "approved_in_part"
    assert "not by North Pennine Ambulance Service NHS Trust Board" in register.statement
    page = client.get(f"/public/meetings/{meeting.pk}/").content.decode()
    assert "North Pennine Ambulance Service NHS Trust Board: <strong>Not approved</strong>" in page
    assert publication.public_decisions(meeting)[0].bodies
    # a meeting of each kind is in session today, to be run
    for committee in (icp, northmere, cic):
        assert committee.meetings.filter(status=MeetingStatus.DRAFT).exists()
