"""Pooled funds over the REST API, each user with their own token: the whole flow for
three partners (sign-offs through the shared /api/v1/signoffs/ endpoints), return and
resubmit, a rejection, 404 for non-parties, and bad input as JSON field errors."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from budgets.models import Allocation, LedgerEntry
from governance.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

FUNDS = "/api/v1/funds/"
ALLOCATIONS = "/api/v1/allocations/"
SIGNOFFS = "/api/v1/signoffs/"


class Api:
    def __init__(self, parties):
        self.parties = parties
        self.clients: dict[str, APIClient] = {}

    def __call__(self, who) -> APIClient:
        if who not in self.clients:
            client = APIClient()
            r = client.post(
                "/api/v1/auth/token/",
                {"username": self.parties[who].username, "password": "pw"},
                format="json",
            )
            assert r.status_code == 200, r.content
            client.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
            self.clients[who] = client
        return self.clients[who]

    def get(self, who, url, expect=200):
        r = self(who).get(url)
        assert r.status_code == expect, r.content
        return r.json()

    def post(self, who, url, data=None, expect=200):
        r = self(who).post(url, data or {}, format="json")
        assert r.status_code == expect, r.content
        return r.json()

    def patch(self, who, url, data, expect=200):
        r = self(who).patch(url, data, format="json")
        assert r.status_code == expect, r.content
        return r.json()

    def create(self, fund, amount="120000.00", line="S1", expect=201, **extra):
        data = {
            "fund": fund.pk,
            "scheme_line": fund.lines.get(code=line).pk,
            "recipient": self.parties["vcse"].pk,
            "amount": amount,
            "purpose": "Carers' short breaks",
            **extra,
        }
        return self.post("requester", ALLOCATIONS, data, expect=expect)

    def sign(self, who, allocation_id, outcome="approve", comment=""):
        inbox = self.get(who, SIGNOFFS)["results"]
        mine = [
            s
            for s in inbox
            if s["subject"]["type"] == "budgets.allocation" and s["subject"]["id"] == allocation_id
        ]
        assert len(mine) == 1, inbox
        return self.post(
            who, f"{SIGNOFFS}{mine[0]['id']}/decide/", {"outcome": outcome, "comment": comment}
        )


@pytest.fixture
def api(parties):
    cache.clear()  # the token endpoint is throttled per client address
    return Api(parties)


def test_whole_flow_for_three_partners(api, parties, fund):
    a = api.create(fund)
    assert a["status"] == "submitted" and a["amount"] == "120000.00"
    assert a["fund"]["id"] == fund.pk and a["requesting_organisation"]["id"] == parties["trust"].pk
    # only the pool manager reviews
    api.post("requester", f"{ALLOCATIONS}{a['id']}/review/", {"accept": True}, expect=403)
    a = api.post("manager", f"{ALLOCATIONS}{a['id']}/review/", {"accept": True})
    assert a["status"] == "in_signoff"
    assert sorted(s["organisation"]["name"] for s in a["signoffs"]) == [
        "Borough Council",
        "Community Trust",
        "Test ICB",
    ]
    inbox = api.get("icb_sign", SIGNOFFS)["results"]
    assert inbox[0]["subject"]["label"].startswith(a["reference"])
    assert inbox[0]["subject"]["url"] == f"/allocations/{a['id']}/"
    for who in ("icb_sign", "council_sign", "trust_sign"):
        api.sign(who, a["id"])
    a = api.get("requester", f"{ALLOCATIONS}{a['id']}/")
    assert a["status"] == "committed"
    assert a["position"]["committed"] == "120000.00"
    assert [e["kind"] for e in a["entries"]] == ["commitment"]

    a = api.post(
        "manager", f"{ALLOCATIONS}{a['id']}/spend/", {"amount": "20000.00", "reference": "INV-1"}
    )
    a = api.post(
        "manager", f"{ALLOCATIONS}{a['id']}/release/", {"amount": "50000", "reason": "Slippage"}
    )
    assert a["position"] == {
        "commitments": "120000.00",
        "released": "50000.00",
        "spent": "20000.00",
        "committed": "70000.00",
        "unspent": "50000.00",
    }

    detail = api.get("requester", f"{FUNDS}{fund.pk}/")
    assert detail["position"]["uncommitted"] == "930000.00"
    assert detail["position"]["spent"] == "20000.00"
    assert sum(float(p["committed"]) for p in detail["partners"]) == 70000.0
    assert {line["code"]: line["committed"] for line in detail["scheme_lines"]} == {
        "S1": "70000.00",
        "S2": "0.00",
    }
    assert "largest remainders" in detail["forecast"]["rounding_rule"]
    listed = api.get("requester", FUNDS)["results"]
    assert [f["id"] for f in listed] == [fund.pk]
    assert listed[0]["position"]["committed"] == "70000.00"
    ledger = api.get("auditor", f"{FUNDS}{fund.pk}/ledger/")["results"]
    assert [e["kind"] for e in ledger] == [
        "contribution",
        "contribution",
        "contribution",
        "commitment",
        "spend",
        "release",
    ]
    timeline = api.get("requester", f"{ALLOCATIONS}{a['id']}/timeline/")["results"]
    assert timeline[0]["verb"] == "allocation.submitted"
    assert timeline[-1]["verb"] == "allocation.released"


def test_return_and_resubmit(api, fund):
    a = api.create(fund)
    r = api.post("manager", f"{ALLOCATIONS}{a['id']}/review/", {"accept": False}, expect=400)
    assert r["errors"]["reason"] == ["Say why it is returned, so it can be revised."]
    a = api.post(
        "manager",
        f"{ALLOCATIONS}{a['id']}/review/",
        {"accept": False, "reason": "Smaller, please."},
    )
    assert a["status"] == "returned" and a["return_reason"] == "Smaller, please."
    a = api.patch("requester", f"{ALLOCATIONS}{a['id']}/", {"amount": "90000.00"})
    assert a["amount"] == "90000.00"
    a = api.post("requester", f"{ALLOCATIONS}{a['id']}/submit/")
    assert a["status"] == "submitted"
    api.post("manager", f"{ALLOCATIONS}{a['id']}/review/", {"accept": True})
    for who in ("icb_sign", "council_sign", "trust_sign"):
        api.sign(who, a["id"])
    assert api.get("requester", f"{ALLOCATIONS}{a['id']}/")["status"] == "committed"


def test_a_partners_rejection_stops_the_commit(api, fund):
    a = api.create(fund)
    api.post("manager", f"{ALLOCATIONS}{a['id']}/review/", {"accept": True})
    api.sign("trust_sign", a["id"])
    r = api.sign("council_sign", a["id"], "reject", "Not this year.")
    assert r["status"] == "rejected"
    a = api.get("requester", f"{ALLOCATIONS}{a['id']}/")
    assert a["status"] == "rejected" and a["entries"] == []
    assert {s["organisation"]["name"]: s["status"] for s in a["signoffs"]} == {
        "Borough Council": "rejected",
        "Community Trust": "approved",
        "Test ICB": "cancelled",
    }
    assert api.get("icb_sign", SIGNOFFS)["count"] == 0
    assert not LedgerEntry.objects.filter(allocation_id=a["id"]).exists()


@pytest.mark.parametrize("who", ["outsider", "vcse_member"])
def test_non_parties_get_404(api, fund, who):
    a = api.create(fund)
    assert api.get(who, FUNDS)["count"] == 0
    assert api.get(who, ALLOCATIONS)["count"] == 0
    for url in (
        f"{FUNDS}{fund.pk}/",
        f"{FUNDS}{fund.pk}/ledger/",
        f"{ALLOCATIONS}{a['id']}/",
        f"{ALLOCATIONS}{a['id']}/timeline/",
    ):
        assert api(who).get(url).status_code == 404, url
    assert (
        api(who)
        .post(f"{ALLOCATIONS}{a['id']}/review/", {"accept": True}, format="json")
        .status_code
        == 404
    )
    r = api(who).post(
        ALLOCATIONS,
        {
            "fund": fund.pk,
            "scheme_line": fund.lines.first().pk,
            "recipient": 1,
            "amount": "1.00",
            "purpose": "x",
        },
        format="json",
    )
    assert r.status_code == 400
    assert r.json()["errors"]["fund"] == [f"There is no fund with id {fund.pk}."]


def test_auditors_and_the_secretariat_read_every_fund(api, fund):
    for who in ("auditor", "icb_sec"):
        assert api.get(who, FUNDS)["count"] == 1
        api.get(who, f"{FUNDS}{fund.pk}/ledger/")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1.00", "The amount cannot be negative."),
        ("1.001", "Amounts are in pounds and pence: at most 2 decimal places."),
        (0, "The amount must be more than £0.00."),
        ("abc", "Enter an amount, e.g. 125000.00."),
        ("5000000.00", "The fund holds £1,000,000.00 uncommitted: £5,000,000.00 does not fit."),
    ],
)
def test_bad_amounts_are_field_errors_and_nothing_is_written(api, fund, amount, message):
    api("requester")  # issuing the token is itself audited
    before = (Allocation.objects.count(), AuditEvent.objects.count())
    r = api.create(fund, amount=amount, expect=400)
    assert r["errors"]["amount"] == [message] and r["detail"] == message
    assert (Allocation.objects.count(), AuditEvent.objects.count()) == before


def test_unknown_fields_and_closed_funds(api, parties, fund):
    from budgets import services

    r = api.create(fund, expect=400, status="committed")
    assert r["errors"]["status"] == ["Unknown field: it cannot be set here."]
    services.fund_close(actor=parties["council_sec"], fund=fund, reason="Year end")
    r = api.create(fund, expect=400)
    assert r["errors"]["fund"] == ["This fund is closed: no more allocations can be made from it."]
    assert Allocation.objects.count() == 0


def test_list_filters(api, fund):
    a = api.create(fund)
    assert api.get("requester", f"{ALLOCATIONS}?status=submitted")["count"] == 1
    assert api.get("requester", f"{ALLOCATIONS}?status=committed")["count"] == 0
    assert api.get("requester", f"{ALLOCATIONS}?fund={fund.pk}")["results"][0]["id"] == a["id"]
    r = api.get("requester", f"{ALLOCATIONS}?status=nonsense", expect=400)
    assert "Unknown status" in r["errors"]["status"][0]
