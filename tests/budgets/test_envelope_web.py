"""The envelope's pages: a partner submits its month on the web form and sees the
position move; other partners' returns and other systems' envelopes are 404; bad input
is shown next to the field; the report renders (PDF fetching nothing, CSV adding up)."""

from __future__ import annotations

import csv
import datetime
import io
import time
from decimal import Decimal

import pytest

from budgets.models import MonthlyReturn, MonthlyReturnStatus
from budgets.reports import envelope as report
from budgets.services import envelope_returns
from governance import pdf
from tests.budgets.envelope_fixtures import finance_committee  # noqa: F401
from tests.packs.helpers import fetch_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(make_envelope):
    envelope = make_envelope()
    envelope_returns.envelope_months_open(today=datetime.date(2026, 11, 20))
    return envelope


def ret(envelope, p, key, month=7):
    return MonthlyReturn.objects.get(
        month__envelope=envelope, month__month=month, line__organisation=p[key]
    )


FORM = {
    "ytd_income": "361,000,000.00",
    "ytd_expenditure": "368000000.00",
    "forecast_income": "620000000.00",
    "forecast_expenditure": "636000000.00",
    "commentary": "Agency spend in urgent care.",
}


def test_partner_submits_a_month_and_the_position_moves(client, opened, env_parties):
    p = env_parties
    client.force_login(p["acute_lead"])
    page = client.get(f"/envelopes/{opened.pk}/")
    assert page.status_code == 200
    assert "No return: at plan" in page.content.decode()
    r = ret(opened, p, "acute")
    url = f"/envelopes/{opened.pk}/returns/{r.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, FORM)
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == MonthlyReturnStatus.SUBMITTED and r.source == "web"
    assert r.ytd_income == Decimal("361000000.00")
    body = client.get(f"/envelopes/{opened.pk}/").content.decode()
    # the acute trust's forecast variance: whole pounds, a true minus, one unbreakable unit
    assert '<span class="app-money app-money--negative">\u2212£7,500,000</span>' in body
    assert "-£" not in body
    assert "<svg" in body and "Planned and forecast surplus per partner" in body


def test_bad_figures_shown_next_to_the_field(client, opened, env_parties):
    p = env_parties
    client.force_login(p["acute_lead"])
    r = ret(opened, p, "acute")
    response = client.post(
        f"/envelopes/{opened.pk}/returns/{r.pk}/", {**FORM, "forecast_expenditure": "1.001"}
    )
    assert response.status_code == 400
    assert "at most 2 decimal places" in response.content.decode()
    r.refresh_from_db()
    assert r.status == MonthlyReturnStatus.DUE


def test_another_partners_return_and_another_systems_envelope_are_404(client, opened, env_parties):
    p = env_parties
    client.force_login(p["mh_lead"])
    r = ret(opened, p, "acute")
    assert client.get(f"/envelopes/{opened.pk}/returns/{r.pk}/").status_code == 404
    assert client.post(f"/envelopes/{opened.pk}/returns/{r.pk}/", FORM).status_code == 404
    client.force_login(p["outsider"])
    assert client.get(f"/envelopes/{opened.pk}/").status_code == 404
    assert client.get(f"/envelopes/{opened.pk}/report/7.csv").status_code == 404
    assert client.get(f"/envelopes/{opened.pk}/capital/").status_code == 404
    assert str(opened.reference) not in client.get("/envelopes/").content.decode()


def test_csv_upload_page(client, opened, env_parties):
    p = env_parties
    client.force_login(p["acute_lead"])
    data = (
        "organisation,ytd_income,ytd_expenditure,forecast_income,forecast_expenditure\n"
        "RA1,361000000.00,366000000.00,620000000.00,628500000.00\n"
    )
    upload = io.BytesIO(data.encode())
    upload.name = "m7.csv"
    response = client.post(f"/envelopes/{opened.pk}/months/7/upload/", {"file": upload})
    assert response.status_code == 302
    assert ret(opened, p, "acute").source == "csv"
    bad = io.BytesIO(b"organisation,ytd_income\nRA1,1\n")
    bad.name = "bad.csv"
    response = client.post(f"/envelopes/{opened.pk}/months/7/upload/", {"file": bad})
    assert response.status_code == 400
    assert "The header lacks" in response.content.decode()


def test_report_csv_adds_up_to_the_penny(client, opened, env_parties):
    p = env_parties
    envelope_returns.return_submit(
        actor=p["acute_lead"],
        envelope_return=ret(opened, p, "acute"),
        **{k: v.replace(",", "") for k, v in FORM.items()},
    )
    client.force_login(p["icb_sec"])
    response = client.get(f"/envelopes/{opened.pk}/report/7.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, body = rows[1], rows[2:]
    col = header.index("forecast_variance")
    partners, total = body[:-1], body[-1]
    assert total[0] == "System total"
    assert sum(Decimal(r[col]) for r in partners) == Decimal(total[col]) == Decimal("-7500000.00")


def test_report_pdf_renders_fetching_nothing(opened, env_parties):
    p = env_parties
    envelope_returns.return_submit(
        actor=p["acute_lead"],
        envelope_return=ret(opened, p, "acute"),
        **{k: v.replace(",", "") for k, v in FORM.items()},
    )
    r = report.build_report(opened, 7)
    html = report.render_html(r)
    assert "http" not in html.replace("http://www.w3.org/2000/svg", "")
    started = time.perf_counter()
    rendered = pdf.render_html(html)
    seconds = time.perf_counter() - started
    assert rendered.pdf.startswith(b"%PDF-")
    assert rendered.refused == []
    assert seconds < 30


def test_report_pdf_download_through_the_isolated_renderer(
    client, opened, env_parties, django_capture_on_commit_callbacks
):
    client.force_login(env_parties["icb_lead"])
    response = fetch_report(
        client, f"/envelopes/{opened.pk}/report/7.pdf", django_capture_on_commit_callbacks
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert client.get(f"/envelopes/{opened.pk}/report/9.pdf").status_code == 404  # not open


def test_capital_page_bid_and_over_envelope_programme(
    client, opened, env_parties, finance_committee  # noqa: F811
):
    p = env_parties
    client.force_login(p["amb_lead"])
    response = client.post(
        f"/envelopes/{opened.pk}/capital/",
        {
            "action": "bid",
            "bid-organisation": p["amb"].pk,
            "bid-title": "Replacement double-crewed ambulances",
            "bid-category": "safety",
            "bid-risk_score_addressed": "15",
            "bid-cost_year_1": "70000000.00",
        },
    )
    assert response.status_code == 302
    client.force_login(p["icb_lead"])
    page = client.get(f"/envelopes/{opened.pk}/capital/")
    assert "Replacement double-crewed ambulances" in page.content.decode()
    scheme = opened.capital_schemes.get()
    response = client.post(
        f"/envelopes/{opened.pk}/capital/",
        {"action": "programme", "prog-schemes": [scheme.pk], "prog-note": "Fleet first."},
    )
    assert response.status_code == 400
    assert "over by £10,000,000.00" in response.content.decode()
    assert not opened.capital_programmes.exists()


def test_capital_page_proposes_a_programme_to_the_committee(
    client, opened, env_parties, finance_committee  # noqa: F811
):
    from budgets.models import ProgrammeStatus
    from budgets.services import capital as capital_services

    p = env_parties
    scheme = capital_services.scheme_bid(
        actor=p["amb_lead"],
        envelope=opened,
        organisation=p["amb"],
        title="Ambulance station roof",
        category="backlog",
        costs={2026: "2000000.00"},
        risk_score_addressed=12,
    )
    client.force_login(p["icb_lead"])
    response = client.post(
        f"/envelopes/{opened.pk}/capital/",
        {"action": "programme", "prog-schemes": [scheme.pk], "prog-note": "Roof first."},
    )
    assert response.status_code == 302
    programme = opened.capital_programmes.get()
    assert programme.status == ProgrammeStatus.PROPOSED and programme.note == "Roof first."
    page = client.get(f"/envelopes/{opened.pk}/capital/").content.decode()
    assert "Finance and Performance Committee" in page


def test_envelope_page_queries_do_not_grow_with_returns(client, opened, env_parties):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = env_parties
    lead_of = {p[k].pk: p[f"{k}_lead"] for k in ("icb", "acute", "mh", "amb")}

    def submit(r):
        envelope_returns.return_submit(
            actor=lead_of[r.line.organisation_id],
            envelope_return=r,
            ytd_income="0.00",
            ytd_expenditure="0.00",
            forecast_income=str(r.line.planned_income),
            forecast_expenditure=str(r.line.planned_expenditure),
        )

    returns = list(MonthlyReturn.objects.filter(month__envelope=opened).select_related("line"))
    submit(returns[0])  # one return in
    client.force_login(p["icb_sec"])
    url = f"/envelopes/{opened.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for r in returns[1:]:  # then all 28, over seven months
        submit(r)
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert response.status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries) <= 25
