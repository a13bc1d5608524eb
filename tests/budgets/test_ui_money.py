"""Money on the pooled-fund pages: one format (whole pounds in positions, pence in
ledgers), a true minus that stays on one line with its figure, right-aligned cells and
totals rows that add up; the fund position as an accessible chart whose figures are the
table's; events in words with people's names."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings

from budgets import fund_charts, services
from budgets.reports.position import fund_report
from tests.budgets.helpers import commit
from tests.budgets.test_web import login

pytestmark = pytest.mark.django_db

MINUS = "\u2212"
NS = {"svg": "http://www.w3.org/2000/svg"}


@pytest.fixture
def underspent(parties, fund):
    """S1 (budget £600,000) forecast at £450,000: a £150,000 underspend, shared 50/30/20."""
    commit(parties, fund, amount="100000.00")
    services.scheme_line_set_forecast(
        actor=parties["manager"], line=fund.lines.get(code="S1"), forecast_outturn="450000.00"
    )
    return fund


def table(page: str, table_id: str) -> str:
    return re.search(rf'<table [^>]*id="{table_id}".*?</table>', page, re.S).group(0)


def cell_money(cell_html: str) -> str:
    """The amount a money cell shows (its app-money span's text)."""
    return unescape(re.search(r'<span class="app-money[^"]*">([^<]*)</span>', cell_html).group(1))


def amount(text: str) -> Decimal:
    return Decimal(text.replace("£", "").replace(",", "").replace(MINUS, "-"))


def rows_of(table_html: str, section: str = "tbody") -> list[str]:
    body = re.search(rf"<{section}[^>]*>(.*?)</{section}>", table_html, re.S).group(1)
    return re.findall(r"<tr [^>]*>.*?</tr>", body, re.S)


def test_negative_variance_is_one_unit_with_a_true_minus(parties, underspent):
    page = login(parties["requester"]).get(f"/funds/{underspent.pk}/").content.decode()
    lines = table(page, "scheme-lines")
    # the −£150,000 is one unbreakable span with U+2212, never "-" left on its own
    assert f'<span class="app-money app-money--negative">{MINUS}£150,000</span>' in lines
    assert "-£" not in page and "-&pound;" not in page
    position = table(page, "fund-position")
    shares = {
        unescape(re.search(r'data-partner="([^"]*)"', row)[1]): cell_money(
            re.search(r'data-series="variance">(.*?)</td>', row, re.S)[1]
        )
        for row in rows_of(position)
    }
    assert shares == {
        parties["icb"].name: f"{MINUS}£75,000",
        parties["council"].name: f"{MINUS}£45,000",
        parties["trust"].name: f"{MINUS}£30,000",
    }
    # whole pounds in the position, no pence
    assert "£1,000,000.00" not in page and "£1,000,000<" in page
    # the span cannot wrap: the shared stylesheet keeps it on one line
    css = (settings.BASE_DIR / "static/css/app.css").read_text()
    assert re.search(r"\.app-money\s*\{[^}]*white-space:\s*nowrap", css)


def test_money_cells_are_right_aligned_numeric_cells(parties, underspent):
    page = login(parties["requester"]).get(f"/funds/{underspent.pk}/").content.decode()
    for table_id in ("fund-position", "scheme-lines", "allocations"):
        html = table(page, table_id)
        money_cells = re.findall(r'<td class="([^"]*)"[^>]*>(?:(?!</td>).)*app-money', html, re.S)
        assert money_cells, table_id
        assert all("nhsuk-table__cell--numeric" in c for c in money_cells), table_id


def test_totals_rows_add_up(parties, underspent):
    page = login(parties["requester"]).get(f"/funds/{underspent.pk}/").content.decode()
    report = fund_report(underspent)
    position = table(page, "fund-position")
    (total_row,) = rows_of(position, "tfoot")
    assert "app-table__row--total" in total_row
    for series in ("contributed", "committed", "spent", "variance"):
        shown = cell_money(re.search(rf'data-total="{series}">(.*?)</td>', total_row).group(1))
        partners = sum((getattr(r, series) for r in report.partners), Decimal(0))
        assert amount(shown) == partners.quantize(Decimal(1)), series
    assert amount(cell_money(re.search(r'data-total="variance">(.*?)</td>', total_row)[1])) == (
        Decimal(-150000)
    )
    lines = table(page, "scheme-lines")
    (line_total,) = rows_of(lines, "tfoot")
    assert amount(cell_money(re.search(r'data-total="budget">(.*?)</td>', line_total)[1])) == (
        Decimal(1000000)
    )
    assert amount(
        cell_money(re.search(r'data-total="line_variance">(.*?)</td>', line_total)[1])
    ) == Decimal(-150000)
    allocations = table(page, "allocations")
    (alloc_total,) = rows_of(allocations, "tfoot")
    assert cell_money(re.search(r'data-total="committed">(.*?)</td>', alloc_total)[1]) == (
        "£100,000"
    )
    # the funds list totals its funds
    listing = login(parties["requester"]).get("/funds/").content.decode()
    funds_total = rows_of(table(listing, "funds"), "tfoot")[0]
    assert cell_money(re.search(r'data-total="contributed">(.*?)</td>', funds_total)[1]) == (
        "£1,000,000"
    )


def test_ledger_shows_pence(parties, fund):
    a = commit(parties, fund, amount="1234.56")
    services.allocation_spend(
        actor=parties["manager"], allocation=a, amount="99.99", reference="INV-1", memo=""
    )
    page = login(parties["manager"]).get(f"/funds/{fund.pk}/ledger/").content.decode()
    entries = table(page, "entries")
    assert ">£1,234.56</span>" in entries and ">£99.99</span>" in entries
    allocation_page = login(parties["manager"]).get(f"/allocations/{a.pk}/").content.decode()
    assert ">£99.99</span>" in allocation_page


def test_chart_is_accessible_and_shows_the_tables_figures(parties, underspent):
    page = login(parties["auditor"]).get(f"/funds/{underspent.pk}/").content.decode()
    svg = re.search(r'<svg [^>]*class="app-chart app-fund-chart".*?</svg>', page, re.S).group(0)
    root = ET.fromstring(svg)  # noqa: S314 - our own markup
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"svg:title[@id='{title_id}']", NS).text
    assert title == "Fund position per partner: contributed, committed and spent"
    desc = root.find(f"svg:desc[@id='{desc_id}']", NS).text
    position = table(page, "fund-position")
    bars = root.findall("svg:rect[@data-series]", NS)
    assert len(bars) == 3 * 3  # three partners, three series
    for row in rows_of(position):
        partner = unescape(re.search(r'data-partner="([^"]*)"', row).group(1))
        for series in ("contributed", "committed", "spent"):
            shown = cell_money(re.search(rf'data-series="{series}">(.*?)</td>', row).group(1))
            (bar,) = [
                b
                for b in bars
                if b.get("data-partner") == partner and b.get("data-series") == series
            ]
            assert amount(shown) == Decimal(bar.get("data-value")).quantize(Decimal(1))
            assert f"{series} {shown}" in desc  # the description says every figure
        assert partner in desc
    # bars are drawn to one scale: the biggest contribution is the longest bar
    widths = {(b.get("data-partner"), b.get("data-series")): float(b.get("width")) for b in bars}
    assert max(widths.values()) == widths[(parties["icb"].name, "contributed")]


def test_chart_escapes_names_and_handles_no_partners(parties, make_fund):
    draft = make_fund(contributions=(), lines=(), activate=False)
    svg = str(fund_charts.fund_position_svg(fund_report(draft).partners))
    assert "No partners yet." in svg
    ET.fromstring(svg)  # noqa: S314 - well-formed
    parties["vcse"].name = 'Carers <"Alliance"> & Co'

    class Row:
        organisation = parties["vcse"]
        contributed, committed, spent = Decimal("10.00"), Decimal("5.00"), Decimal(0)

    svg = str(fund_charts.fund_position_svg([Row()]))
    root = ET.fromstring(svg)  # noqa: S314 - parsed back: the name was escaped
    assert 'Carers <"Alliance"> & Co' in root.find("svg:desc", NS).text


def test_fund_events_read_as_sentences_with_names(parties, underspent):
    parties["manager"].first_name, parties["manager"].last_name = "Grace", "Lund"
    parties["manager"].save()
    page = login(parties["requester"]).get(f"/funds/{underspent.pk}/").content.decode()
    events = page[page.index("Recent events") :]
    assert "fund.forecast_recorded" not in events and "fund.activated" not in events
    assert "Forecast outturn recorded: £450,000" in events
    assert "Fund activated; contributions: £1,000,000" in events
    assert "Grace Lund" in events
