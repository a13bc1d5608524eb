"""The decision flow driven end to end over the REST API, by users of three partner
organisations (the trust, the council and the VCSE body) and the ICB secretariat, each
signed in with their own API token."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from decisions.models import DecisionEntry, Proposal
from governance.audit.models import AuditEvent
from governance.interests.services import interest_declare
from governance.signoffs.models import ConflictDeclaration, SignOff

pytestmark = pytest.mark.django_db

PROPOSALS = "/api/v1/proposals/"
SIGNOFFS = "/api/v1/signoffs/"
REGISTER = "/api/v1/decisions/"
PARTNER_SIGNATORIES = ("trust_sign", "council_sign", "vcse_sign")


class Api:
    """One API client per user of the ``ics`` fixture, each with a real token."""

    def __init__(self, ics):
        self.ics = ics
        self._clients: dict[str, APIClient] = {}

    def __call__(self, who: str | None) -> APIClient:
        if who is None:
            return APIClient()
        if who not in self._clients:
            client = APIClient()
            r = client.post(
                "/api/v1/auth/token/",
                {"username": self.ics[who].username, "password": "pw"},
                format="json",
            )
            assert r.status_code == 200, r.content
            client.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
            self._clients[who] = client
        return self._clients[who]

    # -- shortcuts: assert the status code and return the JSON body --------------------

    def get(self, who, url, expect=200):
        return _body(self(who).get(url), expect)

    def post(self, who, url, data=None, expect=200):
        return _body(self(who).post(url, data or {}, format="json"), expect)

    def patch(self, who, url, data, expect=200):
        return _body(self(who).patch(url, data, format="json"), expect)

    # -- the flow ------------------------------------------------------------------------

    def create(self, decision_type, value="50000.00", affected=("trust", "council", "vcse"), **kw):
        data = {
            "title": "Community beds",
            "summary": "Fund 20 step-down beds.",
            "financial_value": value,
            "decision_type": decision_type.pk,
            "affected_organisations": [self.ics[a].pk for a in affected],
            **kw,
        }
        return self.post("proposer", PROPOSALS, data, expect=201)

    def into_signoff(self, decision_type, **kw):
        p = self.create(decision_type, **kw)
        self.post("proposer", f"{PROPOSALS}{p['id']}/submit/")
        p = self.post("secretariat", f"{PROPOSALS}{p['id']}/review/", {"accept": True})
        assert p["status"] == "in_signoff"
        return p

    def my_signoff(self, who, proposal_id):
        mine = [
            s
            for s in self.get(who, SIGNOFFS)["results"]
            if s["subject"]["type"] == "decisions.proposal" and s["subject"]["id"] == proposal_id
        ]
        assert len(mine) == 1, mine
        return mine[0]

    def officer_decides(self, proposal_id, outcome="approved", reason="Within budget."):
        """The fixture SoRD's officer (the ICB's Director of Finance) decides."""
        url = f"{PROPOSALS}{proposal_id}/record-decision/"
        return self.post("icb_sign", url, {"outcome": outcome, "reason": reason})

    def decide(self, who, proposal_id, outcome="approve", comment="", expect=200):
        signoff = self.my_signoff(who, proposal_id)
        return self.post(
            who,
            f"{SIGNOFFS}{signoff['id']}/decide/",
            {"outcome": outcome, "comment": comment},
            expect=expect,
        )


def _body(response, expect):
    assert response.status_code == expect, (response.status_code, response.content[:2000])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def make_api(ics) -> Api:
    cache.clear()  # the token endpoint's throttle counts requests in the cache
    return Api(ics)


@pytest.fixture
def api(ics):
    return make_api(ics)


def verbs_of(proposal_id) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="decisions.proposal", target_id=str(proposal_id))
        .order_by("seq")
        .values_list("verb", flat=True)
    )


def assert_trail(proposal_id, *expected):
    verbs = verbs_of(proposal_id)
    for verb in expected:
        assert verb in verbs, (verb, verbs)
    call_command("verify_audit")


# --- the paths -----------------------------------------------------------------------------


def test_approval_path_decided_by_an_officer(api, ics, decision_type):
    created = api.create(decision_type, rationale="Winter pressures", options_considered="None")
    pid = created["id"]
    assert created["status"] == "draft"
    assert created["reference"].startswith("DEC-")
    assert created["proposing_organisation"]["id"] == ics["trust"].pk  # the proposer's only org
    assert created["financial_value"] == "50000.00"
    assert "submit" in created["allowed_actions"]

    p = api.post("proposer", f"{PROPOSALS}{pid}/submit/")
    assert p["status"] == "submitted"
    assert api.get("proposer", f"{PROPOSALS}{pid}/")["allowed_actions"] == ["edit", "withdraw"]
    assert "review" in api.get("secretariat", f"{PROPOSALS}{pid}/")["allowed_actions"]

    p = api.post("secretariat", f"{PROPOSALS}{pid}/review/", {"accept": True})
    assert p["status"] == "in_signoff"
    assert p["signoff_round"] == 1
    assert p["decided_by"] == "officer" and p["decider_label"] == "Director of Finance"
    states = {s["organisation"]["name"]: s["status"] for s in p["signoffs"]}
    assert states == {
        "Acute Trust": "pending",
        "City Council": "pending",
        "VCSE Alliance": "pending",
    }

    for who in PARTNER_SIGNATORIES:
        signoff = api.my_signoff(who, pid)
        assert signoff["subject"]["label"] == f"{created['reference']} Community beds"
        assert signoff["subject"]["url"] == f"/proposals/{pid}/"
        done = api.decide(who, pid, comment="Content")
        assert done["status"] == "approved"
        assert done["signatory"]["username"] == ics[who].username
        assert done["decided_at"]
        assert api.get(who, SIGNOFFS)["count"] == 0  # gone from the inbox

    # sign-off complete: the decision waits in the Director of Finance's own hands
    p = api.get("proposer", f"{PROPOSALS}{pid}/")
    assert p["status"] == "ready_for_decision" and p["decision"] is None
    assert "record_decision" not in p["allowed_actions"]
    assert "record_decision" not in api.get("secretariat", f"{PROPOSALS}{pid}/")["allowed_actions"]
    officer = api.get("icb_sign", f"{PROPOSALS}{pid}/")
    assert "record_decision" in officer["allowed_actions"]
    url = f"{PROPOSALS}{pid}/record-decision/"
    err = api.post("secretariat", url, {"outcome": "approved", "reason": "x"}, expect=403)
    assert "Director of Finance" in err["detail"]
    err = api.post("icb_sign", url, {"outcome": "approved"}, expect=400)
    assert "reason" in err["errors"]
    p = api.post("icb_sign", url, {"outcome": "approved", "reason": "Within budget."})

    p = api.get("proposer", f"{PROPOSALS}{pid}/")
    assert p["status"] == "approved"
    assert {s["status"] for s in p["signoffs"]} == {"approved"}
    decision = p["decision"]
    assert decision["outcome"] == "approved" and decision["route"] == "officer"
    assert decision["deciders"] == [ics["icb_sign"].username]
    assert "Director of Finance" in decision["decided_by"]
    assert decision["delegation"]["sord_version"] == 1
    assert decision["delegation"]["decider"] == "Director of Finance"
    assert "under SoRD v1" in decision["statement"]
    assert p["allowed_actions"] == []

    register = api.get(None, REGISTER)
    entry = next(e for e in register["results"] if e["reference"] == created["reference"])
    assert entry["title"] == "Community beds" and entry["outcome"] == "approved"
    assert len(entry["signoff_summary"]) == 3
    one = api.get(None, f"{REGISTER}{created['reference']}/")
    assert one["outcome_label"] == "Approved"

    timeline = api.get("proposer", f"{PROPOSALS}{pid}/timeline/")["results"]
    verbs = [e["verb"] for e in timeline]
    assert verbs[0] == "proposal.created"
    assert verbs.count("signoff.approved") == 3
    assert verbs[-1] == "decision.registered"  # the register entry's event is on the timeline
    seqs = [e["seq"] for e in timeline]
    assert seqs == sorted(seqs)
    approvals = [e for e in timeline if e["verb"] == "signoff.approved"]
    assert {e["organisation"]["name"] for e in approvals} == {
        "Acute Trust",
        "City Council",
        "VCSE Alliance",
    }
    assert_trail(
        pid,
        "proposal.created",
        "proposal.submitted",
        "proposal.accepted",
        "signoff.approved",
        "proposal.ready_for_decision",
        "proposal.approved",
    )
    assert AuditEvent.objects.filter(
        verb="decision.registered", target_id=str(DecisionEntry.objects.get(proposal_id=pid).pk)
    ).exists()


def test_board_band_cannot_be_recorded_by_the_secretariat(api, ics, decision_type):
    p = api.into_signoff(decision_type, value="750000")
    pid = p["id"]
    assert p["decided_by"] == "board" and p["decider_label"] == "ICB Board"
    for who in PARTNER_SIGNATORIES:
        api.decide(who, pid)
    p = api.get("secretariat", f"{PROPOSALS}{pid}/")
    assert p["status"] == "ready_for_decision"
    assert "record_decision" not in p["allowed_actions"]

    url = f"{PROPOSALS}{pid}/record-decision/"
    for who in ("secretariat", "icb_sign", "proposer"):
        err = api.post(who, url, {"outcome": "approved", "reason": "Board agreed"}, expect=400)
        assert "reserved to the ICB Board" in err["detail"]
    assert Proposal.objects.get(pk=pid).status == "ready_for_decision"  # nothing written
    assert not DecisionEntry.objects.filter(proposal_id=pid).exists()


def test_committee_band_chairs_action(api, ics, decision_type, fpc):
    p = api.into_signoff(decision_type, value="200000")
    pid = p["id"]
    assert p["signoff_rule"] == "majority"
    api.decide("trust_sign", pid)
    api.decide("council_sign", pid)
    p = api.get("proposer", f"{PROPOSALS}{pid}/")
    assert p["status"] == "ready_for_decision"
    states = {s["organisation"]["name"]: s["status"] for s in p["signoffs"]}
    assert states["VCSE Alliance"] == "cancelled"
    assert api.get("vcse_sign", SIGNOFFS)["count"] == 0

    url = f"{PROPOSALS}{pid}/chairs-action/"
    chair, ned = fpc.chair_user, fpc.ned_user
    api.ics["fpc_chair"], api.ics["fpc_ned"] = chair, ned
    body = {
        "outcome": "rejected",
        "reason": "Urgent: the provider needs an answer this week.",
        "second_member": ned.pk,
    }
    err = api.post("secretariat", url, body, expect=403)
    assert "chair of the Finance and Performance Committee" in err["detail"]
    err = api.post("fpc_chair", url, {**body, "second_member": chair.pk}, expect=400)
    assert "second_member" in err["errors"]
    err = api.post("fpc_chair", url, {**body, "second_member": ics["council_sign"].pk}, expect=400)
    assert "another voting member" in err["errors"]["second_member"][0]
    assert "chairs_action" in api.get("fpc_chair", f"{PROPOSALS}{pid}/")["allowed_actions"]
    p = api.post("fpc_chair", url, body)
    assert p["status"] == "rejected"
    decision = p["decision"]
    assert decision["route"] == "chairs_action"
    assert set(decision["deciders"]) == {"Cath Chair", ned.username}
    assert "chair's action of the Finance and Performance Committee" in decision["decided_by"]
    assert_trail(pid, "proposal.ready_for_decision", "proposal.chairs_action", "proposal.rejected")


def test_rejection_path_needs_a_comment(api, ics, decision_type):
    pid = api.into_signoff(decision_type)["id"]
    api.decide("trust_sign", pid)
    api.my_signoff("council_sign", pid)  # signed in (issuing the token is audited too)
    events_before = AuditEvent.objects.count()

    err = api.decide("council_sign", pid, "reject", "", expect=400)
    assert err["errors"]["comment"] == ["Give the reason for rejecting."]
    assert err["detail"] == "Give the reason for rejecting."
    assert api.my_signoff("council_sign", pid)["status"] == "pending"  # nothing written
    assert AuditEvent.objects.count() == events_before
    err = api.decide("council_sign", pid, "veto", expect=400)
    assert err["errors"]["outcome"] == ["Choose approve, reject or abstain."]

    signoff = api.my_signoff("council_sign", pid)
    done = api.decide("council_sign", pid, "reject", "Not affordable this year")
    assert done["status"] == "rejected" and done["comment"] == "Not affordable this year"

    p = api.get("proposer", f"{PROPOSALS}{pid}/")
    assert p["status"] == "rejected"
    states = {s["organisation"]["name"]: s["status"] for s in p["signoffs"]}
    assert states == {
        "Acute Trust": "approved",
        "City Council": "rejected",
        "VCSE Alliance": "cancelled",
    }
    assert api.get("vcse_sign", SIGNOFFS)["count"] == 0
    again = api.post(
        "council_sign", f"{SIGNOFFS}{signoff['id']}/decide/", {"outcome": "approve"}, expect=400
    )
    assert "no longer open" in again["detail"]
    entry = api.get(None, f"{REGISTER}{p['reference']}/")
    assert entry["outcome"] == "rejected"
    assert entry["decided_by"].startswith("partner sign-off not given")
    assert (
        ics["council_sign"].username in entry["decided_by"] or "City Council" in entry["decided_by"]
    )
    assert_trail(pid, "signoff.approved", "signoff.rejected", "proposal.rejected_at_signoff")


def test_return_and_resubmit(api, ics, decision_type):
    pid = api.create(decision_type)["id"]
    api.post("proposer", f"{PROPOSALS}{pid}/submit/")
    review = f"{PROPOSALS}{pid}/review/"

    err = api.post("proposer", review, {"accept": True}, expect=403)
    assert "secretariat" in err["detail"]
    err = api.post("secretariat", review, {"accept": False}, expect=400)
    assert "reason" in err["errors"]
    err = api.post("secretariat", review, {"reason": "x"}, expect=400)
    assert "accept" in err["errors"]
    assert Proposal.objects.get(pk=pid).status == "submitted"

    p = api.post("secretariat", review, {"accept": False, "reason": "Add the running costs."})
    assert p["status"] == "returned" and p["return_reason"] == "Add the running costs."
    p = api.patch(
        "proposer",
        f"{PROPOSALS}{pid}/",
        {"summary": "Fund 20 step-down beds; running costs £12k a year."},
    )
    assert p["summary"].endswith("£12k a year.") and p["status"] == "returned"
    p = api.post("proposer", f"{PROPOSALS}{pid}/submit/")
    assert p["status"] == "submitted"
    p = api.post("secretariat", review, {"accept": True})
    assert p["status"] == "in_signoff"
    api.post("proposer", f"{PROPOSALS}{pid}/submit/", expect=400)  # not draft/returned
    assert_trail(
        pid, "proposal.returned", "proposal.updated", "proposal.resubmitted", "proposal.accepted"
    )


def test_withdraw_needs_a_reason_and_cancels_signoffs(api, ics, decision_type):
    pid = api.into_signoff(decision_type)["id"]
    api.decide("trust_sign", pid)
    url = f"{PROPOSALS}{pid}/withdraw/"

    err = api.post("proposer", url, {}, expect=400)
    assert err["errors"]["reason"] == ["Say why the proposal is withdrawn."]
    err = api.post("proposer", url, {"reason": "   "}, expect=400)
    assert err["errors"]["reason"]
    err = api.post("council_sign", url, {"reason": "Mine now"}, expect=403)  # a party, not owner
    assert Proposal.objects.get(pk=pid).status == "in_signoff"

    p = api.post("proposer", url, {"reason": "Funded nationally instead."})
    assert p["status"] == "withdrawn" and p["withdraw_reason"] == "Funded nationally instead."
    states = {s["organisation"]["name"]: s for s in p["signoffs"]}
    assert states["Acute Trust"]["status"] == "approved"
    for name in ("City Council", "VCSE Alliance"):
        assert states[name]["status"] == "cancelled"
        assert "Funded nationally instead." in states[name]["cancel_reason"]
    for who in PARTNER_SIGNATORIES:
        assert api.get(who, SIGNOFFS)["count"] == 0
    api.post("proposer", url, {"reason": "Again"}, expect=403)  # no longer open
    assert not DecisionEntry.objects.filter(proposal_id=pid).exists()
    assert_trail(pid, "proposal.withdrawn")


def test_editing_substance_during_signoff_restarts_it(api, ics, decision_type):
    pid = api.into_signoff(decision_type)["id"]
    old = api.decide("trust_sign", pid)
    council_old = api.my_signoff("council_sign", pid)

    # an edit that changes nothing of substance (no change at all) keeps the round
    p = api.patch("proposer", f"{PROPOSALS}{pid}/", {"financial_value": "50000"})
    assert p["signoff_round"] == 1

    p = api.patch(
        "proposer",
        f"{PROPOSALS}{pid}/",
        {"financial_value": "60000.00", "reason": "Costs revised"},
    )
    assert p["signoff_round"] == 2 and p["status"] == "in_signoff"
    assert p["financial_value"] == "60000.00"
    by_round = {(s["round"], s["organisation"]["name"]): s for s in p["signoffs"]}
    assert by_round[(1, "Acute Trust")]["status"] == "approved"  # history is kept
    for name in ("City Council", "VCSE Alliance"):
        assert by_round[(1, name)]["status"] == "cancelled"
        assert "Costs revised" in by_round[(1, name)]["cancel_reason"]
    for name in ("Acute Trust", "City Council", "VCSE Alliance"):
        assert by_round[(2, name)]["status"] == "pending"

    # the old sign-off cannot be used any more; the new one is in each inbox
    gone = api.post(
        "council_sign",
        f"{SIGNOFFS}{council_old['id']}/decide/",
        {"outcome": "approve"},
        expect=400,
    )
    assert "no longer open" in gone["detail"]
    assert api.get("trust_sign", f"{SIGNOFFS}{old['id']}/")["round"] == 1
    for who in PARTNER_SIGNATORIES:
        assert api.my_signoff(who, pid)["round"] == 2
        api.decide(who, pid)
    assert api.get("proposer", f"{PROPOSALS}{pid}/")["status"] == "ready_for_decision"
    assert SignOff.objects.filter(subject_id=pid, round=2, status="approved").count() == 3
    assert_trail(pid, "proposal.updated", "proposal.signoff_restarted")
    restart = AuditEvent.objects.get(target_id=str(pid), verb="proposal.signoff_restarted")
    assert restart.changes["signoffs_invalidated"] == 2
    assert restart.reason == "Costs revised"


def test_conflicted_signatory_is_blocked_and_another_signs(api, ics, decision_type):
    interest_declare(
        actor=ics["trust_sign"],
        person=ics["trust_sign"],
        interest_type="financial",
        description="Trustee of the council's leisure trust",
        related_organisation=ics["council"],
        valid_from=datetime.date(2020, 1, 1),
    )
    pid = api.into_signoff(decision_type)["id"]
    signoff = api.my_signoff("trust_sign", pid)
    assert signoff["blocked"] is False  # trust_sign2 is free to act

    err = api.decide("trust_sign", pid, expect=400)
    assert "declared an interest in City Council" in err["detail"]
    assert "Another authorised signatory" in err["detail"]
    assert api.my_signoff("trust_sign2", pid)["status"] == "pending"
    assert ConflictDeclaration.objects.filter(signoff_id=signoff["id"]).exists()

    done = api.decide("trust_sign2", pid)
    assert done["signatory"]["username"] == "trust_sign2"
    assert done["conflicts"][0]["person"]["username"] == "trust_sign"
    for who in ("council_sign", "vcse_sign"):
        api.decide(who, pid)
    api.post(
        "icb_sign", f"{PROPOSALS}{pid}/record-decision/", {"outcome": "approved", "reason": "OK"}
    )
    p = api.get("proposer", f"{PROPOSALS}{pid}/")
    assert p["status"] == "approved"
    entry = api.get(None, f"{REGISTER}{p['reference']}/")
    assert entry["conflicts"][0]["person"] == "trust_sign"
    assert entry["conflicts"][0]["organisation"] == "Acute Trust"
    assert_trail(pid, "signoff.approved", "proposal.approved")


def test_signoff_with_every_signatory_conflicted_shows_blocked(api, ics, decision_type):
    interest_declare(
        actor=ics["council_sign"],
        person=ics["council_sign"],
        interest_type="non_financial_professional",
        description="Honorary consultant at the trust",
        related_organisation=ics["trust"],
        valid_from=datetime.date(2020, 1, 1),
    )
    pid = api.into_signoff(decision_type)["id"]
    signoff = api.my_signoff("council_sign", pid)
    assert signoff["blocked"] is True  # the council's only signatory is conflicted
    err = api.decide("council_sign", pid, expect=400)
    assert "declared an interest in Acute Trust" in err["detail"]
    seen = api.get("secretariat", f"{SIGNOFFS}{signoff['id']}/")
    assert seen["blocked"] is True and seen["status"] == "pending"
    assert [c["person"]["username"] for c in seen["conflicts"]] == ["council_sign"]
    assert "Honorary consultant" in seen["conflicts"][0]["description"]
    detail = api.get("proposer", f"{PROPOSALS}{pid}/")
    council = next(s for s in detail["signoffs"] if s["organisation"]["name"] == "City Council")
    assert council["blocked"] is True
    call_command("verify_audit")
