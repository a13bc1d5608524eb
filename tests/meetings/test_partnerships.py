"""The system's partnership bodies at their meetings: an ICP where partners have parity, a
joint committee that needs every organisation, and trusts' boards meeting in common, each
deciding for itself — and what each decision binds."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from governance.audit.models import AuditEvent
from governance.meetings import publication, selectors
from governance.meetings.models import BodyDecision, Outcome, Vote
from governance.meetings.services import agenda, committees, conduct, minutes
from governance.meetings.services.decide import binding_of
from tests.meetings.partnerships import (  # noqa: F401  (fixtures)
    attend_all,
    decision_item,
    held_meeting,
    icp,
    joint,
    org_subject,
    trusts_in_common,
)

pytestmark = pytest.mark.django_db


def votes_of(members, **choices):
    """{member id: choice} from choices keyed by the fixture's seat names."""
    out = {}
    for choice, keys in choices.items():
        for key in keys:
            out[members[key].pk] = choice.rstrip("_")
    return out


# --- the Integrated Care Partnership: parity ---------------------------------------------


def test_icp_quorum_counts_partners_present(ics, icp):  # noqa: F811
    sec = ics["secretariat"]
    m = held_meeting(sec, icp)
    council = [icp.rep[f"council{n}"] for n in range(1, 6)]
    attend_all(sec, m, council)  # five people, one partner
    q = selectors.quorum_of(m)
    assert (q.counted, q.required, q.voting_members, q.unit) == (1, 2, 4, "partners")
    assert not q.quorate
    attend_all(sec, m, [icp.rep["vcse"]])
    assert selectors.quorum_of(m).quorate  # two of the four partners


def test_icp_partner_with_five_attendees_has_one_vote(ics, icp):  # noqa: F811
    sec = ics["secretariat"]
    m = held_meeting(sec, icp, session="public")
    attend_all(sec, m, icp.members.all())
    item = decision_item(sec, m, title="Integrated care strategy 2026-2030")
    five_against = [f"council{n}" for n in range(1, 6)]
    # the council's five people against, the other three partners for: 3 partners to 1
    d = conduct.item_decide(
        actor=sec,
        item=item,
        votes=votes_of(icp.rep, for_=["icb1", "icb2", "trust", "vcse"], against=five_against),
        resolution="The strategy is agreed.",
    )
    assert d.outcome == Outcome.APPROVED  # 3 of 4 partners voting: at least two-thirds
    assert (d.votes_for, d.votes_against, d.abstentions) == (3, 1, 0)
    assert Vote.objects.filter(decision=d).count() == 9  # every name is recorded
    assert Vote.objects.get(decision=d, member=icp.rep["council3"]).choice == "against"
    text = minutes.entry_text(m, item)
    assert "3 for, 1 against, 0 abstaining (one vote per partner)" in text
    assert "Against: Councillor Number1, Councillor Number2" in text


def test_icp_partner_people_split_is_refused_and_stated_majority_applies(ics, icp):  # noqa: F811
    sec = ics["secretariat"]
    m = held_meeting(sec, icp)
    attend_all(sec, m, icp.members.all())
    item = decision_item(sec, m)
    split = votes_of(
        icp.rep,
        for_=["icb1", "icb2", "trust", "vcse", "council1"],
        against=["council2", "council3", "council4", "council5"],
    )
    with pytest.raises(ValidationError) as exc:
        conduct.item_decide(actor=sec, item=item, votes=split)
    assert "City Council has one vote" in exc.value.message_dict["votes"][0]
    assert not Vote.objects.exists()
    # two partners for, two against: not the two-thirds the terms of reference require
    d = conduct.item_decide(
        actor=sec,
        item=item,
        votes=votes_of(
            icp.rep,
            for_=["icb1", "icb2", "vcse"],
            against=["trust", *[f"council{n}" for n in range(1, 6)]],
        ),
    )
    assert d.outcome == Outcome.REJECTED and (d.votes_for, d.votes_against) == (2, 2)


def test_icp_member_represents_one_of_its_partners(ics, icp, make_org, make_user):  # noqa: F811
    stranger_org = make_org("Unrelated Trust")
    user = make_user(stranger_org)
    with pytest.raises(ValidationError) as exc:
        committees.member_add(
            actor=ics["secretariat"],
            committee=icp,
            user=user,
            organisation=stranger_org,
            role="partner_member",
        )
    assert "organisation" in exc.value.message_dict


# --- a joint committee: every organisation ------------------------------------------------


def test_joint_committee_missing_organisation_is_inquorate(ics, joint):  # noqa: F811
    sec = ics["secretariat"]
    m = held_meeting(sec, joint)
    here = [r for key, r in joint.rep.items() if not key.startswith(ics["vcse"].identifier)]
    attend_all(sec, m, here)  # four members present, none from the VCSE alliance
    q = selectors.quorum_of(m)
    assert q.counted == 4 and not q.quorate
    assert q.missing_organisations == ("VCSE Alliance",)
    item = decision_item(sec, m)
    with pytest.raises(ValidationError) as exc:
        conduct.item_decide(actor=sec, item=item, outcome="approved")
    assert "no member present from: VCSE Alliance" in exc.value.message_dict["outcome"][0]
    attend_all(sec, m, [joint.rep[f"{ics['vcse'].identifier}_1"]])
    assert selectors.quorum_of(m).quorate
    d = conduct.item_decide(actor=sec, item=item, outcome="approved")
    assert "The decision binds: Acute Trust, City Council, VCSE Alliance." in (
        minutes.entry_text(m, d.item)
    )
    # the terms of reference may say otherwise
    committees.committee_update(actor=sec, committee=joint, quorum_each_organisation=False)
    joint.refresh_from_db()
    other = held_meeting(sec, joint)
    attend_all(sec, other, here)
    assert selectors.quorum_of(other).quorate


# --- committees in common: each body decides ----------------------------------------------


def test_committees_in_common_each_body_has_its_own_quorum(ics, trusts_in_common):  # noqa: F811
    sec = ics["secretariat"]
    alder, birch, cedar = trusts_in_common.boards
    m = held_meeting(sec, trusts_in_common)
    attend_all(sec, m, [*alder.members.all(), *birch.members.all()])
    attend_all(sec, m, [cedar.rep["non_executive"]])  # Cedar: one member, no executive
    results = dict((b.name, q) for b, q in selectors.quorums_of(m))
    assert results["Alder Trust Board"].quorate and results["Birch Trust Board"].quorate
    assert not results["Cedar Trust Board"].quorate
    assert not selectors.quorum_of(m).quorate
    item = decision_item(sec, m)
    ballots = {
        **votes_of(alder.rep, for_=["chair", "executive", "non_executive"]),
        **votes_of(birch.rep, for_=["chair", "executive", "non_executive"]),
        **votes_of(cedar.rep, for_=["non_executive"]),
    }
    with pytest.raises(ValidationError) as exc:
        conduct.item_decide(actor=sec, item=item, votes=ballots)
    assert "Cedar Trust Board: the meeting is not quorate" in exc.value.message_dict["outcome"][0]
    # Cedar defers; the other two boards approve
    del ballots[cedar.rep["non_executive"].pk]
    d = conduct.item_decide(
        actor=sec, item=item, votes=ballots, body_outcomes={cedar.pk: "deferred"}
    )
    rows = {r.body.name: r for r in d.body_decisions.select_related("body")}
    assert rows["Cedar Trust Board"].outcome == "deferred" and not rows["Cedar Trust Board"].quorate
    assert rows["Alder Trust Board"].votes_for == 3
    assert d.outcome == Outcome.SPLIT


def test_committees_in_common_two_approve_one_rejects(ics, trusts_in_common, org_subject):  # noqa: F811
    """Recorded per body; the record binds only the trusts whose boards approved."""
    sec = ics["secretariat"]
    alder, birch, cedar = trusts_in_common.boards
    m = held_meeting(sec, trusts_in_common, session="public")
    attend_all(sec, m, [*alder.members.all(), *birch.members.all(), *cedar.members.all()])
    record = alder.organisation  # any registered record will do: parties are the trusts
    org_subject.parties_of[record.pk] = [b.organisation_id for b in (alder, birch, cedar)]
    item = agenda.item_add(
        actor=sec, meeting=m, title="Shared pathology system", purpose="decision", subject=record
    )
    d = conduct.item_decide(
        actor=sec,
        item=item,
        resolution="Procure one laboratory information system for the three trusts.",
        votes={
            **votes_of(alder.rep, for_=["chair", "executive", "non_executive"]),
            **votes_of(birch.rep, for_=["chair", "executive"], abstain=["non_executive"]),
            **votes_of(cedar.rep, for_=["executive"], against=["chair", "non_executive"]),
        },
    )
    assert d.outcome == Outcome.SPLIT and d.votes_for is None  # totals are per body
    by_body = {r.body_id: r for r in BodyDecision.objects.filter(decision=d)}
    assert by_body[alder.pk].outcome == by_body[birch.pk].outcome == "approved"
    assert by_body[cedar.pk].outcome == "rejected"
    assert (by_body[birch.pk].votes_for, by_body[birch.pk].abstentions) == (2, 1)
    assert (by_body[cedar.pk].votes_for, by_body[cedar.pk].votes_against) == (1, 2)
    # what it binds follows: the owner is told per body, never "approved" for all
    assert org_subject.board == []
    [(obj, told)] = org_subject.bodies
    assert obj == record
    assert {o.pk: outcome for o, outcome in told["outcomes"].items()} == {
        alder.organisation_id: "approved",
        birch.organisation_id: "approved",
        cedar.organisation_id: "rejected",
    }
    b = binding_of(d)
    assert set(b.approved_by) == {alder.organisation_id, birch.organisation_id}
    assert b.not_approved_by == (cedar.organisation_id,)
    # the minutes and the public portal show each body's decision
    text = minutes.entry_text(m, item)
    assert "Cedar Trust Board: Not approved (1 for, 2 against, 0 abstaining)" in text
    assert (
        "Approved by Alder Trust Board, Birch Trust Board; not approved by Cedar Trust Board."
        in text
    )
    m = agenda.meeting_close(actor=sec, meeting=m)
    [public] = publication.public_decisions(m)
    assert [(b.body, b.outcome) for b in public.bodies] == [
        ("Alder Trust Board", "Approved"),
        ("Birch Trust Board", "Approved"),
        ("Cedar Trust Board", "Not approved"),
    ]
    assert "Against: Chair of Cedar, NED of Cedar." in public.bodies[2].named_votes
    event = AuditEvent.objects.filter(verb="meeting.item_decided").latest("seq")
    assert event.changes["bodies"]["Cedar Trust Board"] == "rejected"
    call_command("verify_audit")


def test_committees_in_common_all_approve_binds_every_party(ics, trusts_in_common, org_subject):  # noqa: F811
    sec = ics["secretariat"]
    alder, birch, cedar = trusts_in_common.boards
    m = held_meeting(sec, trusts_in_common)
    attend_all(sec, m, [*alder.members.all(), *birch.members.all(), *cedar.members.all()])
    record = birch.organisation
    # a record only Alder and Birch are party to: Cedar's view does not bind them
    org_subject.parties_of[record.pk] = [alder.organisation_id, birch.organisation_id]
    item = agenda.item_add(
        actor=sec, meeting=m, title="Joint theatre list", purpose="decision", subject=record
    )
    conduct.item_decide(
        actor=sec,
        item=item,
        body_outcomes={alder.pk: "approved", birch.pk: "approved", cedar.pk: "rejected"},
    )
    [(obj, told)] = org_subject.board
    assert obj == record and told["outcome"] == "approved" and told["item"] == item
    assert told["decided_by"] == trusts_in_common.name
    assert org_subject.bodies == []


def test_only_members_of_the_bodies_vote(ics, trusts_in_common, board):  # noqa: F811
    sec = ics["secretariat"]
    alder = trusts_in_common.boards[0]
    m = held_meeting(sec, trusts_in_common)
    attend_all(sec, m, alder.members.all())
    with pytest.raises(ValidationError):  # a member of another committee
        conduct.attendance_record(
            actor=sec, meeting=m, member=board.seat["chair"], status="present"
        )
    item = decision_item(sec, m)
    with pytest.raises(ValidationError) as exc:
        conduct.item_decide(actor=sec, item=item, votes={board.seat["chair"].pk: "for"})
    assert "votes" in exc.value.message_dict


def test_wrong_role_cannot_record_votes(ics, icp):  # noqa: F811
    sec = ics["secretariat"]
    m = held_meeting(sec, icp)
    attend_all(sec, m, icp.members.all())
    item = decision_item(sec, m)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        conduct.item_decide(actor=ics["trust_sign"], item=item, outcome="approved")
    assert not Vote.objects.exists()


def test_members_of_each_body_see_the_private_business_in_common(ics, trusts_in_common):  # noqa: F811
    from governance.meetings import policy

    cedar = trusts_in_common.boards[2]
    member = cedar.rep["non_executive"].user
    assert policy.sees_private(member, trusts_in_common)
    assert not policy.sees_private(ics["council_sign"], trusts_in_common)
