"""The demo, as a person would use it: sign in (real passwords) as a proposer, raise and
submit a proposal, switch to the secretariat and each partner's signatory, sign off, and
find the decision in the public register."""

from __future__ import annotations

import io
import re

import pytest
from django.db import transaction
from django.test import Client

from decisions.models import DecisionType, Proposal, ProposalStatus
from governance.demo.core import DEMO_PASSWORD
from governance.demo.registry import seeders
from governance.organisations.models import Organisation
from governance.signoffs.models import SignOff, SignOffStatus

# a slow suite: CI runs it once, on the PostgreSQL pass
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} could not sign in"
    return client


def test_demo_walkthrough(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    # the core, meetings (the board) and decisions seeders; the other apps'
    # demo data is theirs to test
    for entry in seeders():
        if entry.name in ("core", "meetings", "decisions"):
            with transaction.atomic():
                entry.func(stdout=io.StringIO())
    acute = Organisation.objects.get(identifier="RZ1")
    council = Organisation.objects.get(identifier="E08000901")
    ambulance = Organisation.objects.get(identifier="RZ3")
    commissioning = DecisionType.objects.get(code="commissioning")

    proposer = sign_in("acute.member")
    response = proposer.post(
        "/proposals/new/",
        {
            "proposing_organisation": acute.pk,
            "title": "Demo: hospital at home for frailty",
            "summary": "Twelve-month pilot of hospital-at-home for frail older people.",
            "financial_value": "180000",
            "decision_type": commissioning.pk,
            "affected_organisations": [acute.pk, council.pk, ambulance.pk],
        },
    )
    assert response.status_code == 302
    pk = int(re.search(r"/proposals/(\d+)/", response["Location"]).group(1))
    assert proposer.post(f"/proposals/{pk}/submit/").status_code == 302

    secretariat = sign_in("icb.secretariat")
    assert "Demo: hospital at home for frailty" in secretariat.get("/inbox/").content.decode()
    assert secretariat.post(f"/proposals/{pk}/accept/").status_code == 302

    # northmere.signatory has an interest in the VCSE Alliance, which is not a party
    # here, so either council signatory may sign
    for username, org in (
        ("acute.signatory", acute),
        ("northmere.signatory", council),
        ("ambulance.signatory", ambulance),
    ):
        client = sign_in(username)
        signoff = SignOff.objects.get(
            subject_id=pk,
            subject_type__model="proposal",
            organisation=org,
            status=SignOffStatus.PENDING,
        )
        assert f"/signoffs/{signoff.pk}/" in client.get("/inbox/").content.decode()
        response = client.post(f"/signoffs/{signoff.pk}/", {"outcome": "approve"})
        assert response.status_code == 302

    # £180,000 of commissioning: delegated to the Chief Finance Officer, in his inbox
    proposal = Proposal.objects.get(pk=pk)
    assert proposal.status == ProposalStatus.READY_FOR_DECISION
    cfo = sign_in("icb.signatory")
    assert "Demo: hospital at home for frailty" in cfo.get("/inbox/").content.decode()
    response = cfo.post(
        f"/proposals/{pk}/decide/",
        {"decision-outcome": "approved", "decision-reason": "Affordable within the plan."},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert "Tom Okafor, Chief Finance Officer" in proposal.decision.decided_by
    register = Client().get("/decisions/").content.decode()
    assert proposal.reference in register
    assert "Demo: hospital at home for frailty" in register
    # the demo's confidential proposal never shows in public
    assert "Urgent treatment centre estate lease" not in register
