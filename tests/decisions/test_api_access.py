"""Who sees and does what over the API: other organisations' sign-offs, confidential
proposals and the public register, and bad input (clear JSON errors, nothing written)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.models import DecisionEntry, Proposal
from decisions.selectors import entries_showing_detail, entry_shows_detail
from governance.audit.models import AuditEvent
from governance.organisations.models import Role
from governance.signoffs.models import SignOff
from tests.decisions.test_api_flows import (
    PARTNER_SIGNATORIES,
    PROPOSALS,
    REGISTER,
    SIGNOFFS,
    make_api,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(ics):
    return make_api(ics)


CONFIDENTIAL = {
    "title": "Acquisition of Northside Clinic Ltd",
    "summary": "Buy the clinic's shares to secure urgent care capacity.",
    "is_confidential": True,
    "exemption_reason": "Commercially sensitive (FOI Act s43).",
}


def test_signatory_of_one_organisation_cannot_see_or_act_on_anothers_signoff(
    api, ics, decision_type
):
    pid = api.into_signoff(decision_type)["id"]
    trust_signoff = SignOff.objects.get(subject_id=pid, organisation=ics["trust"])
    url = f"{SIGNOFFS}{trust_signoff.pk}/"

    council_inbox = api.get("council_sign", SIGNOFFS)["results"]
    assert [s["organisation"]["name"] for s in council_inbox] == ["City Council"]
    assert trust_signoff.pk not in [s["id"] for s in council_inbox]
    err = api.get("council_sign", url, expect=404)
    assert err["detail"]
    api.post("council_sign", f"{url}decide/", {"outcome": "approve"}, expect=404)
    api.post("council_sign", f"{url}decide/", {"outcome": "reject", "comment": "x"}, expect=404)

    # a member (not a signatory) of the trust, and a signatory elsewhere: nothing either
    for who in ("proposer", "outsider"):
        assert api.get(who, SIGNOFFS)["count"] == 0
        api.get(who, url, expect=404)
        api.post(who, f"{url}decide/", {"outcome": "approve"}, expect=404)

    # the ICB secretariat and auditors may look, but not sign for the trust
    for who in ("secretariat", "auditor"):
        assert api.get(who, url)["organisation"]["name"] == "Acute Trust"
        err = api.post(who, f"{url}decide/", {"outcome": "approve"}, expect=403)
        # the auditor's role is read-only: refused before the sign-off is looked at
        assert ("read-only" if who == "auditor" else "Acute Trust") in err["detail"]
    assert api.get("trust_sign", url)["status"] == "pending"
    trust_signoff.refresh_from_db()
    assert trust_signoff.status == "pending" and trust_signoff.signatory is None
    assert api.get(None, SIGNOFFS, expect=401)["detail"]
    api.get("council_sign", f"{SIGNOFFS}999999/", expect=404)


def test_confidential_proposal_is_invisible_to_non_parties(api, ics, decision_type):
    created = api.create(decision_type, **CONFIDENTIAL)
    pid, url = created["id"], f"{PROPOSALS}{created['id']}/"
    assert created["is_confidential"] is True
    api.post("proposer", f"{url}submit/")

    # the outsider learns nothing: 404 everywhere, exactly as for a proposal that does
    # not exist, and it is not in their list
    missing = api.get("outsider", f"{PROPOSALS}999999/", expect=404)
    assert api.get("outsider", url, expect=404) == missing
    assert pid not in [p["id"] for p in api.get("outsider", PROPOSALS)["results"]]
    api.get("outsider", f"{url}timeline/", expect=404)
    api.patch("outsider", url, {"title": "Mine"}, expect=404)
    for command, body in (
        ("submit", {}),
        ("withdraw", {"reason": "x"}),
        ("review", {"accept": True}),
        ("record-decision", {"outcome": "approved"}),
    ):
        api.post("outsider", f"{url}{command}/", body, expect=404)

    # the parties, the ICB secretariat and auditors see it
    for who in ("council_sign", "vcse_sign", "trust_sign", "secretariat", "auditor"):
        assert api.get(who, url)["title"] == CONFIDENTIAL["title"]
        assert pid in [p["id"] for p in api.get(who, PROPOSALS)["results"]]

    api.post("secretariat", f"{url}review/", {"accept": True})
    for who in PARTNER_SIGNATORIES:
        api.decide(who, pid)
    api.officer_decides(pid)
    reference = api.get("proposer", url)["reference"]
    assert api.get("proposer", url)["status"] == "approved"

    # the register: anonymous and the outsider see reference, date and exemption reason only
    public = api(None).get(REGISTER)
    assert public.status_code == 200
    raw = public.content.decode()
    assert CONFIDENTIAL["title"] not in raw and "Northside" not in raw
    assert CONFIDENTIAL["summary"] not in raw and "50000" not in raw
    entry = next(e for e in public.json()["results"] if e["reference"] == reference)
    assert entry == {
        "view": "summary",
        "reference": reference,
        "decided_on": entry["decided_on"],
        "is_confidential": True,
        "exemption_reason": CONFIDENTIAL["exemption_reason"],
    }
    one = api(None).get(f"{REGISTER}{reference}/")
    assert one.status_code == 200 and "Northside" not in one.content.decode()
    for who in ("outsider",):
        raw = api(who).get(REGISTER).content.decode()
        assert "Northside" not in raw and reference in raw
    # the parties see the whole entry
    party = api.get("council_sign", f"{REGISTER}{reference}/")
    assert party["title"] == CONFIDENTIAL["title"] and party["outcome"] == "approved"
    assert_trail_ok(pid)


def assert_trail_ok(pid):
    from django.core.management import call_command

    assert AuditEvent.objects.filter(target_id=str(pid), verb="proposal.created").exists()
    call_command("verify_audit")


def test_public_entry_is_shown_in_full_to_anyone(api, ics, decision_type):
    pid = api.into_signoff(decision_type)["id"]
    for who in PARTNER_SIGNATORIES:
        api.decide(who, pid)
    api.officer_decides(pid)
    entries = api.get(None, REGISTER)["results"]
    assert entries[0]["title"] == "Community beds"
    assert entries[0]["financial_value"] == "50000.00"
    api.get(None, f"{REGISTER}DEC-1999-0001/", expect=404)


def test_register_follows_entry_shows_detail_for_every_caller(
    api, ics, decision_type, make_org, make_user
):
    """The list (one query a page) and the detail show an entry in full exactly when
    ``decisions.selectors.entry_shows_detail`` says so, whoever asks."""
    cases = [
        (CONFIDENTIAL, ("trust", "council", "vcse")),
        ({**CONFIDENTIAL, "title": "C2"}, ("council",)),  # the VCSE body is no party here
        ({"title": "Open one"}, ("trust", "council", "vcse")),
    ]
    for fields, affected in cases:
        pid = api.into_signoff(decision_type, affected=affected, **fields)["id"]
        for org in affected:
            api.decide(f"{org}_sign", pid)
        api.officer_decides(pid)
    entries = list(DecisionEntry.objects.select_related("proposal"))
    assert len(entries) == 3
    ics["vcse_member"] = make_user(ics["vcse"], Role.MEMBER, "vcse_member")
    ics["no_membership"] = make_user(None, username="nobody")
    callers = [
        None,
        "outsider",
        "no_membership",
        "council_sign",
        "vcse_sign",
        "vcse_member",
        "trust_sign",
        "proposer",
        "icb_sign",
        "secretariat",
        "auditor",
    ]
    for who in callers:
        user = AnonymousUser() if who is None else ics[who]
        expected = {e.pk for e in entries if entry_shows_detail(user, e)}
        assert entries_showing_detail(user, entries) == expected, who
        listed = api.get(who, REGISTER)["results"]
        in_full = {e["reference"] for e in listed if "title" in e}
        assert in_full == {e.reference for e in entries if e.pk in expected}, who
        for entry in entries:
            one = api.get(who, f"{REGISTER}{entry.reference}/")
            assert ("title" in one) is (entry.pk in expected), (who, entry.reference)
    c2 = next(e for e in entries if e.title == "C2")
    assert not entry_shows_detail(ics["vcse_sign"], c2)
    assert entry_shows_detail(ics["council_sign"], c2)


def test_register_list_query_count(api, ics, decision_type, django_assert_max_num_queries):
    """A page of the register costs a fixed number of queries, however many of its
    entries are confidential."""
    for n in range(3):
        pid = api.into_signoff(decision_type, **{**CONFIDENTIAL, "title": f"C{n}"})["id"]
        for who in PARTNER_SIGNATORIES:
            api.decide(who, pid)
        api.officer_decides(pid)
    with django_assert_max_num_queries(2):
        assert api(None).get(REGISTER).status_code == 200
    client = api("council_sign")
    with CaptureQueriesContext(connection) as three:
        assert client.get(REGISTER).json()["results"][0]["title"].startswith("C")
    queries_for_three = len(three.captured_queries)  # read now: the next request clears the log
    for n in range(3, 6):
        pid = api.into_signoff(decision_type, **{**CONFIDENTIAL, "title": f"C{n}"})["id"]
        for who in PARTNER_SIGNATORIES:
            api.decide(who, pid)
        api.officer_decides(pid)
    with django_assert_max_num_queries(queries_for_three):
        assert client.get(REGISTER).json()["count"] == 6


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"financial_value": "-1.00"}, "financial_value", "cannot be negative"),
        ({"financial_value": "10.005"}, "financial_value", "at most 2 decimal places"),
        ({"financial_value": "lots"}, "financial_value", "number"),
        ({"title": None}, "title", "required"),
        ({"title": ""}, "title", "blank"),
        ({"decision_type": 999999}, "decision_type", "no decision type with id 999999"),
        ({"affected_organisations": [999999]}, "affected_organisations", "999999"),
        ({"is_confidential": True}, "exemption_reason", "exempt from publication"),
        ({"status": "approved"}, "status", "Unknown field"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, ics, decision_type, change, field, message):
    api("proposer")  # sign in first: the token's own audit event is not the point here
    proposals, events = Proposal.objects.count(), AuditEvent.objects.count()
    data = {
        "title": "Community beds",
        "summary": "Fund 20 step-down beds.",
        "financial_value": "50000.00",
        "decision_type": decision_type.pk,
        "affected_organisations": [ics["council"].pk],
    }
    data.update(change)
    data = {k: v for k, v in data.items() if v is not None}
    err = api.post("proposer", PROPOSALS, data, expect=400)
    assert field in err["errors"], err
    assert message in " ".join(err["errors"][field]), err
    assert err["detail"]
    assert Proposal.objects.count() == proposals
    assert AuditEvent.objects.count() == events


def test_bad_edit_changes_nothing(api, ics, decision_type):
    created = api.create(decision_type)
    url = f"{PROPOSALS}{created['id']}/"
    events = AuditEvent.objects.count()
    for body, field in (
        ({"financial_value": "-5"}, "financial_value"),
        ({"financial_value": "1.234"}, "financial_value"),
        ({"title": ""}, "title"),
        ({"decision_type": 424242}, "decision_type"),
        ({"is_confidential": True, "exemption_reason": ""}, "exemption_reason"),
        ({"status": "approved"}, "status"),
        ({"reference": "DEC-2026-9999", "title": "New"}, "reference"),
    ):
        err = api.patch("proposer", url, body, expect=400)
        assert field in err["errors"], (body, err)
    assert api.get("proposer", url)["financial_value"] == "50000.00"
    assert AuditEvent.objects.count() == events
    # somebody else at another organisation may see a submitted proposal, not edit it
    api.post("proposer", f"{url}submit/")
    err = api.patch("outsider", url, {"title": "Hijacked"}, expect=403)
    assert err["detail"] == "You cannot edit this proposal."
    assert Proposal.objects.get(pk=created["id"]).title == "Community beds"


def test_who_may_raise_a_proposal(api, ics, decision_type, make_user):
    data = {
        "title": "T",
        "summary": "S",
        "financial_value": "1",
        "decision_type": decision_type.pk,
    }
    # not for an organisation the caller does not act for
    err = api.post(
        "proposer", PROPOSALS, {**data, "proposing_organisation": ics["council"].pk}, 403
    )
    assert "City Council" in err["detail"]
    # an auditor acts for the ICB but may not raise proposals: a read-only role
    for body in (data, {**data, "proposing_organisation": ics["icb"].pk}):
        err = api.post("auditor", PROPOSALS, body, expect=403)
        assert "read-only" in err["detail"]
    # anonymous callers are told to authenticate
    assert api(None).post(PROPOSALS, data, format="json").status_code == 401
    assert api(None).get(PROPOSALS).status_code == 401
    err = api.get("proposer", f"{PROPOSALS}?status=nonsense", expect=400)
    assert "status" in err["errors"]
    assert api.get("proposer", f"{PROPOSALS}?status=draft")["count"] == 0
    assert Proposal.objects.count() == 0
