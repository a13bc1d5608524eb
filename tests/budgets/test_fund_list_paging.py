"""The funds list is paged (25 a page, with the count) and its totals row is of every
fund the reader is party to, whatever page is shown; the review queue is paged too."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from budgets.views import funds as fund_views

pytestmark = pytest.mark.django_db


def listing(user, **params) -> str:
    client = Client()
    client.force_login(user)
    return client.get("/funds/", params).content.decode()


def fund_rows(page: str) -> list[str]:
    return re.findall(r'href="/funds/(\d+)/">', page)


def total(page: str, series: str) -> str:
    cell = re.search(rf'data-total="{series}">(.*?)</td>', page, re.S)[1]
    return re.search(r'class="app-money">(.*?)</span>', cell)[1]


def test_pages_of_funds_with_the_total_of_all(parties, make_fund, monkeypatch):
    monkeypatch.setattr(fund_views, "FUND_PAGE_SIZE", 2)
    funds = [make_fund(name=f"Better Care Fund {n}") for n in (1, 2, 3)]
    first = listing(parties["requester"])
    assert len(fund_rows(first)) == 2
    assert "Funds (3); 1 to 2 shown" in first
    assert "Total of all 3 funds" in first
    assert total(first, "contributed") == "£3,000,000"  # 3 × £1,000,000, not this page's
    second = listing(parties["requester"], page=2)
    assert len(fund_rows(second)) == 1
    assert total(second, "contributed") == "£3,000,000"
    assert sorted(fund_rows(first) + fund_rows(second)) == sorted(str(f.pk) for f in funds)


def test_one_page_reads_as_before(parties, fund):
    page = listing(parties["requester"])
    assert "Funds (1)</caption>" in page and "Total of these funds" in page
    assert total(page, "contributed") == "£1,000,000"
    assert 'aria-label="Pages of the funds"' not in page


def test_a_non_party_sees_no_fund_and_a_zero_total(parties, fund):
    page = listing(parties["outsider"])
    assert fund_rows(page) == []
    assert "You are not party to any pooled fund." in page
    assert "Funds (0)" in page


def test_the_page_size():
    assert fund_views.FUND_PAGE_SIZE == 25
