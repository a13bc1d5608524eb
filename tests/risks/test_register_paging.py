"""The register is paged (25 risks a page) under a heat map that counts every risk the
filters select, whatever page is shown; the order holds across pages."""

from __future__ import annotations

import re

import pytest

from governance.risks.views import register as register_views

pytestmark = pytest.mark.django_db


def shown(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-risk="(\d+)"', page)]


def test_pages_of_the_register_under_a_complete_heat_map(client, rics, make_risk, monkeypatch):
    monkeypatch.setattr(register_views, "PAGE_SIZE", 2)
    low = make_risk(title="Estates backlog", current=(2, 2))
    high = make_risk(title="Winter pressures overspend", current=(4, 5))
    middle = make_risk(title="Agency staffing", current=(3, 3))
    client.force_login(rics["owner"])

    first = client.get("/risks/", {"status": "all"}).content.decode()
    assert shown(first) == [high.pk, middle.pk]  # highest current score first
    assert "3 risks, highest current score first; 1 to 2 shown" in first
    assert "3 risks you may see" in first  # the heat map counts every page
    assert 'data-likelihood="2" data-consequence="2" data-count="1"' in first
    assert "page=2&amp;status=all" in first  # the filters carried to the next page

    second = client.get("/risks/", {"status": "all", "page": 2}).content.decode()
    assert shown(second) == [low.pk]
    assert "3 risks you may see" in second
    # a page beyond the last shows the last; a word shows the first
    assert shown(client.get("/risks/", {"status": "all", "page": 99}).content.decode()) == [low.pk]
    assert shown(client.get("/risks/", {"status": "all", "page": "x"}).content.decode()) == [
        high.pk,
        middle.pk,
    ]


def test_a_page_never_shows_another_organisations_risk(client, rics, make_risk, monkeypatch):
    monkeypatch.setattr(register_views, "PAGE_SIZE", 2)
    make_risk(title="Shared risk")
    private = make_risk(partners=(), org="icb", title="ICB-only risk", current=(5, 5))
    client.force_login(rics["outsider"])
    page = client.get("/risks/", {"status": "all"}).content.decode()
    assert private.pk not in shown(page)
    assert "ICB-only risk" not in page


def test_the_page_size_a_reader_takes_in():
    assert register_views.PAGE_SIZE == 25
