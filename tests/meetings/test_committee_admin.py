"""Committee administration in the app (ICB secretariat), the read-only Django admin, the
pages of a run with named votes, and the chair's actions report contract."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from governance.audit.models import AuditEvent
from governance.meetings import packbuild, reports
from governance.meetings.models import Committee, StandingKind
from governance.meetings.services import minutes
from tests.meetings.partnerships import (  # noqa: F401  (fixtures)
    attend_all,
    decision_item,
    held_meeting,
    icp,
    trusts_in_common,
)

pytestmark = pytest.mark.django_db


def test_secretariat_creates_an_icp_with_its_partners(client, ics):
    client.force_login(ics["secretariat"])
    url = reverse("meetings:committee-new")
    base = {
        "name": "Northmere Integrated Care Partnership",
        "kind": "icp_assembly",
        "organisation": ics["icb"].pk,
        "terms_of_reference": "Partners enjoy parity.",
        "quorum_fraction": "0.5",
        "majority_fraction": "0.667",
        "papers_due_days": 7,
        "publication_clear_days": 5,
    }
    # one partner is not a partnership: the error is next to the field, nothing written
    response = client.post(url, {**base, "organisations": [ics["icb"].pk]})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_organisations' in page and "at least two" in page
    assert not Committee.objects.filter(name=base["name"]).exists()
    response = client.post(
        url, {**base, "organisations": [ics["icb"].pk, ics["council"].pk, ics["vcse"].pk]}
    )
    c = Committee.objects.get(name=base["name"])
    assert response.url == reverse("meetings:committee", args=[c.pk])
    assert set(c.organisations.all()) == {ics["icb"], ics["council"], ics["vcse"]}
    event = AuditEvent.objects.filter(verb="committee.created").latest("seq")
    assert len(event.changes["organisations"]["after"]) == 3
    page = client.get(response.url).content.decode()
    assert "one vote per partner whoever attends" in page
    assert "City Council" in page and 'href="/sord/"' in page


def test_place_partnership_needs_its_place_and_cic_its_bodies(client, ics, board):
    client.force_login(ics["secretariat"])
    url = reverse("meetings:committee-new")
    base = {
        "organisation": ics["icb"].pk,
        "quorum_min_members": 3,
        "papers_due_days": 7,
        "publication_clear_days": 5,
    }
    response = client.post(url, {**base, "name": "Place board", "kind": "place_partnership"})
    assert "Name the place the partnership serves." in response.content.decode()
    response = client.post(
        url, {**base, "name": "Boards in common", "kind": "committees_in_common", "bodies": []}
    )
    assert "Choose the bodies meeting in common (at least two)." in response.content.decode()
    response = client.post(
        url,
        {**base, "name": "Northmere Place", "kind": "place_partnership", "place": "Northmere"},
    )
    assert response.status_code == 302
    assert Committee.objects.get(name="Northmere Place").place == "Northmere"


def test_only_the_icb_secretariat_administers_committees(client, ics, icp):  # noqa: F811
    client.force_login(ics["trust_sign"])
    assert client.get(reverse("meetings:committee-new")).status_code == 403
    assert client.get(reverse("meetings:committee-edit", args=[icp.pk])).status_code == 403
    response = client.post(
        reverse("meetings:member-add", args=[icp.pk]),
        {"user": ics["trust_sign"].pk, "organisation": ics["trust"].pk, "role": "other"},
    )
    assert response.status_code == 403


def test_member_of_an_icp_represents_a_partner_error_next_to_field(client, ics, icp):  # noqa: F811
    client.force_login(ics["secretariat"])
    outsider_org = ics["outsider"].memberships.first().organisation
    response = client.post(
        reverse("meetings:member-add", args=[icp.pk]),
        {
            "user": ics["outsider"].pk,
            "organisation": outsider_org.pk,
            "role": "partner_member",
            "is_voting": "on",
            "valid_from": "2026-04-01",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_organisation_error"' in page and "represents one of the committee" in page
    assert not icp.members.filter(user=ics["outsider"]).exists()


def test_django_admin_is_read_only_for_committees(client, superuser, icp):  # noqa: F811
    client.force_login(superuser)
    listing = client.get("/admin/meetings/committee/")
    assert (
        listing.status_code == 200
        and "Test Integrated Care Partnership" in listing.content.decode()
    )
    change = client.get(f"/admin/meetings/committee/{icp.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert client.get("/admin/meetings/committee/add/").status_code == 403
    response = client.post(
        f"/admin/meetings/committee/{icp.pk}/change/", {"name": "Renamed"}, follow=False
    )
    assert response.status_code == 403
    icp.refresh_from_db()
    assert icp.name == "Test Integrated Care Partnership"
    assert client.get("/admin/meetings/committeemember/add/").status_code == 403


def test_run_page_takes_named_votes_by_partner(client, ics, icp):  # noqa: F811
    sec = ics["secretariat"]
    m = held_meeting(sec, icp)
    attend_all(sec, m, icp.members.all(), absent=("vcse_sign",))
    item = decision_item(sec, m)
    client.force_login(sec)
    url = reverse("meetings:conduct", args=[item.pk])
    page = client.get(url).content.decode()
    assert "one vote per partner" in page
    assert f'name="vote-{icp.rep["council1"].pk}"' in page
    assert f'name="vote-{icp.rep["vcse"].pk}"' not in page  # absent: no vote
    votes = {f"vote-{r.pk}": "for" for k, r in icp.rep.items() if k != "vcse"}
    votes[f"vote-{icp.rep['trust'].pk}"] = "against"
    response = client.post(url, {"form": "decision", "resolution": "Agreed.", **votes})
    assert response.status_code == 302
    item.refresh_from_db()
    d = item.decision
    assert (d.votes_for, d.votes_against) == (2, 1)  # ICB and council for, trust against
    page = client.get(url).content.decode()
    assert "Named votes" in page and "Councillor Number4" in page
    # the other members of the committee see the run page? no: it is the secretariat's
    client.force_login(ics["trust_sign"])
    assert client.get(url).status_code in (403, 404)


def test_run_page_of_committees_in_common_shows_each_body(client, ics, trusts_in_common):  # noqa: F811
    sec = ics["secretariat"]
    alder, birch, cedar = trusts_in_common.boards
    m = held_meeting(sec, trusts_in_common)
    attend_all(sec, m, [*alder.members.all(), *birch.members.all()])
    client.force_login(sec)
    page = client.get(reverse("meetings:run", args=[m.pk])).content.decode()
    assert "Alder Trust Board" in page and "Cedar Trust Board" in page
    assert "not quorate" in page  # Cedar has nobody present
    item = decision_item(sec, m)
    response = client.post(
        reverse("meetings:conduct", args=[item.pk]),
        {
            "form": "decision",
            f"body-{alder.pk}-outcome": "approved",
            f"body-{birch.pk}-outcome": "rejected",
            f"body-{cedar.pk}-outcome": "deferred",
        },
    )
    assert response.status_code == 302
    rows = {b.body_id: b.outcome for b in item.decision.body_decisions.all()}
    assert rows == {alder.pk: "approved", birch.pk: "rejected", cedar.pk: "deferred"}


@pytest.fixture
def chairs_action_source():
    calls = []

    def source(committee, since, until):
        calls.append((committee, since, until))
        return [
            {
                "label": "CA-2026-004 Urgent spot purchase of 12 care home beds",
                "url": "/decisions/chairs-actions/4/",
                "date": until - datetime.timedelta(days=3),
                "summary": "£186,000; consulted the vice-chair.",
            },
            {
                "label": "CA-2026-005 Settlement of a contract dispute",
                "url": "/decisions/chairs-actions/5/",
                "date": until - datetime.timedelta(days=2),
                "summary": "ZEBRA confidential terms",
                "confidential": True,
            },
        ]

    reports.register_report_source(source)
    yield calls
    reports.unregister_report_source(source)


def test_chairs_actions_are_reported_at_the_next_meeting(
    client, ics, board, make_meeting, chairs_action_source
):
    sec = ics["secretariat"]
    earlier = make_meeting(days=-30)
    m = make_meeting(days=-1)
    item = m.items.get(standing_kind=StandingKind.CHAIRS_ACTIONS)
    client.force_login(sec)
    page = client.get(reverse("meetings:conduct", args=[item.pk])).content.decode()
    assert "CA-2026-004 Urgent spot purchase of 12 care home beds" in page
    committee, since, until = chairs_action_source[-1]
    assert committee == board and until == m.start.date()
    assert since == earlier.start.date()
    assert "Chair's action reported" in minutes.entry_text(m, item)
    spec = packbuild.build_spec(m, "members").spec
    pack_item = next(i for i in spec.items if i.number == str(item.position))
    assert "£186,000; consulted the vice-chair." in pack_item.paper_html
    assert "ZEBRA confidential terms" in pack_item.paper_html  # members see everything
    public = packbuild.build_spec(m, "public").spec
    public_item = next(i for i in public.items if i.number == str(item.position))
    assert "ZEBRA" not in public_item.paper_html
    assert "1 confidential chair's action(s)" in public_item.paper_html
    text = minutes.entry_text(m, item)
    assert "ZEBRA" not in text and "1 confidential chair's action(s) were reported." in text


def test_api_gives_named_votes_and_each_body_decision(client, ics, trusts_in_common):  # noqa: F811
    from governance.meetings.services import agenda, conduct

    sec = ics["secretariat"]
    alder, birch, cedar = trusts_in_common.boards
    m = held_meeting(sec, trusts_in_common, session="public")
    attend_all(sec, m, [*alder.members.all(), *birch.members.all(), *cedar.members.all()])
    item = decision_item(sec, m, title="Shared pathology system")
    votes = {s.pk: "for" for b in (alder, birch) for s in b.members.all()}
    votes.update({s.pk: "against" for s in cedar.members.all()})
    conduct.item_decide(actor=sec, item=item, votes=votes)
    agenda.meeting_close(actor=sec, meeting=m)
    public = client.get(f"/api/v1/meetings/{m.pk}/").json()
    [decision] = public["decisions"]
    assert decision["outcome"] == "Decided differently by the bodies in common"
    assert {b["body"]: b["outcome"] for b in decision["bodies"]} == {
        "Alder Trust Board": "Approved",
        "Birch Trust Board": "Approved",
        "Cedar Trust Board": "Not approved",
    }
    assert (
        "Against: Chair of Cedar, Chief of Cedar, NED of Cedar."
        in (decision["bodies"][2]["named_votes"])
    )
    client.force_login(sec)
    agenda_json = client.get(f"/api/v1/meetings/{m.pk}/").json()["agenda"]
    row = next(i for i in agenda_json if i["id"] == item.pk)
    assert len(row["votes"]["named"]) == 9 and row["votes"]["for"] is None
    assert [b["against"] for b in row["votes"]["bodies"]] == [0, 0, 3]
