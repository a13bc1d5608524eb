"""No decision without a named decider: every path names the person(s) or the meeting
item, and the delegation and SoRD version; every other way of recording one is refused
with a clear message."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from decisions import services
from decisions.models import (
    ChairsAction,
    DecisionEntry,
    DecisionRoute,
    PostHolder,
    ProposalStatus,
)
from decisions.selectors import chairs_actions_for_report
from decisions.services import sord as sord_services
from governance import subjects
from governance.deputies.services import deputy_appoint
from governance.interests.services import interest_declare
from governance.organisations.models import Role
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def ready(ics, make_proposal, value, **kwargs):
    """A proposal through review and every partner's sign-off."""
    p = make_proposal(value, **kwargs)
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    for who in ("trust_sign", "council_sign", "vcse_sign"):
        signoff = open_signoffs_for(ics[who]).filter(subject_id=p.pk).first()
        if signoff is not None:
            signoff_decide(actor=ics[who], signoff=signoff, outcome="approve")
    p.refresh_from_db()
    assert p.status == ProposalStatus.READY_FOR_DECISION
    return p


# --- officer band ------------------------------------------------------------------------


def test_officer_decision_names_the_post_holder_and_the_delegation(ics, make_proposal):
    p = ready(ics, make_proposal, "40000")
    entry = services.proposal_decide_as_officer(
        actor=ics["icb_sign"], proposal=p, outcome="rejected", reason="Not a priority this year"
    )
    assert entry.route == DecisionRoute.OFFICER
    assert list(entry.deciders.all()) == [ics["icb_sign"]]
    assert entry.decided_by == "icb_sign, Director of Finance"
    assert entry.delegation == p.sord_band and entry.sord_version.number == 1
    assert entry.recorded_by == ics["icb_sign"] and entry.notes == "Not a priority this year"
    assert entry.statement.startswith("Rejected by icb_sign, Director of Finance, ")
    assert entry.statement.endswith("under SoRD v1, band £0 up to £100,000")
    p.refresh_from_db()
    assert p.status == ProposalStatus.REJECTED


@pytest.mark.parametrize("who", ["secretariat", "proposer", "trust_sign", "auditor", "outsider"])
def test_only_the_post_holder_decides_an_officer_band(ics, make_proposal, who):
    p = ready(ics, make_proposal, "40000")
    with pytest.raises(PermissionDenied) as exc:
        services.proposal_decide_as_officer(
            actor=ics[who], proposal=p, outcome="approved", reason="x"
        )
    assert "Only the Director of Finance (icb_sign) or a named deputy" in str(exc.value)
    assert not DecisionEntry.objects.filter(proposal=p).exists()


def test_a_former_post_holder_cannot_decide(ics, make_proposal, finance_post):
    p = ready(ics, make_proposal, "40000")
    holding = PostHolder.objects.get(post=finance_post, user=ics["icb_sign"])
    sord_services.post_holder_end(
        actor=ics["secretariat"], holding=holding, last_day=TODAY() - datetime.timedelta(days=1)
    )
    with pytest.raises(PermissionDenied, match="post vacant"):
        services.proposal_decide_as_officer(
            actor=ics["icb_sign"], proposal=p, outcome="approved", reason="x"
        )


def test_a_conflicted_officer_cannot_decide(ics, make_proposal):
    interest_declare(
        actor=ics["icb_sign"],
        person=ics["icb_sign"],
        interest_type="financial",
        description="Shares in the trust's subsidiary",
        related_organisation=ics["trust"],
        valid_from=datetime.date(2020, 1, 1),
    )
    p = ready(ics, make_proposal, "40000")
    with pytest.raises(ValidationError, match="declared an interest in Acute Trust"):
        services.proposal_decide_as_officer(
            actor=ics["icb_sign"], proposal=p, outcome="approved", reason="x"
        )


def test_reason_and_outcome_are_required(ics, make_proposal):
    p = ready(ics, make_proposal, "40000")
    with pytest.raises(ValidationError) as exc:
        services.proposal_decide_as_officer(
            actor=ics["icb_sign"], proposal=p, outcome="approved", reason="  "
        )
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.proposal_decide_as_officer(
            actor=ics["icb_sign"], proposal=p, outcome="maybe", reason="x"
        )
    assert "outcome" in exc.value.message_dict


def test_a_deputy_decides_within_the_dates_and_not_outside(ics, make_proposal, make_user):
    deputy = make_user(ics["icb"], Role.MEMBER, "deputy_dof")
    deputy.first_name, deputy.last_name = "Jo", "Bloggs"
    deputy.save()
    principal = ics["icb_sign"]
    principal.first_name, principal.last_name = "Sam", "Smith"
    principal.save()
    start = TODAY() + datetime.timedelta(days=1)
    deputy_appoint(
        actor=ics["secretariat"],
        principal=principal,
        deputy=deputy,
        organisation=ics["icb"],
        valid_from=start,
        valid_to=start + datetime.timedelta(days=13),
        reason="Annual leave",
    )
    p = ready(ics, make_proposal, "40000")
    with pytest.raises(PermissionDenied):  # not yet
        services.proposal_decide_as_officer(
            actor=deputy, proposal=p, outcome="approved", reason="x"
        )
    deputy_appoint(
        actor=ics["secretariat"],
        principal=principal,
        deputy=deputy,
        organisation=ics["icb"],
        valid_from=TODAY(),
        valid_to=TODAY(),
        reason="Today only",
    )
    entry = services.proposal_decide_as_officer(
        actor=deputy, proposal=p, outcome="approved", reason="Urgent"
    )
    assert entry.decided_by.startswith("Jo Bloggs for Sam Smith (deputy, ")
    assert set(entry.deciders.all()) == {deputy, principal}


# --- committee and board bands: a meeting item or chair's action only ----------------------


def test_a_committee_band_cannot_be_decided_by_an_officer(ics, make_proposal, fpc):
    p = ready(ics, make_proposal, "200000")
    with pytest.raises(ValidationError, match="reserved to the Finance and Performance Committee"):
        services.proposal_decide_as_officer(
            actor=ics["icb_sign"], proposal=p, outcome="approved", reason="x"
        )


def test_the_meeting_hook_needs_the_deciding_committees_own_item(
    ics, make_proposal, fpc, board_decides, sord_board
):
    p = ready(ics, make_proposal, "200000")
    hook = subjects.for_model(p).on_board_decision
    with pytest.raises(ValidationError, match="agenda item of a meeting"):
        hook(p, actor=ics["secretariat"], outcome="approved", decided_by="The board")
    # the board's meeting cannot even table a decision delegated to the committee
    with pytest.raises(ValidationError, match="for the Finance and Performance Committee to"):
        board_decides(p, "approved")
    assert not DecisionEntry.objects.filter(proposal=p).exists()


def test_a_board_decision_names_the_meeting_and_item(ics, make_proposal, board_decides):
    p = ready(ics, make_proposal, "750000")
    item = board_decides(p, "approved")
    entry = DecisionEntry.objects.get(proposal=p)
    assert entry.route == DecisionRoute.MEETING
    assert entry.meeting_item == item and entry.committee.name == "ICB Board"
    assert f"item {item.position}" in entry.decided_by
    assert entry.statement.startswith("Approved by the ICB Board, ")
    assert "under SoRD v1, band £500,000 and above" in entry.statement


def test_chairs_action_refusals(ics, make_proposal, fpc, make_user):
    p = ready(ics, make_proposal, "200000")
    chair, ned = fpc.chair_user, fpc.ned_user

    def act(actor, second, **kw):
        return services.proposal_decide_by_chairs_action(
            actor=actor,
            proposal=p,
            outcome=kw.get("outcome", "approved"),
            reason=kw.get("reason", "Cannot wait"),
            second_member=second,
        )

    with pytest.raises(PermissionDenied, match="Only the chair"):
        act(ned, chair)
    with pytest.raises(ValidationError, match="another voting member"):
        act(chair, chair)
    with pytest.raises(ValidationError, match="another voting member"):
        act(chair, ics["council_sign"])
    with pytest.raises(ValidationError) as exc:
        act(chair, ned, reason="")
    assert "reason" in exc.value.message_dict
    interest_declare(
        actor=ned,
        person=ned,
        interest_type="non_financial_personal",
        description="Volunteer at the VCSE Alliance",
        related_organisation=ics["vcse"],
        valid_from=datetime.date(2020, 1, 1),
    )
    with pytest.raises(ValidationError, match="cannot take part in chair's action"):
        act(chair, ned)
    assert not ChairsAction.objects.exists()
    entry = act(chair, ics["icb_sign"])
    assert entry.route == DecisionRoute.CHAIRS_ACTION
    assert set(entry.deciders.all()) == {chair, ics["icb_sign"]}
    assert entry.chairs_action.reason == "Cannot wait"


def test_chairs_action_is_listed_for_report_at_the_next_meeting(ics, make_proposal, fpc):
    p = ready(ics, make_proposal, "200000")
    services.proposal_decide_by_chairs_action(
        actor=fpc.chair_user,
        proposal=p,
        outcome="approved",
        reason="Contract deadline",
        second_member=fpc.ned_user,
    )
    rows = chairs_actions_for_report(fpc, TODAY() - datetime.timedelta(days=30), TODAY())
    assert [r["label"] for r in rows] == [f"{p.reference} Community beds"]
    assert "chair's action of Cath Chair with fpc_ned" in rows[0]["summary"]
    assert chairs_actions_for_report(fpc, TODAY() + datetime.timedelta(days=1), TODAY()) == []


def test_register_entry_cannot_exist_without_its_decider(ics, make_proposal):
    p = ready(ics, make_proposal, "750000")
    base = {
        "proposal": p,
        "reference": p.reference,
        "title": p.title,
        "outcome": "approved",
        "decided_on": TODAY(),
        "is_confidential": False,
        "financial_value": p.financial_value,
    }
    for fields in (
        {"route": DecisionRoute.MEETING, "decided_by": "The board"},  # no item
        {"route": DecisionRoute.CHAIRS_ACTION, "decided_by": "The chair"},  # no action
        {"route": DecisionRoute.OFFICER, "decided_by": "An officer"},  # no delegation
        {"route": DecisionRoute.OFFICER, "decided_by": "", "delegation": p.sord_band},
        {"route": "system", "decided_by": "system", "delegation": p.sord_band},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            DecisionEntry.objects.create(**base, **fields)


def test_the_meeting_path_refuses_another_bodys_item(ics, make_proposal, fpc, sord_board):
    from governance.meetings.services import agenda

    p = ready(ics, make_proposal, "200000")
    meeting = agenda.meeting_create(
        actor=ics["secretariat"],
        committee=sord_board,
        start=timezone.now() - datetime.timedelta(minutes=1),
        location="Boardroom",
    )
    item = agenda.item_add(
        actor=ics["secretariat"], meeting=meeting, title="Any other business", purpose="decision"
    )
    with pytest.raises(ValidationError, match="ICB Board cannot decide this proposal"):
        services.proposal_decide_at_meeting(
            actor=ics["secretariat"], proposal=p, outcome="approved", item=item
        )
    fpc_meeting = agenda.meeting_create(
        actor=ics["secretariat"],
        committee=fpc,
        start=timezone.now() - datetime.timedelta(minutes=1),
        location="Boardroom",
    )
    other = agenda.item_add(
        actor=ics["secretariat"], meeting=fpc_meeting, title="Something else", purpose="decision"
    )
    with pytest.raises(ValidationError, match="not about this proposal"):
        services.proposal_decide_at_meeting(
            actor=ics["secretariat"], proposal=p, outcome="approved", item=other
        )
    assert not DecisionEntry.objects.filter(proposal=p).exists()
