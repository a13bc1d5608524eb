"""Planning pages: the ICB finance lead drafts the envelope, sets each partner's line,
sends it for sign-off only when the lines add up, and proposes variations; nobody else
may; bad input is shown next to the field and writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgets.models import EnvelopeStatus, EnvelopeVariation, SystemEnvelope, VariationStatus
from governance.signoffs.models import SignOff
from tests.budgets.envelope_fixtures import LINES, sign_round

pytestmark = pytest.mark.django_db


def test_finance_lead_drafts_sets_lines_and_sends_for_signoff(client, env_parties):
    p = env_parties
    client.force_login(p["icb_lead"])
    assert "Draft a system envelope" in client.get("/envelopes/").content.decode()
    response = client.post(
        "/envelopes/new/",
        {
            "name": "System financial plan",
            "financial_year": "2026",
            "income_total": "3370000000.00",
            "expenditure_total": "3378000000.00",
            "capital_total": "60000000.00",
            "threshold_percent": "1.00",
            "system_adverse_alert": "on",
            "finance_committee": "Finance and Performance Committee",
        },
    )
    assert response.status_code == 302
    envelope = SystemEnvelope.objects.get()
    bad = client.post(
        f"/envelopes/{envelope.pk}/lines/",
        {
            "organisation": p["acute"].pk,
            "planned_income": "620m",
            "planned_expenditure": "628500000.00",
            "capital_allocation": "30000000.00",
        },
    )
    assert bad.status_code == 400 and "Enter an amount" in bad.content.decode()
    assert not envelope.lines.exists()
    for key, (income, spend, capital) in list(LINES.items())[:3]:
        client.post(
            f"/envelopes/{envelope.pk}/lines/",
            {
                "organisation": p[key].pk,
                "planned_income": income,
                "planned_expenditure": spend,
                "capital_allocation": capital,
            },
        )
    page = client.post(f"/envelopes/{envelope.pk}/submit/", follow=True)
    assert "add up to" in page.content.decode()  # the ambulance trust's line is missing
    assert SystemEnvelope.objects.get().status == EnvelopeStatus.DRAFT
    income, spend, capital = LINES["amb"]
    client.post(
        f"/envelopes/{envelope.pk}/lines/",
        {
            "organisation": p["amb"].pk,
            "planned_income": income,
            "planned_expenditure": spend,
            "capital_allocation": capital,
        },
    )
    client.post(f"/envelopes/{envelope.pk}/submit/")
    assert SystemEnvelope.objects.get().status == EnvelopeStatus.IN_SIGNOFF


@pytest.mark.parametrize("who", ["acute_lead", "acute_member", "auditor", "outsider"])
def test_others_cannot_draft_or_change(client, make_envelope, env_parties, who):
    p = env_parties
    envelope = make_envelope(agree=False)
    client.force_login(p[who])
    assert client.get("/envelopes/new/").status_code == 403
    expected = 404 if who == "outsider" else 403
    assert client.get(f"/envelopes/{envelope.pk}/lines/").status_code == expected
    assert client.post(f"/envelopes/{envelope.pk}/submit/").status_code == expected
    assert SystemEnvelope.objects.get().status == EnvelopeStatus.DRAFT


def test_transfer_and_replan_variations_through_the_pages(client, make_envelope, env_parties):
    p = env_parties
    envelope = make_envelope()
    client.force_login(p["icb_lead"])
    too_much = client.post(
        f"/envelopes/{envelope.pk}/variations/transfer/",
        {"source": p["amb"].pk, "target": p["acute"].pk, "amount": "12000000.01", "reason": "x"},
    )
    assert too_much.status_code == 400 and "cannot move" in too_much.content.decode()
    response = client.post(
        f"/envelopes/{envelope.pk}/variations/transfer/",
        {
            "source": p["amb"].pk,
            "target": p["acute"].pk,
            "amount": "2000000.00",
            "reason": "Fleet order slips to 2027/28.",
        },
    )
    assert response.status_code == 302
    variation = EnvelopeVariation.objects.get()
    page = client.get(f"/envelopes/{envelope.pk}/variations/{variation.pk}/").content.decode()
    assert ">£10,000,000</span>" in page  # the ambulance trust's capital after
    url = f"/envelopes/{envelope.pk}/variations/{variation.pk}/withdraw/"
    confirm = client.post(url, {"reason": "Rethink"})  # first the confirmation step
    assert confirm.status_code == 200 and "the agreed lines stay as they are" in (
        confirm.content.decode()
    )
    assert EnvelopeVariation.objects.get().status != VariationStatus.WITHDRAWN
    client.post(url, {"reason": "Rethink", "confirm": "yes"})
    assert EnvelopeVariation.objects.get().status == VariationStatus.WITHDRAWN
    response = client.post(
        f"/envelopes/{envelope.pk}/variations/replan/",
        {
            "organisation": p["mh"].pk,
            "planned_income": "212000000.00",
            "planned_expenditure": "211000000.00",
            "reason": "Mental health investment standard uplift.",
        },
    )
    assert response.status_code == 302
    replan = EnvelopeVariation.objects.get(kind="replan")
    signers = SignOff.objects.filter(subject_type__model="envelopevariation", subject_id=replan.pk)
    assert {s.organisation_id for s in signers} == {p["mh"].pk, p["icb"].pk}
    sign_round(p, replan)
    envelope.refresh_from_db()
    assert envelope.income_total == Decimal("3372000000.00")
    assert envelope.expenditure_total == Decimal("3380000000.00")
