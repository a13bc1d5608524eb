"""Simultaneous API calls (PostgreSQL): final approvals finish the flow once, and two
signatories of one organisation answering the same sign-off at once record one answer."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from decisions.models import DecisionEntry
from governance.audit.models import AuditEvent
from governance.signoffs.models import SignOff
from tests.decisions.test_api_flows import PROPOSALS, SIGNOFFS, make_api

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(calls):
    """Run ``calls`` (client, url, body) in threads released together; the responses."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, client, url, body):
        try:
            barrier.wait()
            results[i] = client.post(url, body, format="json")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_simultaneous_final_approvals_over_the_api_finish_once(ics, decision_type):
    api = make_api(ics)
    pid = api.into_signoff(decision_type)["id"]
    api.decide("trust_sign", pid)
    calls = []
    for who in ("council_sign", "vcse_sign"):
        signoff = api.my_signoff(who, pid)
        calls.append((api(who), f"{SIGNOFFS}{signoff['id']}/decide/", {"outcome": "approve"}))
    responses = _at_once(calls)
    assert [r.status_code for r in responses] == [200, 200], [r.content for r in responses]
    assert api.get("proposer", f"{PROPOSALS}{pid}/")["status"] == "ready_for_decision"
    assert not DecisionEntry.objects.filter(proposal_id=pid).exists()
    verbs = AuditEvent.objects.filter(target_id=str(pid), target_type="decisions.proposal")
    assert verbs.filter(verb="proposal.ready_for_decision").count() == 1
    api.officer_decides(pid)
    assert DecisionEntry.objects.filter(proposal_id=pid).count() == 1
    call_command("verify_audit")


def test_two_signatories_of_one_organisation_at_once_record_one_answer(ics, decision_type):
    api = make_api(ics)
    pid = api.into_signoff(decision_type)["id"]
    signoff = api.my_signoff("trust_sign", pid)
    url = f"{SIGNOFFS}{signoff['id']}/decide/"
    responses = _at_once(
        [
            (api("trust_sign"), url, {"outcome": "approve"}),
            (api("trust_sign2"), url, {"outcome": "reject", "comment": "Too dear"}),
        ]
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 400], [r.content for r in responses]
    loser = next(r for r in responses if r.status_code == 400).json()
    assert loser["detail"]  # "no longer open" or "another signatory is completing"
    row = SignOff.objects.get(pk=signoff["id"])
    winner = next(r for r in responses if r.status_code == 200).json()
    assert (
        row.status == winner["status"] and row.signatory.username == winner["signatory"]["username"]
    )
    assert AuditEvent.objects.filter(target_id=str(pid), verb__startswith="signoff.").count() == 1
    call_command("verify_audit")
