"""The heat map: counts per cell equal the register's, every cell links to its risks,
it is accessible, and it costs a fixed number of queries."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.risks import charts, selectors, services
from governance.risks.selectors import RegisterFilter

pytestmark = pytest.mark.django_db

NS = {"svg": "http://www.w3.org/2000/svg"}


@pytest.fixture
def register_of_risks(rics, registered_risk, make_risk):
    cells = [(4, 4), (4, 4), (3, 3), (2, 5), (1, 1), (5, 5), (3, 3), (3, 3)]
    risks = [
        registered_risk(title=f"Risk {i}", current=lc, partners=("trust",) if i % 2 else ())
        for i, lc in enumerate(cells)
    ]
    make_risk(title="A draft (not counted)", current=(4, 4))
    closed = registered_risk(title="Closed (not counted)", current=(4, 4), partners=())
    services.risk_change_status(actor=rics["owner"], risk=closed, status="closed", reason="Done")
    return risks


def svg_cells(html: str) -> dict[tuple[int, int], tuple[int, str]]:
    """{(likelihood, consequence): (count, href)} read from the page's inline SVG."""
    svg = re.search(r"<svg [^>]*class=\"risk-heatmap\".*?</svg>", html, re.S).group(0)
    root = ET.fromstring(svg)  # noqa: S314 - our own markup
    out = {}
    for a in root.findall("svg:a", NS):
        key = (int(a.get("data-likelihood")), int(a.get("data-consequence")))
        count = int(a.get("data-count"))
        shown = a.find("svg:text[@class='count']", NS).text
        assert int(shown) == count
        assert f"score {key[0] * key[1]} (" in a.get("aria-label")
        out[key] = (count, a.get("href").replace("&amp;", "&"))
    return out


def test_heat_map_counts_equal_the_register(client, rics, register_of_risks):
    client.force_login(rics["secretariat"])
    page = client.get("/risks/").content.decode()
    cells = svg_cells(page)
    assert len(cells) == 25
    assert sum(count for count, _ in cells.values()) == 8
    assert cells[(3, 3)][0] == 3 and cells[(4, 4)][0] == 2 and cells[(5, 5)][0] == 1
    for (lk, cq), (count, href) in cells.items():
        assert href.startswith(f"/risks/?likelihood={lk}&consequence={cq}")
        listed = client.get(href).content.decode().count(' risk-row"')
        assert listed == count, (lk, cq)
        f = RegisterFilter(likelihood=lk, consequence=cq)
        assert selectors.register(rics["secretariat"], f).count() == count


def test_heat_map_follows_the_filters(client, rics, register_of_risks):
    client.force_login(rics["secretariat"])
    page = client.get(f"/risks/?organisation={rics['trust'].pk}").content.decode()
    cells = svg_cells(page)
    assert sum(c for c, _ in cells.values()) == 4  # the odd ones are shared with the trust
    for count, href in cells.values():
        assert f"organisation={rics['trust'].pk}" in href
        assert client.get(href).content.decode().count(' risk-row"') == count
    # the trust's own members see the same four
    client.force_login(rics["trust_member"])
    assert sum(c for c, _ in svg_cells(client.get("/risks/").content.decode()).values()) == 4


def test_the_data_table_alternative_matches(client, rics, register_of_risks):
    client.force_login(rics["secretariat"])
    page = client.get("/risks/").content.decode()
    table = re.search(r'<table class="heatmap-table">.*?</table>', page, re.S).group(0)
    for lk, cq, n in [(3, 3, 3), (4, 4, 2), (1, 1, 1), (2, 2, 0)]:
        cell = re.search(
            rf'<td data-likelihood="{lk}" data-consequence="{cq}">(.*?)</td>', table, re.S
        ).group(1)
        assert re.sub(r"<[^>]+>", "", cell).strip().startswith(str(n))


def test_cell_links_are_named_by_their_visible_text(client, rics, register_of_risks):
    """axe ``label-content-name-mismatch``: a link's accessible name starts with the text
    it shows (the count), in the SVG and in the table alike."""
    client.force_login(rics["secretariat"])
    page = client.get("/risks/").content.decode()
    svg = re.search(r"<svg [^>]*class=\"risk-heatmap\".*?</svg>", page, re.S).group(0)
    root = ET.fromstring(svg)  # noqa: S314 - our own markup
    links = root.findall("svg:a", NS)
    assert len(links) == 25
    for a in links:
        shown = "".join(t.text for t in a.iter(f"{{{NS['svg']}}}text"))
        assert shown == a.get("data-count")
        assert a.get("aria-label").startswith(f"{shown} risk")
    table = re.search(r'<table class="heatmap-table">.*?</table>', page, re.S).group(0)
    table_links = re.findall(r"<a href=\"[^\"]*\"([^>]*)>(.*?)</a>", table, re.S)
    assert len(table_links) == 5  # the cells with risks
    for attrs, body in table_links:
        assert "aria-label" not in attrs  # the name is the link's own text
        visible = re.sub(r"<span class=\"nhsuk-u-visually-hidden\">.*?</span>", "", body)
        name = re.sub(r"<[^>]+>", "", body)
        assert visible.strip().isdigit() and name.startswith(visible.strip() + " risk")
    assert '3<span class="nhsuk-u-visually-hidden"> risks: likelihood 3 (possible), ' in table


def test_svg_is_accessible_and_escaped():
    counts = {(lk, cq): 0 for lk in range(1, 6) for cq in range(1, 6)}
    counts[(5, 5)] = 2
    svg = charts.heat_map_svg(counts, url=lambda lk, cq: f'/risks/?x="<{lk}>"&c={cq}')
    root = ET.fromstring(str(svg))  # noqa: S314 - our own markup
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"svg:title[@id='{title_id}']", NS).text == "Heat map of current risk scores"
    assert "2 risks" in root.find(f"svg:desc[@id='{desc_id}']", NS).text
    cell = root.find("svg:a[@data-likelihood='5'][@data-consequence='5']", NS)
    assert cell.get("href") == '/risks/?x="<5>"&c=5'  # escaped in the markup, parsed back
    # the accessible name starts with the visible text, the count (axe label-content-name-mismatch)
    assert cell.get("aria-label").startswith("2 risks: likelihood 5 (almost certain), consequence")
    assert cell.find("svg:text[@class='count']", NS).text == "2"
    assert [t.text for t in cell.iter(f"{{{NS['svg']}}}text")] == ["2"]  # the score is outside
    assert cell.find("svg:rect", NS).get("fill") == "#d5281b"
    # the PDF variant has no links
    assert "<a " not in str(charts.heat_map_svg(counts, links=False))


def test_heat_map_costs_a_fixed_number_of_queries(rics, registered_risk):
    for i in range(3):
        registered_risk(title=f"R{i}", current=(1 + i, 2))
    user = rics["trust_member"]
    with CaptureQueriesContext(connection) as few:
        selectors.heat_map_counts(user)
    for i in range(3, 12):
        registered_risk(title=f"R{i}", current=(1 + i % 5, 1 + i % 4))
    with CaptureQueriesContext(connection) as many:
        counts = selectors.heat_map_counts(user)
    assert len(few) == len(many) <= 4
    assert sum(counts.values()) == 12
