"""The demo system's partnership bodies: an ICP with parity, three places, and three
trusts' boards in common where one board disagrees — in the minutes and on the portal."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from governance.meetings import publication
from governance.meetings.demo_partnerships import CIC, ICP
from governance.meetings.models import Committee, CommitteeKind, MeetingStatus

pytestmark = pytest.mark.django_db


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
    bcf = northmere.meetings.get(status=MeetingStatus.HELD).items.get(
        title__startswith="Better Care Fund"
    )
    assert bcf.decision.outcome == "approved"

    cic = Committee.objects.get(name=CIC)
    assert len(cic.bodies.all()) == 3
    meeting = cic.meetings.get(status=MeetingStatus.HELD)
    lims = meeting.items.get(title__startswith="Pathology network").decision
    outcomes = {b.body.organisation.identifier: b.outcome for b in lims.body_decisions.all()}
    assert outcomes == {"RZ1": "approved", "RZ2": "approved", "RZ3": "rejected"}
    entry = meeting.minutes.entries.get(item=lims.item)
    assert "not approved by North Pennine Ambulance Service NHS Trust Board" in entry.text
    page = client.get(f"/public/meetings/{meeting.pk}/").content.decode()
    assert "North Pennine Ambulance Service NHS Trust Board: <strong>Not approved</strong>" in page
    assert publication.public_decisions(meeting)[0].bodies
    # a meeting of each kind is in session today, to be run
    for committee in (icp, northmere, cic):
        assert committee.meetings.filter(status=MeetingStatus.DRAFT).exists()
