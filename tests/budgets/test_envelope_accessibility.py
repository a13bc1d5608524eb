"""Structural accessibility of every system envelope page (the checks used across the
web UI: one h1, labelled controls, unique ids, captioned tables with header scopes),
and the charts: SVG with a title and description, and a table alternative."""

from __future__ import annotations

import datetime

import pytest

from budgets.models import MonthlyReturn, VarianceAlert
from budgets.services import capital, envelope_returns
from tests.decisions.test_web_accessibility import check

pytestmark = pytest.mark.django_db


def test_every_envelope_page(client, make_envelope, env_parties):
    p = env_parties
    draft = make_envelope(agree=False)
    draft.financial_year = 2025
    draft.save()
    envelope = make_envelope()
    envelope_returns.envelope_months_open(today=datetime.date(2026, 11, 20))
    ret = MonthlyReturn.objects.get(
        month__envelope=envelope, month__month=7, line__organisation=p["acute"]
    )
    envelope_returns.return_submit(
        actor=p["acute_lead"],
        envelope_return=ret,
        ytd_income="361000000.00",
        ytd_expenditure="372000000.00",
        forecast_income="620000000.00",
        forecast_expenditure="640000000.00",
    )
    assert VarianceAlert.objects.exists()
    scheme = capital.scheme_bid(
        actor=p["amb_lead"],
        envelope=envelope,
        organisation=p["amb"],
        title="Fleet",
        category="safety",
        costs={2026: "7000000.00"},
        risk_score_addressed=15,
    )
    pages = {
        "icb_lead": [
            "/envelopes/",
            "/envelopes/new/",
            f"/envelopes/{draft.pk}/",
            f"/envelopes/{draft.pk}/lines/",
            f"/envelopes/{envelope.pk}/",
            f"/envelopes/{envelope.pk}/report/7/",
            f"/envelopes/{envelope.pk}/capital/",
            f"/envelopes/{envelope.pk}/capital/{scheme.pk}/score/",
            f"/envelopes/{envelope.pk}/variations/transfer/",
            f"/envelopes/{envelope.pk}/variations/replan/",
        ],
        "acute_lead": [
            "/envelopes/",
            f"/envelopes/{envelope.pk}/",
            f"/envelopes/{envelope.pk}/returns/{ret.pk}/",
            f"/envelopes/{envelope.pk}/months/7/upload/",
            f"/envelopes/{envelope.pk}/report/7/",
            f"/envelopes/{envelope.pk}/capital/",
        ],
        "auditor": [f"/envelopes/{envelope.pk}/", f"/envelopes/{envelope.pk}/capital/"],
    }
    for who, urls in pages.items():
        client.force_login(p[who])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url)
            check(response.content.decode())
    client.force_login(p["icb_lead"])
    body = client.get(f"/envelopes/{envelope.pk}/").content.decode()
    for prefix in ("plan-forecast", "trajectory", "capital"):
        assert f'aria-labelledby="{prefix}-title {prefix}-desc"' in body
    assert "<script" not in body.split("<svg", 1)[1].split("</svg>", 1)[0]
