"""At the meeting: attendance, live quorum, declarations, exclusions, votes, decisions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from decisions.models import DecisionEntry, ProposalStatus
from governance.interests.services import interest_declare
from governance.meetings import selectors
from governance.meetings.models import Declaration, DeclarationSource, Outcome
from governance.meetings.services import agenda, conduct

pytestmark = pytest.mark.django_db


def attend(ics, board, meeting, present, apologies=()):
    for key, seat in board.seat.items():
        status = "present" if key in present else "apologies" if key in apologies else "absent"
        conduct.attendance_record(
            actor=ics["secretariat"], meeting=meeting, member=seat, status=status
        )


@pytest.fixture
def held(ics, board, make_meeting):
    """A meeting that started yesterday."""
    return make_meeting(days=-1)


def test_live_quorum_from_attendance(ics, board, held):
    attend(ics, board, held, present={"chair", "ceo", "observer"})
    q = selectors.quorum_of(held)
    assert not q.quorate and q.counted == 2 and q.required == 4  # ceil(7 * 0.5)
    assert q.missing_roles == {"non_executive": 1}
    attend(ics, board, held, present={"chair", "ceo", "nec2", "partner_trust"})
    assert selectors.quorum_of(held).quorate


def test_attendance_rules(ics, board, held, make_meeting, people):
    with pytest.raises(ValidationError):
        conduct.attendance_record(
            actor=ics["secretariat"],
            meeting=held,
            member=board.seat["chair"],
            status="in_attendance",
        )
    with pytest.raises(PermissionDenied):
        conduct.attendance_record(
            actor=people["chair"], meeting=held, member=board.seat["chair"], status="present"
        )
    future = make_meeting(days=3)
    with pytest.raises(ValidationError):
        conduct.attendance_record(
            actor=ics["secretariat"], meeting=future, member=board.seat["chair"], status="present"
        )
    guest = conduct.attendance_add_guest(
        actor=ics["secretariat"], meeting=held, name="Jo Bloggs", capacity="Director of Strategy"
    )
    assert guest.status == "in_attendance"


def ballot(board, **choices):
    """Named votes: ballot(board, for_=["chair"], against=["ceo"], abstain=[...])."""
    out = {}
    for choice, keys in choices.items():
        for key in keys:
            out[board.seat[key].pk] = choice.rstrip("_")
    return out


def _decision_item(ics, meeting, **kwargs):
    return agenda.item_add(
        actor=ics["secretariat"],
        meeting=meeting,
        title="Approve the plan",
        purpose="decision",
        **kwargs,
    )


def test_votes_and_casting_vote(ics, board, held):
    attend(ics, board, held, present={"chair", "nec1", "nec2", "ceo", "cfo", "partner_trust"})
    item = _decision_item(ics, held)
    six = ["chair", "nec1", "nec2", "ceo", "cfo", "partner_trust"]
    with pytest.raises(ValidationError) as exc:  # the absent council member may not vote
        conduct.item_decide(
            actor=ics["secretariat"],
            item=item,
            votes=ballot(board, for_=six[:4], against=six[4:], abstain=["partner_council"]),
        )
    assert "May not vote" in exc.value.message_dict["votes"][0]
    with pytest.raises(ValidationError) as exc:  # every member present votes (or abstains)
        conduct.item_decide(actor=ics["secretariat"], item=item, votes=ballot(board, for_=six[:4]))
    assert "Record a vote for" in exc.value.message_dict["votes"][0]
    d = conduct.item_decide(
        actor=ics["secretariat"],
        item=item,
        votes=ballot(board, for_=six[:3], against=six[3:]),
        casting_vote="for",
        resolution="The plan is approved.",
    )
    assert d.outcome == Outcome.APPROVED and d.casting_vote_used and d.quorate
    assert (d.votes_for, d.votes_against, d.abstentions) == (3, 3, 0)  # derived
    assert {v.name: v.choice for v in d.votes.all()}["Olu Adeyemi"] == "for"
    with pytest.raises(ValidationError):
        conduct.item_decide(actor=ics["secretariat"], item=item, outcome="approved")

    other = _decision_item(ics, held)
    with pytest.raises(ValidationError) as exc:
        conduct.item_decide(
            actor=ics["secretariat"],
            item=other,
            votes=ballot(board, for_=six[:4], against=six[4:]),
            casting_vote="for",
        )
    assert "casting_vote" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        conduct.item_decide(
            actor=ics["secretariat"],
            item=other,
            outcome="approved",
            votes=ballot(board, for_=six[:1], against=six[1:5], abstain=six[5:]),
        )
    assert "outcome" in exc.value.message_dict
    d = conduct.item_decide(
        actor=ics["secretariat"],
        item=other,
        votes=ballot(board, for_=six[:1], against=six[1:5], abstain=six[5:]),
    )
    assert d.outcome == Outcome.REJECTED
    assert (d.votes_for, d.votes_against, d.abstentions) == (1, 4, 1)


def test_no_casting_vote_where_terms_do_not_give_one(ics, board, held):
    from governance.meetings.services.committees import committee_update

    committee_update(actor=ics["secretariat"], committee=board, chair_has_casting_vote=False)
    attend(ics, board, held, present={"chair", "nec1", "nec2", "ceo"})
    item = _decision_item(ics, held)
    tie = ballot(board, for_=["chair", "nec1"], against=["nec2", "ceo"])
    with pytest.raises(ValidationError) as exc:
        conduct.item_decide(actor=ics["secretariat"], item=item, votes=tie, casting_vote="for")
    assert "casting_vote" in exc.value.message_dict
    d = conduct.item_decide(actor=ics["secretariat"], item=item, votes=tie)
    assert d.outcome == Outcome.REJECTED and not d.casting_vote_used


def test_inquorate_item_cannot_be_decided_but_can_be_deferred(ics, board, held):
    attend(ics, board, held, present={"chair", "ceo", "partner_trust"})
    item = _decision_item(ics, held)
    with pytest.raises(ValidationError) as exc:
        conduct.item_decide(actor=ics["secretariat"], item=item, outcome="approved")
    assert "not quorate" in exc.value.message_dict["outcome"][0]
    d = conduct.item_decide(actor=ics["secretariat"], item=item, outcome="deferred")
    assert not d.quorate


def test_noting_item_is_not_approved(ics, held):
    item = agenda.item_add(actor=ics["secretariat"], meeting=held, title="Report", purpose="noting")
    with pytest.raises(ValidationError):
        conduct.item_decide(actor=ics["secretariat"], item=item, outcome="approved")
    assert conduct.item_decide(actor=ics["secretariat"], item=item, outcome="noted")


def test_conflicted_members_excluded_from_quorum_and_vote(ics, board, held, people, ready_proposal):
    """Declarations are pre-filled from the register; the chair's exclusions take the
    conflicted members out of the item's quorum and its vote, and are recorded."""
    p = ready_proposal(value="750000")
    # two members have declared interests in the proposing trust (a party to the proposal)
    for key in ("nec2", "partner_trust"):
        interest_declare(
            actor=people[key],
            person=people[key],
            interest_type="financial",
            description="Shareholding in a supplier to the trust",
            related_organisation=ics["trust"],
            valid_from=datetime.date(2024, 1, 1),
        )
    item = agenda.item_table_subject(actor=ics["secretariat"], meeting=held, subject=p)
    attend(ics, board, held, present={"chair", "nec1", "nec2", "ceo", "partner_trust"})
    assert selectors.quorum_of(held).quorate  # 5 of 4 needed

    assert conduct.declarations_prefill(actor=ics["secretariat"], meeting=held) == 2
    assert conduct.declarations_prefill(actor=ics["secretariat"], meeting=held) == 0  # idempotent
    decls = list(item.declarations.order_by("person__username"))
    assert {d.person.username for d in decls} == {"nec2", "trust_sign"}
    assert all(d.source == DeclarationSource.REGISTER for d in decls)

    # the chair has not decided yet: no decision can be recorded
    with pytest.raises(ValidationError) as exc:
        conduct.item_decide(actor=ics["secretariat"], item=item, outcome="approved")
    assert "not yet decided" in str(exc.value)

    by_user = {d.person.username: d for d in decls}
    conduct.declaration_decide(
        actor=ics["secretariat"],
        declaration=by_user["trust_sign"],
        excluded_from_discussion=True,
        excluded_from_vote=True,
        chair_decision="Left the meeting for the item.",
    )
    conduct.declaration_decide(
        actor=ics["secretariat"],
        declaration=by_user["nec2"],
        excluded_from_discussion=False,
        excluded_from_vote=True,
        chair_decision="May remain for the discussion but not vote.",
    )
    q = selectors.quorum_of(held, item)
    assert q.counted == 3 and not q.quorate
    assert set(q.excluded) == {
        "Fiona Grant",
        by_user["trust_sign"].person.get_full_name() or "trust_sign",
    }
    with pytest.raises(ValidationError):
        conduct.item_decide(actor=ics["secretariat"], item=item, outcome="approved")
    # the meeting-level quorum is untouched by the item's exclusions
    assert selectors.quorum_of(held).quorate

    # another voting member arrives: the item is quorate again, but excluded members may not vote
    conduct.attendance_record(
        actor=ics["secretariat"], meeting=held, member=board.seat["cfo"], status="present"
    )
    with pytest.raises(ValidationError) as exc:  # the excluded member may not vote
        conduct.item_decide(
            actor=ics["secretariat"],
            item=item,
            votes=ballot(board, for_=["chair", "nec1", "ceo", "cfo", "nec2"]),
        )
    assert "Fiona Grant" in exc.value.message_dict["votes"][0]
    d = conduct.item_decide(
        actor=ics["secretariat"],
        item=item,
        votes=ballot(board, for_=["chair", "nec1", "ceo", "cfo"]),
        resolution="Approved as proposed.",
    )
    assert d.quorate and d.outcome == "approved"
    assert d.quorum["excluded"] and d.quorum["counted"] == 4
    assert (d.votes_for, d.votes_against, d.abstentions) == (4, 0, 0)

    # the decision flowed into the decision register and the proposal's workflow completed
    p.refresh_from_db()
    assert p.status == ProposalStatus.APPROVED
    entry = DecisionEntry.objects.get(proposal=p)
    assert entry.route == "meeting" and entry.committee.name == "Test ICB Board"
    assert entry.decided_by.startswith("the Test ICB Board, ")
    assert entry.meeting_item.subject == p
    assert entry.notes == "Approved as proposed."
    assert entry.decided_on == selectors.meeting_date(held)
    from viewflow.workflow.models import Process

    assert Process.objects.filter(artifact_object_id=p.pk, status="DONE").exists()
    # declarations are closed once decided
    with pytest.raises(ValidationError):
        conduct.declaration_decide(
            actor=ics["secretariat"],
            declaration=by_user["nec2"],
            excluded_from_discussion=False,
            excluded_from_vote=False,
            chair_decision="Changed my mind",
        )
    call_command("verify_audit")


def test_declaration_at_meeting_and_withdrawal(ics, board, held, people):
    item = _decision_item(ics, held)
    with pytest.raises(ValidationError):
        conduct.declaration_add(actor=ics["secretariat"], item=item, person=people["ceo"])
    d = conduct.declaration_add(
        actor=ics["secretariat"], item=item, person=people["ceo"], description="Brother works there"
    )
    with pytest.raises(ValidationError):
        conduct.declaration_decide(
            actor=ics["secretariat"],
            declaration=d,
            excluded_from_discussion=True,
            excluded_from_vote=True,
            chair_decision="",
            withdrawn=False,
        )
    conduct.declaration_decide(
        actor=ics["secretariat"],
        declaration=d,
        excluded_from_discussion=False,
        excluded_from_vote=False,
        chair_decision="Not a material interest.",
        withdrawn=True,
    )
    assert not Declaration.objects.get(pk=d.pk).is_excluded


def test_rejected_proposal_flows_to_register(ics, board, held, ready_proposal):
    p = ready_proposal(value="750000", title="Close the walk-in centre")
    item = agenda.item_table_subject(actor=ics["secretariat"], meeting=held, subject=p)
    attend(ics, board, held, present={"chair", "nec1", "nec2", "ceo", "cfo"})
    conduct.item_decide(
        actor=ics["secretariat"],
        item=item,
        votes=ballot(board, for_=["chair"], against=["nec1", "nec2", "ceo", "cfo"]),
    )
    p.refresh_from_db()
    assert p.status == ProposalStatus.REJECTED
    assert DecisionEntry.objects.get(proposal=p).outcome == "rejected"


def test_decision_rolls_back_if_owner_refuses(ics, board, held, ready_proposal):
    """If the owning app refuses the decision, nothing of it is recorded."""
    from decisions import services

    p = ready_proposal(value="750000")
    item = agenda.item_table_subject(actor=ics["secretariat"], meeting=held, subject=p)
    services.proposal_withdraw(actor=ics["secretariat"], proposal=p, reason="Overtaken")
    attend(ics, board, held, present={"chair", "nec1", "nec2", "ceo", "cfo"})
    with pytest.raises(ValidationError):
        conduct.item_decide(actor=ics["secretariat"], item=item, outcome="approved")
    item.refresh_from_db()
    assert not hasattr(item, "decision")
