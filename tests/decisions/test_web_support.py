"""Helpers for the web tests (no tests here): logged-in clients, a real PDF, and a
proposal driven through the pages."""

from __future__ import annotations

import io
import re

from django.test import Client
from pypdf import PdfWriter

from decisions.models import Proposal
from governance.audit.models import AuditEvent
from governance.signoffs.models import SignOff, SignOffStatus


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def audit_count() -> int:
    return AuditEvent.objects.count()


def raise_via_web(ics, decision_type, *, who="proposer", org="trust", **overrides) -> Proposal:
    """Raise a proposal through /proposals/new/ and return it."""
    data = {
        "proposing_organisation": ics[org].pk,
        "title": "Community beds",
        "summary": "Fund 20 step-down beds.",
        "financial_value": "50,000.00",
        "decision_type": decision_type.pk,
        "affected_organisations": [ics["trust"].pk, ics["council"].pk, ics["vcse"].pk],
    }
    data.update(overrides)
    response = login(ics[who]).post("/proposals/new/", data)
    assert response.status_code == 302, text(response)
    match = re.match(r"^/proposals/(\d+)/$", response["Location"])
    assert match, response["Location"]
    return Proposal.objects.get(pk=int(match.group(1)))


def submit_and_accept(ics, proposal, who="proposer") -> None:
    assert login(ics[who]).post(f"/proposals/{proposal.pk}/submit/").status_code == 302
    assert login(ics["secretariat"]).post(f"/proposals/{proposal.pk}/accept/").status_code == 302


def open_signoff(proposal, org) -> SignOff:
    return SignOff.objects.get(
        subject_id=proposal.pk,
        subject_type__model="proposal",
        organisation=org,
        status=SignOffStatus.PENDING,
    )


def sign_via_web(ics, proposal, who, org, outcome="approve", comment=""):
    signoff = open_signoff(proposal, ics[org])
    return login(ics[who]).post(
        f"/signoffs/{signoff.pk}/", {"outcome": outcome, "comment": comment}
    )


def decide_as_officer(ics, proposal, outcome="approved", reason="Within the delegated budget."):
    """The ICB's Director of Finance (the fixture SoRD's officer) decides, via the web."""
    response = login(ics["icb_sign"]).post(
        f"/proposals/{proposal.pk}/decide/",
        {"decision-outcome": outcome, "decision-reason": reason},
    )
    assert response.status_code == 302, response.content
    return response
