"""What one sign-off costs, and that making it cheaper kept it right: the event order
(the sign-off before the round's conclusion it sets off), the API's answer, and the
conflict test for a signatory with and without declared interests."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from decisions import services
from decisions.models import ProposalStatus
from governance.audit.models import AuditEvent
from governance.interests.models import InterestType
from governance.interests.services import interest_declare
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.selectors import open_signoffs_for
from governance.signoffs.services import signoff_decide

pytestmark = pytest.mark.django_db

# One sign-off over the API (the round's first, which also starts the join), as measured
# on SQLite: authentication and the read-only check, the caller's visibility, the signer
# and conflict checks, the flow step and its audit event (three statements on SQLite,
# two on PostgreSQL), savepoints, the answer. A plain sign-off on PostgreSQL went from
# 44 statements to 31 (bench/signoff_profile.py).
DECIDE_QUERIES = 36


def _submitted(ics, make_proposal, value="50000"):
    p = make_proposal(value)
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    services.proposal_review(actor=ics["secretariat"], proposal=p, accept=True)
    return p


def _client(user) -> APIClient:
    client = APIClient()
    r = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": "pw"}, format="json"
    )
    assert r.status_code == 200, r.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
    return client


def test_the_last_signoff_is_recorded_before_the_conclusion_it_sets_off(ics, make_proposal):
    p = _submitted(ics, make_proposal)
    for who in ("trust_sign", "council_sign", "vcse_sign"):
        signoff = open_signoffs_for(ics[who]).get(subject_id=p.pk)
        signoff_decide(actor=ics[who], signoff=signoff, outcome="approve")
    p.refresh_from_db()
    assert p.status == ProposalStatus.READY_FOR_DECISION
    last_two = list(AuditEvent.objects.order_by("-seq").values_list("seq", "verb", "actor_id")[:2])
    (ready_seq, ready_verb, ready_actor), (signed_seq, signed_verb, signed_actor) = last_two
    assert (signed_verb, ready_verb) == ("signoff.approved", "proposal.ready_for_decision")
    assert ready_seq == signed_seq + 1  # in call order, nothing in between
    assert signed_actor == ics["vcse_sign"].pk and ready_actor is None
    call_command("verify_audit")


def test_decide_over_the_api_answers_the_decided_signoff_in_bounded_queries(ics, make_proposal):
    p = _submitted(ics, make_proposal)
    signoff = SignOff.objects.get(subject_id=p.pk, organisation=ics["council"])
    client = _client(ics["council_sign"])
    with CaptureQueriesContext(connection) as queries:
        r = client.post(
            f"/api/v1/signoffs/{signoff.pk}/decide/", {"outcome": "approve"}, format="json"
        )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["id"] == signoff.pk and body["status"] == SignOffStatus.APPROVED
    assert body["organisation"]["id"] == ics["council"].pk
    assert body["signatory"]["id"] == ics["council_sign"].pk
    assert body["subject"]["id"] == p.pk and body["conflicts"] == []
    assert body["decided_at"]
    assert len(queries) <= DECIDE_QUERIES, "\n".join(q["sql"][:120] for q in queries)
    signoff.refresh_from_db()
    assert signoff.status == SignOffStatus.APPROVED and signoff.signatory == ics["council_sign"]


def test_decide_over_the_api_refuses_another_organisations_signatory(ics, make_proposal):
    p = _submitted(ics, make_proposal)
    signoff = SignOff.objects.get(subject_id=p.pk, organisation=ics["council"])
    r = _client(ics["trust_sign"]).post(
        f"/api/v1/signoffs/{signoff.pk}/decide/", {"outcome": "approve"}, format="json"
    )
    assert r.status_code in (403, 404)
    signoff.refresh_from_db()
    assert signoff.status == SignOffStatus.PENDING


def test_an_interest_in_a_party_still_refuses_the_signatory(ics, make_proposal):
    """The shortcut for signatories with no interest in force must not skip the test
    for those who have one."""
    p = _submitted(ics, make_proposal)
    interest_declare(
        actor=ics["council_sign"],
        person=ics["council_sign"],
        interest_type=InterestType.FINANCIAL,
        related_organisation=ics["trust"],
        description="Spouse is a director of the trust.",
        valid_from=datetime.date(2020, 1, 1),
    )
    signoff = SignOff.objects.get(subject_id=p.pk, organisation=ics["council"])
    r = _client(ics["council_sign"]).post(
        f"/api/v1/signoffs/{signoff.pk}/decide/", {"outcome": "approve"}, format="json"
    )
    assert r.status_code == 400, r.content
    assert "declared an interest" in str(r.json())
    signoff.refresh_from_db()
    assert signoff.status == SignOffStatus.PENDING


def test_an_interest_in_no_party_does_not_refuse(ics, make_proposal, make_org):
    p = _submitted(ics, make_proposal)
    elsewhere = make_org("Far Away Trust")
    interest_declare(
        actor=ics["council_sign"],
        person=ics["council_sign"],
        interest_type=InterestType.FINANCIAL,
        related_organisation=elsewhere,
        description="Shares in an unrelated trust's supplier.",
        valid_from=datetime.date(2020, 1, 1),
    )
    signoff = SignOff.objects.get(subject_id=p.pk, organisation=ics["council"])
    decided = signoff_decide(actor=ics["council_sign"], signoff=signoff, outcome="approve")
    assert decided.status == SignOffStatus.APPROVED
