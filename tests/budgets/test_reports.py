"""The pool manager's report: position per partner to the penny, CSV and PDF."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from budgets import services
from budgets.reports.csv import ledger_csv, report_csv, safe
from budgets.reports.pdf import DenyAllURLFetcher, render_report
from budgets.reports.position import fund_report, quarter_of
from tests.budgets.helpers import commit

pytestmark = pytest.mark.django_db
D = Decimal
COLUMNS = ("contributed", "committed", "spent", "uncommitted", "forecast_outturn", "variance")


def test_position_per_partner_adds_up_to_the_fund(parties, fund):
    a = commit(parties, fund, "333333.33", line="S1")
    services.allocation_spend(
        actor=parties["manager"], allocation=a, amount="111111.11", reference="INV-7"
    )
    services.scheme_line_set_forecast(
        actor=parties["manager"], line=fund.lines.get(code="S1"), forecast_outturn="650000.01"
    )
    report = fund_report(fund)
    # lines: S1 forecast 650,000.01 (recorded), S2 none → its budget, 400,000
    assert report.forecast_outturn == D("1050000.01")
    assert report.variance == D("50000.01")  # an overspend
    assert report.outcome == "overspend"
    rows = {r.organisation.name: r for r in report.partners}
    for column in COLUMNS:
        assert sum(getattr(r, column) for r in report.partners) == report.totals[column], column
    # proportional to contributions 50/30/20 of 33,333,333p: exact 16,666,666.5p,
    # 9,999,999.9p and 6,666,666.6p; the two pennies left go to the largest remainders
    assert rows["Test ICB"].committed == D("166666.66")
    assert rows["Borough Council"].committed == D("100000.00")
    assert rows["Community Trust"].committed == D("66666.67")
    # the overspend 5,000,001p: exact 2,500,000.5p, 1,500,000.3p, 1,000,000.2p → ICB's penny
    assert {n: r.variance for n, r in rows.items()} == {
        "Test ICB": D("25000.01"),
        "Borough Council": D("15000.00"),
        "Community Trust": D("10000.00"),
    }
    assert [r.share_percent for r in report.partners] == [D("30.00"), D("20.00"), D("50.00")]
    line = {r.line.code: r for r in report.lines}
    assert line["S1"].forecast_recorded and line["S1"].variance == D("50000.01")
    assert not line["S2"].forecast_recorded and line["S2"].variance == D("0.00")


def test_fixed_shares_take_the_variance(parties, make_fund):
    fund = make_fund(basis="fixed", shares={"icb": "33.33", "council": "33.33", "trust": "33.34"})
    commit(parties, fund, "600000.00", line="S1")
    services.scheme_line_set_forecast(
        actor=parties["manager"], line=fund.lines.get(code="S1"), forecast_outturn="700000.00"
    )
    services.scheme_line_set_forecast(
        actor=parties["manager"], line=fund.lines.get(code="S2"), forecast_outturn="300000.01"
    )
    report = fund_report(fund)
    assert report.variance == D("0.01")  # a one-penny overspend
    variance = {r.organisation.name: r.variance for r in report.partners}
    assert variance == {
        "Borough Council": D("0.00"),
        "Community Trust": D("0.01"),
        "Test ICB": D("0.00"),
    }
    assert "Fixed percentage shares" in report.basis_text


def test_csv(parties, fund):
    commit(parties, fund, "100000.00")
    response_body = report_csv(fund_report(fund))
    assert response_body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(response_body.lstrip("\ufeff"))))
    assert [r["partner"] for r in rows] == [
        "Borough Council",
        "Community Trust",
        "Test ICB",
        "Total",
    ]
    assert rows[-1]["contributed"] == "1000000.00" and rows[-1]["committed"] == "100000.00"
    assert sum(D(r["committed"]) for r in rows[:-1]) == D("100000.00")
    assert safe("=HYPERLINK(1)") == "'=HYPERLINK(1)" and safe("Plain") == "Plain"
    ledger = list(csv.reader(io.StringIO(ledger_csv(fund.entries.all()).lstrip("\ufeff"))))
    assert ledger[0][:3] == ["recorded_at", "kind", "amount"]
    assert len(ledger) == 1 + 3 + 1  # header, three contributions, one commitment


def test_pdf_report(parties, fund):
    commit(parties, fund, "100000.00")
    rendered = render_report(fund_report(fund))
    assert rendered.pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(rendered.pdf)).pages)
    for phrase in (
        "Pool manager's report",
        "Better Care Fund",
        "Community Trust",
        "Rounding rule",
        "largest remainders",
        "£100,000",  # positions in whole pounds
    ):
        assert phrase in text, phrase
    assert "£100,000.00" not in text
    assert rendered.refused == []


def test_the_pdf_fetcher_refuses_everything(tmp_path):
    from weasyprint import HTML

    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    fetcher = DenyAllURLFetcher()
    html = (
        f'<link rel="attachment" href="file://{secret}"><img src="http://example.com/x.png">'
        '<img src="data:image/png;base64,iVBORw0KGgo=">'
        f'<link rel="stylesheet" href="file://{secret}"><p>Hello</p>'
    )
    pdf = HTML(string=html, base_url="https://funds.invalid/", url_fetcher=fetcher).write_pdf()
    assert b"top secret" not in pdf and b"/EmbeddedFile" not in pdf
    assert len(fetcher.refused) == 4


def test_quarters_and_as_at(parties, fund):
    assert [quarter_of(datetime.date(2026, m, 1)) for m in (4, 6, 7, 10, 12, 1, 3)] == [
        1,
        1,
        2,
        3,
        3,
        4,
        4,
    ]
    before = timezone.now()
    commit(parties, fund, "100000.00")
    earlier = fund_report(fund, as_at=before)
    assert earlier.position.committed == 0 and earlier.position.contributed == 1_000_000
    assert fund_report(fund).position.committed == 100_000
    assert fund_report(fund).quarter.startswith("Quarter")
