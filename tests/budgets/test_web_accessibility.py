"""Structural accessibility of every pooled-fund page (the same checks as the rest of the
web UI: one h1, labelled controls, unique ids, captioned tables with header scopes)."""

from __future__ import annotations

import pytest

from budgets import services
from tests.budgets.helpers import accept, commit, raise_allocation
from tests.budgets.test_web import login
from tests.decisions.test_web_accessibility import check

pytestmark = pytest.mark.django_db


def pages(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        check(response.content.decode())


def test_every_page_of_an_active_fund(parties, fund):
    committed = commit(parties, fund)
    returned = raise_allocation(parties, fund)
    services.allocation_review(
        actor=parties["manager"], allocation=returned, accept=False, reason="More detail."
    )
    submitted = raise_allocation(parties, fund, "1000.00")
    signing = accept(parties, raise_allocation(parties, fund, "2000.00"))
    change = services.contribution_change_request(
        actor=parties["trust_sign"],
        contribution=fund.contributions.get(organisation=parties["trust"]),
        new_amount="1.00",
        reason="Less",
    )
    line = fund.lines.first()
    contribution = fund.contributions.first()
    for who in ("manager", "requester", "council_sec", "auditor"):
        pages(
            login(parties[who]),
            [
                "/funds/",
                f"/funds/{fund.pk}/",
                f"/funds/{fund.pk}/ledger/",
                f"/allocations/{committed.pk}/",
                f"/allocations/{returned.pk}/",
                f"/allocations/{submitted.pk}/",
                f"/allocations/{signing.pk}/",
                f"/contribution-changes/{change.pk}/",
            ],
        )
    pages(
        login(parties["requester"]),
        [
            f"/funds/{fund.pk}/allocations/new/",
            f"/allocations/{returned.pk}/edit/",
        ],
    )
    pages(
        login(parties["manager"]),
        [
            f"/funds/{fund.pk}/edit/",
            f"/funds/{fund.pk}/lines/new/",
            f"/funds/{fund.pk}/lines/{line.pk}/edit/",
            f"/funds/{fund.pk}/lines/{line.pk}/forecast/",
            f"/funds/{fund.pk}/contributions/{contribution.pk}/change/",
        ],
    )


def test_every_page_of_a_draft_fund(parties, make_fund):
    fund = make_fund(activate=False)
    pages(
        login(parties["council_sec"]),
        [
            "/funds/new/",
            f"/funds/{fund.pk}/",
            f"/funds/{fund.pk}/contributions/",
            f"/funds/{fund.pk}/risk-share/",
        ],
    )


def test_error_pages(parties, fund):
    a = raise_allocation(parties, fund)
    manager = login(parties["manager"])
    r = manager.post(f"/allocations/{a.pk}/review/", {"decision": "return"})
    assert r.status_code == 400
    check(r.content.decode())
    r = login(parties["requester"]).post(f"/funds/{fund.pk}/allocations/new/", {"amount": "-1"})
    assert r.status_code == 400
    check(r.content.decode())
    r = login(parties["council_sec"]).post(f"/funds/{fund.pk}/close/", {"reason": ""})
    assert r.status_code == 400
    check(r.content.decode())
    # the confirmation steps are accessible pages too
    for url, data in (
        (f"/funds/{fund.pk}/close/", {"reason": "Agreement ended"}),
        (f"/allocations/{a.pk}/withdraw/", {"withdraw-reason": "Not needed"}),
    ):
        r = login(parties["council_sec"] if "funds" in url else parties["requester"]).post(
            url, data
        )
        assert r.status_code == 200
        check(r.content.decode())
