"""Pooled funds over HTTP: the whole allocation flow for three partners through the
pages and the shared inbox; return and resubmit; a rejection; reports; visibility;
bad input next to the field with nothing written."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from budgets.models import Allocation, AllocationStatus, LedgerEntry, PooledFund
from governance.audit.models import AuditEvent
from governance.signoffs.models import SignOff
from tests.packs.helpers import fetch_report

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def raise_via_web(parties, fund, amount="150000.00", line="S1", who="requester"):
    client = login(parties[who])
    page = client.get(f"/funds/{fund.pk}/allocations/new/")
    assert page.status_code == 200
    r = client.post(
        f"/funds/{fund.pk}/allocations/new/",
        {
            "requesting_organisation": parties["trust"].pk,
            "scheme_line": fund.lines.get(code=line).pk,
            "recipient": parties["vcse"].pk,
            "amount": amount,
            "purpose": "Short breaks for carers.",
            "period_start": "2026-10-01",
            "period_end": "2027-03-31",
        },
    )
    assert r.status_code == 302, text(r)
    return Allocation.objects.get(pk=int(r["Location"].rstrip("/").split("/")[-1]))


def review_via_web(parties, a, decision="accept", reason=""):
    return login(parties["manager"]).post(
        f"/allocations/{a.pk}/review/", {"decision": decision, "reason": reason}
    )


def sign_via_web(parties, a, user, outcome="approve", comment=""):
    client = login(parties[user])
    inbox = text(client.get("/inbox/"))
    assert a.reference in inbox
    match = re.search(r'href="/signoffs/(\d+)/"', inbox)
    assert match, inbox
    page = client.get(f"/signoffs/{match[1]}/")
    assert page.status_code == 200 and a.reference in text(page)
    return client.post(f"/signoffs/{match[1]}/", {"outcome": outcome, "comment": comment})


def test_whole_flow_for_three_partners(parties, fund, django_capture_on_commit_callbacks):
    requester = login(parties["requester"])
    listing = text(requester.get("/funds/"))
    assert fund.name in listing and ">£1,000,000</span>" in listing  # whole pounds
    a = raise_via_web(parties, fund)
    assert a.status == AllocationStatus.SUBMITTED

    manager = login(parties["manager"])
    assert a.reference in text(manager.get("/funds/"))  # the review queue
    page = text(manager.get(f"/allocations/{a.pk}/"))
    assert "Your review as pool manager" in page
    assert "Your review as pool manager" not in text(requester.get(f"/allocations/{a.pk}/"))
    r = review_via_web(parties, a)
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == AllocationStatus.IN_SIGNOFF

    for user in ("icb_sign", "council_sign", "trust_sign"):
        r = sign_via_web(parties, a, user)
        assert r.status_code == 302 and r["Location"] == "/inbox/"
    a.refresh_from_db()
    assert a.status == AllocationStatus.COMMITTED
    page = text(requester.get(f"/allocations/{a.pk}/"))
    assert "Committed" in page and "£150,000.00" in page
    fund_page = text(requester.get(f"/funds/{fund.pk}/"))
    assert ">£850,000</span>" in fund_page  # uncommitted, whole pounds

    # the pool manager records spend and a release
    r = manager.post(
        f"/allocations/{a.pk}/spend/",
        {"spend-amount": "40000", "spend-reference": "INV-9", "spend-memo": "October"},
    )
    assert r.status_code == 302
    r = manager.post(
        f"/allocations/{a.pk}/release/",
        {"release-amount": "200000", "release-reason": "Too much"},
    )
    assert r.status_code == 400 and "£110,000.00 of" in text(r)
    r = manager.post(
        f"/allocations/{a.pk}/release/",
        {"release-amount": "10000", "release-reason": "Slippage"},
    )
    assert r.status_code == 302

    csv_response = requester.get(f"/funds/{fund.pk}/report.csv")
    assert csv_response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    total = rows[-1]
    assert (total["committed"], total["spent"]) == ("140000.00", "40000.00")
    pdf = fetch_report(
        requester, f"/funds/{fund.pk}/report.pdf", django_capture_on_commit_callbacks
    )
    assert pdf["Content-Type"] == "application/pdf"
    body = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert a.reference in body and "Community Trust" in body
    ledger = text(requester.get(f"/funds/{fund.pk}/ledger/"))
    assert "Commitment" in ledger and "INV-9" in ledger
    assert requester.get(f"/funds/{fund.pk}/ledger.csv").status_code == 200


def test_return_and_resubmit(parties, fund):
    a = raise_via_web(parties, fund)
    r = review_via_web(parties, a, "return", "")
    assert r.status_code == 400 and "Say why it is returned" in text(r)
    assert Allocation.objects.get(pk=a.pk).status == AllocationStatus.SUBMITTED
    r = review_via_web(parties, a, "return", "Split it by quarter.")
    assert r.status_code == 302
    requester = login(parties["requester"])
    page = text(requester.get(f"/allocations/{a.pk}/"))
    assert "Split it by quarter." in page and "Revise" in page
    r = requester.post(
        f"/allocations/{a.pk}/edit/",
        {
            "scheme_line": a.scheme_line_id,
            "recipient": a.recipient_id,
            "amount": "75000",
            "purpose": "Quarter 3 short breaks.",
            "period_start": "2026-10-01",
            "period_end": "2026-12-31",
        },
    )
    assert r.status_code == 302
    assert requester.post(f"/allocations/{a.pk}/submit/").status_code == 302
    a.refresh_from_db()
    assert a.status == AllocationStatus.SUBMITTED and a.amount == 75_000
    review_via_web(parties, a)
    for user in ("icb_sign", "council_sign", "trust_sign"):
        sign_via_web(parties, a, user)
    a.refresh_from_db()
    assert a.status == AllocationStatus.COMMITTED


def test_a_rejection_stops_the_commit(parties, fund):
    a = raise_via_web(parties, fund)
    review_via_web(parties, a)
    sign_via_web(parties, a, "icb_sign")
    r = sign_via_web(parties, a, "council_sign", "reject", "")
    assert r.status_code == 200 and "Give the reason for rejecting" in text(r)
    sign_via_web(parties, a, "council_sign", "reject", "Not in the plan.")
    a.refresh_from_db()
    assert a.status == AllocationStatus.REJECTED
    assert not LedgerEntry.objects.filter(allocation=a).exists()
    assert a.reference not in text(login(parties["trust_sign"]).get("/inbox/"))
    page = text(login(parties["requester"]).get(f"/allocations/{a.pk}/"))
    assert "Not in the plan." in page


@pytest.mark.parametrize("who", ["outsider", "vcse_member"])
def test_non_parties_get_404(parties, fund, who):
    a = raise_via_web(parties, fund)
    client = login(parties[who])
    assert fund.name not in text(client.get("/funds/"))
    for url in (
        f"/funds/{fund.pk}/",
        f"/funds/{fund.pk}/ledger/",
        f"/funds/{fund.pk}/ledger.csv",
        f"/funds/{fund.pk}/report.csv",
        f"/funds/{fund.pk}/report.pdf",
        f"/funds/{fund.pk}/allocations/new/",
        f"/allocations/{a.pk}/",
        f"/allocations/{a.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/allocations/{a.pk}/review/", {"decision": "accept"}).status_code == 404


@pytest.mark.parametrize("who", ["auditor", "icb_sec", "icb_sign", "manager"])
def test_parties_auditors_and_the_secretariat_see_the_fund(parties, fund, who):
    client = login(parties[who])
    assert client.get(f"/funds/{fund.pk}/").status_code == 200
    assert fund.name in text(client.get("/funds/"))


def test_anonymous_is_sent_to_sign_in(fund):
    r = Client().get(f"/funds/{fund.pk}/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_bad_amount_is_shown_next_to_the_field_and_nothing_written(parties, fund):
    client = login(parties["requester"])
    before = (Allocation.objects.count(), AuditEvent.objects.count())
    for amount, message in (
        ("-5", "cannot be negative"),
        ("10.005", "2 decimal places"),
        ("2000000", "does not fit"),
    ):
        r = client.post(
            f"/funds/{fund.pk}/allocations/new/",
            {
                "requesting_organisation": parties["trust"].pk,
                "scheme_line": fund.lines.get(code="S1").pk,
                "recipient": parties["vcse"].pk,
                "amount": amount,
                "purpose": "Carers",
            },
        )
        assert r.status_code == 400
        page = text(r)
        assert message in page and "There is a problem" in page
        assert 'aria-invalid="true"' in page
    assert (Allocation.objects.count(), AuditEvent.objects.count()) == before


def test_setting_up_a_fund_over_the_web(parties):
    sec = login(parties["council_sec"])
    r = sec.post(
        "/funds/new/",
        {
            "name": "Learning Disability Pool",
            "agreement_reference": "S75-LD-2026",
            "host_organisation": parties["council"].pk,
            "pool_manager": parties["manager"].pk,
            "financial_year": "2026",
            "risk_share_basis": "proportional",
        },
    )
    assert r.status_code == 302
    fund = PooledFund.objects.get(name="Learning Disability Pool")
    assert (
        sec.post(
            f"/funds/{fund.pk}/lines/new/",
            {"code": "L1", "name": "Supported living", "budget": "500000"},
        ).status_code
        == 302
    )
    for key, amount in (("icb", "300000"), ("council", "200000")):
        r = sec.post(
            f"/funds/{fund.pk}/contributions/", {"organisation": parties[key].pk, "amount": amount}
        )
        assert r.status_code == 302
    icb, council = parties["icb"].pk, parties["council"].pk
    r = sec.post(
        f"/funds/{fund.pk}/risk-share/",
        {"basis": "fixed", f"share_{icb}": "60", f"share_{council}": "30"},
    )
    assert r.status_code == 400 and "add up to exactly 100%" in text(r)
    r = sec.post(
        f"/funds/{fund.pk}/risk-share/",
        {"basis": "fixed", f"share_{icb}": "60", f"share_{council}": "40"},
    )
    assert r.status_code == 302
    assert sec.post(f"/funds/{fund.pk}/activate/").status_code == 302
    fund.refresh_from_db()
    assert fund.status == "active" and fund.risk_share_basis == "fixed"
    page = text(sec.get(f"/funds/{fund.pk}/"))
    assert "Fixed percentage shares" in page and ">£500,000</span>" in page
    # members may not manage the fund
    assert login(parties["requester"]).get(f"/funds/{fund.pk}/lines/new/").status_code in (
        403,
        404,
    )
    assert login(parties["icb_sign"]).get(f"/funds/{fund.pk}/lines/new/").status_code == 403


def test_contribution_change_over_the_web(parties, fund):
    client = login(parties["trust_sign"])
    contribution = fund.contributions.get(organisation=parties["trust"])
    r = client.post(
        f"/funds/{fund.pk}/contributions/{contribution.pk}/change/",
        {"new_amount": "250000", "reason": "Uplift"},
    )
    assert r.status_code == 302
    change = contribution.changes.get()
    page = text(client.get(f"/contribution-changes/{change.pk}/"))
    assert change.reference in page and ">£250,000</span>" in page
    inbox = text(login(parties["council_sign"]).get("/inbox/"))
    assert change.reference in inbox
    signoff = SignOff.objects.get(
        subject_id=change.pk,
        organisation=parties["council"],
        subject_type__model="contributionchange",
    )
    r = login(parties["council_sign"]).post(f"/signoffs/{signoff.pk}/", {"outcome": "approve"})
    assert r.status_code == 302


def test_allocation_flows_in_the_workflow_frontend(parties, fund):
    a = raise_via_web(parties, fund)
    review_via_web(parties, a)
    from viewflow.workflow.models import Process

    process = Process.objects.get(artifact_object_id=a.pk, flow_class__endswith="AllocationFlow")
    client = login(parties["icb_sec"])
    assert client.get("/workflow/allocation/chart/").status_code == 200
    assert client.get(f"/workflow/allocation/{process.pk}/").status_code == 200
    assert client.get("/workflow/contributionchange/chart/").status_code == 200
    assert login(parties["requester"]).get("/workflow/allocation/flows/").status_code in (
        302,
        403,
        404,
    )
