"""Committees in common deciding a shared decision: the SoRD delegates a decision type to
three trusts' boards meeting in common; when one board does not approve, the proposal is
approved in part, binds only the trusts whose board approved, and the register records
each body's decision."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from decisions import services
from decisions.models import DecidedBy, DecisionEntry, DecisionOutcome, ProposalStatus
from decisions.services import sord as sord_services
from governance.audit.models import AuditEvent
from governance.meetings import publication
from governance.meetings.models import Outcome
from governance.meetings.services import agenda, conduct
from governance.organisations.models import Role
from governance.signoffs.models import SignOffRule
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide
from tests.meetings.partnerships import attend_all, trusts_in_common  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def collaborative_type(ics, sord_v1, sord_board, board_decides, trusts_in_common):  # noqa: F811
    """SoRD v2: "provider collaborative" decisions go to the boards in common."""
    sec = ics["secretariat"]
    dtype = sord_services.decision_type_create(
        actor=sec, code="provider-collaborative", name="Provider collaborative services"
    )
    draft = sord_services.sord_version_draft(actor=sec, summary="Provider collaborative.")
    sord_services.sord_draft_bands_replace(
        actor=sec,
        version=draft,
        decision_type=dtype,
        bands=[
            {
                "min_value": "0",
                "max_value": None,
                "decided_by": DecidedBy.COMMITTEE,
                "committee": trusts_in_common,
                "signoff_rule": SignOffRule.ALL,
            }
        ],
    )
    sord_services.sord_draft_update(
        actor=sec,
        version=draft,
        summary="Provider collaborative.",
        effective_from=timezone.localdate(),
    )
    change = sord_services.sord_version_propose(actor=sec, version=draft)
    services.proposal_review(actor=sec, proposal=change, accept=True)
    board_decides(change, "approved")
    return dtype


@pytest.fixture
def ready(ics, make_user, collaborative_type, trusts_in_common):  # noqa: F811
    """A pathology proposal binding the three trusts, signed off by each."""
    trusts = [b.organisation for b in trusts_in_common.boards]
    p = services.proposal_create(
        actor=ics["proposer"],
        proposing_organisation=ics["trust"],
        title="One laboratory information system for the pathology network",
        summary="Procure one LIMS for the three trusts' laboratories.",
        financial_value="3200000",
        decision_type=collaborative_type,
        affected_organisations=trusts,
    )
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    for org in trusts:
        signatory = make_user(org, Role.SIGNATORY, f"sign_{org.pk}")
        signoff = open_signoffs_for(signatory).get(subject_id=p.pk)
        signoff_decide(actor=signatory, signoff=signoff, outcome="approve")
    p.refresh_from_db()
    assert p.status == ProposalStatus.READY_FOR_DECISION
    assert p.sord_band.committee == trusts_in_common
    return p


def _tabled(ics, group, proposal):
    sec = ics["secretariat"]
    meeting = agenda.meeting_create(
        actor=sec,
        committee=group,
        start=timezone.now() - datetime.timedelta(minutes=5),
        location="Northmere General Hospital",
    )
    item = agenda.item_table_subject(actor=sec, meeting=meeting, subject=proposal)
    attend_all(sec, meeting, [m for b in group.boards for m in b.members.all()])
    return item


def test_one_board_disagrees_the_register_records_each_body(ics, ready, trusts_in_common):  # noqa: F811
    alder, birch, cedar = trusts_in_common.boards
    item = _tabled(ics, trusts_in_common, ready)
    decision = conduct.item_decide(
        actor=ics["secretariat"],
        item=item,
        resolution="Procure one laboratory information system.",
        body_outcomes={alder.pk: "approved", birch.pk: "approved", cedar.pk: "rejected"},
    )
    assert decision.outcome == Outcome.SPLIT
    ready.refresh_from_db()
    assert ready.status == ProposalStatus.APPROVED
    entry = DecisionEntry.objects.get(proposal=ready)
    assert entry.outcome == DecisionOutcome.APPROVED_IN_PART
    assert entry.meeting_item == item and entry.committee == trusts_in_common
    assert [(b["body"], b["outcome"]) for b in entry.body_outcomes] == [
        ("Alder Trust Board", "approved"),
        ("Birch Trust Board", "approved"),
        ("Cedar Trust Board", "rejected"),
    ]
    assert entry.statement.startswith(
        "Approved in part: approved by Alder Trust Board and Birch Trust Board, not by "
        "Cedar Trust Board, at the Test Provider Collaborative Boards in Common, "
    )
    assert "under SoRD v2" in entry.statement
    event = AuditEvent.objects.filter(verb="decision.registered").latest("seq")
    assert event.changes["bodies"]["Cedar Trust Board"] == "rejected"


def test_register_page_and_api_show_each_body(client, ics, ready, trusts_in_common):  # noqa: F811
    alder, birch, cedar = trusts_in_common.boards
    item = _tabled(ics, trusts_in_common, ready)
    conduct.item_decide(
        actor=ics["secretariat"],
        item=item,
        body_outcomes={alder.pk: "rejected", birch.pk: "approved", cedar.pk: "rejected"},
    )
    entry = DecisionEntry.objects.get(proposal=ready)
    page = client.get(f"/decisions/{entry.reference}/").content.decode()
    assert "Approved in part" in page and "Each body's decision" in page
    assert "Alder Trust Board" in page and "Cedar Trust Board" in page
    body = client.get(f"/api/v1/decisions/{entry.reference}/").json()
    assert body["outcome"] == "approved_in_part"
    assert {b["body"]: b["outcome"] for b in body["body_outcomes"]} == {
        "Alder Trust Board": "rejected",
        "Birch Trust Board": "approved",
        "Cedar Trust Board": "rejected",
    }
    m = agenda.meeting_close(actor=ics["secretariat"], meeting=item.meeting)
    [public] = publication.public_decisions(m)
    assert [(b.body, b.outcome) for b in public.bodies][1] == ("Birch Trust Board", "Approved")


def test_all_boards_approve_is_a_plain_approval(ics, ready, trusts_in_common):  # noqa: F811
    item = _tabled(ics, trusts_in_common, ready)
    conduct.item_decide(
        actor=ics["secretariat"],
        item=item,
        body_outcomes={b.pk: "approved" for b in trusts_in_common.boards},
    )
    entry = DecisionEntry.objects.get(proposal=ready)
    assert entry.outcome == DecisionOutcome.APPROVED and entry.body_outcomes == []


def test_every_board_rejects_is_a_rejection(ics, ready, trusts_in_common):  # noqa: F811
    item = _tabled(ics, trusts_in_common, ready)
    conduct.item_decide(
        actor=ics["secretariat"],
        item=item,
        body_outcomes={b.pk: "rejected" for b in trusts_in_common.boards},
    )
    ready.refresh_from_db()
    assert ready.status == ProposalStatus.REJECTED
    assert DecisionEntry.objects.get(proposal=ready).outcome == DecisionOutcome.REJECTED


def test_in_part_needs_a_split_and_a_body_of_the_group(ics, ready, trusts_in_common):  # noqa: F811
    alder, _birch, _cedar = trusts_in_common.boards
    item = _tabled(ics, trusts_in_common, ready)
    with pytest.raises(ValidationError, match="some bodies to approve and some not"):
        services.proposal_decide_in_common(
            actor=ics["secretariat"],
            proposal=ready,
            outcomes={b.organisation: "approved" for b in trusts_in_common.boards},
            item=item,
        )
    with pytest.raises(ValidationError, match="has no body in"):
        services.proposal_decide_in_common(
            actor=ics["secretariat"],
            proposal=ready,
            outcomes={alder.organisation: "approved", ics["council"]: "rejected"},
            item=item,
        )
    assert not DecisionEntry.objects.filter(proposal=ready).exists()
    ready.refresh_from_db()
    assert ready.status == ProposalStatus.READY_FOR_DECISION


def test_a_decider_cannot_choose_approved_in_part(ics, ready):
    with pytest.raises(ValidationError, match="Choose approved or rejected"):
        services.proposal_decide_at_meeting(
            actor=ics["secretariat"], proposal=ready, outcome="approved_in_part", item=None
        )
