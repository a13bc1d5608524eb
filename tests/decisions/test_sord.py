"""The Scheme of Reservation and Delegation: band validation, versions that take effect
only when the board approves them, routing by the version in force, and an admin that
cannot bypass any of it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from decisions import services, sord
from decisions.models import (
    SORD_CHANGE_CODE,
    DecidedBy,
    DecisionEntry,
    DecisionType,
    ProposalStatus,
    SordBand,
    SordVersion,
    SordVersionStatus,
)
from decisions.services import sord as sord_services
from governance.audit.models import AuditEvent
from governance.signoffs.models import SignOffRule
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide

pytestmark = pytest.mark.django_db


def band(lo, hi, by=DecidedBy.BOARD, rule=SignOffRule.ALL, committee=None, post=None):
    return {
        "min_value": lo,
        "max_value": hi,
        "decided_by": by,
        "signoff_rule": rule,
        "committee": committee,
        "officer_post": post,
    }


# --- validation of a decision type's bands -----------------------------------------------


def test_complete_scheme_is_valid(sord_board, finance_post):
    sord.validate_bands(
        [
            band("0", "100000", DecidedBy.OFFICER, post=finance_post),
            band("100000", None, committee=sord_board),
        ]
    )


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        (lambda b, f, p: [band("0", "100", committee=b), band("50", None, committee=b)], "overlap"),
        (
            lambda b, f, p: [band("0", "100", committee=b), band("150", None, committee=b)],
            "Gap: no band covers £100.00 up to £150.00",
        ),
        (lambda b, f, p: [band("10", None, committee=b)], "must start at £0"),
        (lambda b, f, p: [band("0", "100", committee=b)], "top band must have no maximum"),
        (lambda b, f, p: [band("0", None, DecidedBy.COMMITTEE)], "choose the committee"),
        (lambda b, f, p: [band("0", None, DecidedBy.OFFICER)], "choose the officer post"),
        (lambda b, f, p: [band("0", None, DecidedBy.BOARD, committee=f)], "choose the board"),
        (
            lambda b, f, p: [band("0", None, DecidedBy.OFFICER, committee=f, post=p)],
            "names a post, not a committee",
        ),
        (lambda b, f, p: [band("0", "0", committee=b)], "must be above the minimum"),
        (lambda b, f, p: [], "at least one band"),
    ],
)
def test_invalid_schemes_are_refused_with_a_clear_message(
    bands, message, sord_board, fpc, finance_post
):
    with pytest.raises(ValidationError) as exc:
        sord.validate_bands(bands(sord_board, fpc, finance_post))
    assert message in " ".join(exc.value.messages)


# --- routing by the version in force ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "by", "decider", "rule"),
    [
        ("0", DecidedBy.OFFICER, "Director of Finance", SignOffRule.ALL),
        ("99999.99", DecidedBy.OFFICER, "Director of Finance", SignOffRule.ALL),
        ("100000", DecidedBy.COMMITTEE, "Finance and Performance Committee", "majority"),
        ("500000", DecidedBy.BOARD, "ICB Board", SignOffRule.ALL),
        ("9000000", DecidedBy.BOARD, "ICB Board", SignOffRule.ALL),
    ],
)
def test_routing_by_value(make_proposal, value, by, decider, rule):
    routing = sord.route(make_proposal(value))
    assert (routing.decided_by, routing.decider_label, routing.signoff_rule) == (
        by,
        decider,
        rule,
    )
    assert routing.band.version.number == 1


def test_no_scheme_in_force_is_a_clear_error(ics, make_proposal, decision_type):
    SordVersion.objects.update(effective_from=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        sord.route(make_proposal("10"))
    assert "No Scheme of Reservation and Delegation is in force" in " ".join(exc.value.messages)


def test_a_type_left_out_of_the_version_cannot_be_routed(ics, sord_v1):
    other = sord_services.decision_type_create(
        actor=ics["secretariat"], code="estates", name="Estates"
    )
    with pytest.raises(ValidationError) as exc:
        sord.band_for(other, Decimal("5"))
    assert "No band of Estates in SoRD v1" in exc.value.message_dict["financial_value"][0]


# --- a new version: drafted in the app, approved by the board, in force from a date ----------


def _draft_raising_the_officer_limit(ics, sord_board, fpc, finance_post, decision_type):
    sec = ics["secretariat"]
    draft = sord_services.sord_version_draft(actor=sec, summary="Raise the DoF's limit.")
    assert draft.number == 2 and draft.status == SordVersionStatus.DRAFT
    assert draft.bands.count() == SordBand.objects.filter(version__number=1).count()  # copied
    sord_services.sord_draft_bands_replace(
        actor=sec,
        version=draft,
        decision_type=decision_type,
        bands=[
            band("0", "250000", DecidedBy.OFFICER, post=finance_post),
            band("250000", "500000", DecidedBy.COMMITTEE, rule="majority", committee=fpc),
            band("500000", None, committee=sord_board),
        ],
        reason="Inflation since 2020",
    )
    return draft


def _through_signoff(ics, p):
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    for who in ("trust_sign", "council_sign", "vcse_sign"):
        signoff = open_signoffs_for(ics[who]).filter(subject_id=p.pk).first()
        if signoff is not None:
            signoff_decide(actor=ics[who], signoff=signoff, outcome="approve")
    p.refresh_from_db()
    return p


def test_a_draft_takes_effect_only_when_the_board_approves_it(
    ics, sord_board, fpc, finance_post, decision_type, make_proposal, board_decides
):
    sec = ics["secretariat"]
    # decided under v1 before the change: keeps pointing at v1
    before = _through_signoff(ics, make_proposal("200000", title="Before the change"))
    assert before.sord_band.version.number == 1
    assert before.decider_label == "Finance and Performance Committee"

    draft = _draft_raising_the_officer_limit(ics, sord_board, fpc, finance_post, decision_type)
    # a draft changes nothing: £200k still goes to the committee
    assert sord.route(make_proposal("200000")).decided_by == DecidedBy.COMMITTEE
    with pytest.raises(ValidationError) as exc:
        sord_services.sord_version_propose(actor=sec, version=draft)
    assert "effective_from" in exc.value.message_dict
    effective = timezone.localdate()
    sord_services.sord_draft_update(
        actor=sec, version=draft, summary="Raise the DoF's limit.", effective_from=effective
    )
    proposal = sord_services.sord_version_propose(actor=sec, version=draft)
    draft.refresh_from_db()
    assert draft.status == SordVersionStatus.PROPOSED and draft.proposal == proposal
    assert proposal.status == ProposalStatus.SUBMITTED
    with pytest.raises(ValidationError):  # locked while before the board
        sord_services.sord_draft_bands_replace(
            actor=sec,
            version=draft,
            decision_type=decision_type,
            bands=[band("0", None, committee=sord_board)],
        )
    services.proposal_review(actor=sec, proposal=proposal, accept=True)
    proposal.refresh_from_db()
    # reserved to the board, with no partner sign-off under v1
    assert proposal.status == ProposalStatus.READY_FOR_DECISION
    assert proposal.sord_band.committee == sord_board
    with pytest.raises(ValidationError, match="board at a meeting"):
        services.proposal_decide_by_chairs_action(
            actor=ics["secretariat"],
            proposal=proposal,
            outcome="approved",
            reason="x",
            second_member=ics["icb_sign"],
        )
    assert SordVersion.objects.in_force().number == 1

    board_decides(proposal, "approved")
    draft.refresh_from_db()
    assert draft.status == SordVersionStatus.APPROVED
    assert draft.effective_from == effective and draft.approved_on == effective
    assert SordVersion.objects.in_force().number == 2

    # a new proposal is routed by v2: £200k is now the Director of Finance's
    after = _through_signoff(ics, make_proposal("200000", title="After the change"))
    assert after.sord_band.version.number == 2
    assert after.decided_by == DecidedBy.OFFICER
    entry = services.proposal_decide_as_officer(
        actor=ics["icb_sign"], proposal=after, outcome="approved", reason="Agreed"
    )
    assert entry.sord_version.number == 2 and entry.delegation.version.number == 2
    assert "under SoRD v2, band £0 up to £250,000" in entry.statement
    # the earlier one is still for the committee under v1
    before.refresh_from_db()
    assert before.sord_band.version.number == 1
    verbs = set(AuditEvent.objects.filter(verb__startswith="sord.").values_list("verb", flat=True))
    assert {
        "sord.version_drafted",
        "sord.bands_replaced",
        "sord.version_updated",
        "sord.version_proposed",
        "sord.version_approved",
    } <= verbs


def test_an_approved_version_takes_effect_from_its_stated_date(
    ics, sord_board, fpc, finance_post, decision_type, make_proposal, board_decides
):
    sec = ics["secretariat"]
    draft = _draft_raising_the_officer_limit(ics, sord_board, fpc, finance_post, decision_type)
    later = timezone.localdate() + datetime.timedelta(days=30)
    sord_services.sord_draft_update(actor=sec, version=draft, summary="x", effective_from=later)
    proposal = sord_services.sord_version_propose(actor=sec, version=draft)
    services.proposal_review(actor=sec, proposal=proposal, accept=True)
    board_decides(proposal, "approved")
    assert SordVersion.objects.in_force().number == 1  # not yet
    assert SordVersion.objects.in_force(later).number == 2
    assert sord.route(make_proposal("200000")).decided_by == DecidedBy.COMMITTEE


def test_a_rejected_or_withdrawn_draft_never_takes_effect(
    ics, sord_board, fpc, finance_post, decision_type, board_decides
):
    sec = ics["secretariat"]
    draft = _draft_raising_the_officer_limit(ics, sord_board, fpc, finance_post, decision_type)
    sord_services.sord_draft_update(
        actor=sec, version=draft, summary="x", effective_from=timezone.localdate()
    )
    proposal = sord_services.sord_version_propose(actor=sec, version=draft)
    services.proposal_withdraw(actor=sec, proposal=proposal, reason="Needs more work")
    draft.refresh_from_db()
    assert draft.status == SordVersionStatus.DRAFT and draft.proposal is None
    proposal = sord_services.sord_version_propose(actor=sec, version=draft)
    services.proposal_review(actor=sec, proposal=proposal, accept=True)
    board_decides(proposal, "rejected")
    draft.refresh_from_db()
    assert draft.status == SordVersionStatus.REJECTED
    assert SordVersion.objects.in_force().number == 1


def test_sord_change_must_stay_reserved_to_the_board(ics, sord_v1, fpc, sord_board):
    sec = ics["secretariat"]
    draft = sord_services.sord_version_draft(actor=sec)
    with pytest.raises(ValidationError, match="reserved to the board"):
        sord_services.sord_draft_bands_replace(
            actor=sec,
            version=draft,
            decision_type=sord_v1.types[SORD_CHANGE_CODE],
            bands=[band("0", None, DecidedBy.COMMITTEE, committee=fpc)],
        )
    with pytest.raises(ValidationError, match="board"):
        sord_services.sord_draft_type_remove(
            actor=sec, version=draft, decision_type=sord_v1.types[SORD_CHANGE_CODE]
        )


def test_only_one_draft_at_a_time_and_only_the_icb_secretariat(ics, sord_v1):
    for who in ("proposer", "trust_sign", "auditor", "icb_sign"):
        with pytest.raises(PermissionDenied):
            sord_services.sord_version_draft(actor=ics[who])
    sord_services.sord_version_draft(actor=ics["secretariat"])
    with pytest.raises(ValidationError, match="already draft"):
        sord_services.sord_version_draft(actor=ics["secretariat"])


def test_initial_adoption_only_once(ics, sord_v1):
    draft = sord_services.sord_version_draft(actor=ics["secretariat"])
    with pytest.raises(ValidationError, match="already in force"):
        sord_services.sord_initial_adopt(
            actor=ics["secretariat"],
            version=draft,
            approved_on=datetime.date(2021, 1, 1),
            board_minute="Minute 1",
        )


def test_bad_bands_write_nothing(ics, sord_v1, decision_type, sord_board):
    sec = ics["secretariat"]
    draft = sord_services.sord_version_draft(actor=sec)
    before = list(draft.bands.filter(decision_type=decision_type).values_list("pk", flat=True))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        sord_services.sord_draft_bands_replace(
            actor=sec,
            version=draft,
            decision_type=decision_type,
            bands=[band("0", "10", committee=sord_board), band("20", None, committee=sord_board)],
        )
    assert list(draft.bands.filter(decision_type=decision_type).values_list("pk", flat=True)) == (
        before
    )
    assert AuditEvent.objects.count() == events


# --- the Django admin cannot change the SoRD ------------------------------------------------


def test_admin_is_read_only_for_the_sord(client, superuser, sord_v1, decision_type):
    client.force_login(superuser)
    b = SordBand.objects.filter(version=sord_v1).first()
    assert client.get(f"/admin/decisions/sordversion/{sord_v1.pk}/change/").status_code == 200
    for url, data in (
        (f"/admin/decisions/decisiontype/{decision_type.pk}/change/", {"name": "Changed"}),
        (f"/admin/decisions/sordband/{b.pk}/change/", {"min_value": "5"}),
        (f"/admin/decisions/sordversion/{sord_v1.pk}/change/", {"status": "draft"}),
        ("/admin/decisions/sordversion/add/", {"number": "9"}),
        (f"/admin/decisions/sordband/{b.pk}/delete/", {"post": "yes"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 403, url
    assert DecisionType.objects.get(pk=decision_type.pk).name == "Service commissioning"
    assert SordBand.objects.get(pk=b.pk).min_value == b.min_value
    sord_v1.refresh_from_db()
    assert sord_v1.status == SordVersionStatus.APPROVED
    assert not DecisionEntry.objects.exists()


def test_a_version_is_valid_until_the_next_one_takes_effect(
    ics, sord_board, fpc, finance_post, decision_type, board_decides
):
    sec = ics["secretariat"]
    v1 = SordVersion.objects.get(number=1)
    assert v1.valid_until is None
    draft = _draft_raising_the_officer_limit(ics, sord_board, fpc, finance_post, decision_type)
    later = timezone.localdate() + datetime.timedelta(days=10)
    sord_services.sord_draft_update(actor=sec, version=draft, summary="x", effective_from=later)
    assert draft.valid_until is None  # a draft applies on no day
    proposal = sord_services.sord_version_propose(actor=sec, version=draft)
    services.proposal_review(actor=sec, proposal=proposal, accept=True)
    board_decides(proposal, "approved")
    assert v1.valid_until == later - datetime.timedelta(days=1)
    assert SordVersion.objects.get(number=2).valid_until is None
