"""The inbox of a signatory with a declared interest: whether they are conflicted out of
each listed allocation is answered for the whole page (the funds' partners loaded per
kind), not with a query per allocation."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.interests.services import interest_declare
from tests.budgets.helpers import accept, raise_allocation
from tests.decisions.test_web_support import login, text

pytestmark = pytest.mark.django_db


def _queries(client) -> int:
    client.get("/inbox/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/inbox/").status_code == 200
    return len(ctx.captured_queries)


def test_inbox_queries_do_not_grow_with_allocations_for_a_signatory_with_interests(
    parties, make_fund
):
    # two funds, so the allocations listed reach different funds' partners
    funds = [make_fund(), make_fund(name="Community Equipment Fund")]
    interest_declare(
        actor=parties["council_sign"],
        person=parties["council_sign"],
        interest_type="financial",
        description="Trustee of a carers' charity",
        related_organisation=parties["other"],
        valid_from=datetime.date(2024, 1, 1),
    )
    client = login(parties["council_sign"])

    def raise_and_accept(n: int) -> None:
        for i in range(n):
            accept(parties, raise_allocation(parties, funds[i % 2], amount="1000.00"))

    raise_and_accept(2)
    few = _queries(client)
    raise_and_accept(6)
    assert _queries(client) == few
    assert text(client.get("/inbox/")).count("/signoffs/") >= 8


def test_a_conflicted_signatory_is_still_flagged_on_each_allocation(parties, fund):
    """The page-wide look-up gives the same answer as asking each record: an interest
    in the recipient conflicts the council's signatory out of the allocation."""
    interest_declare(
        actor=parties["council_sign"],
        person=parties["council_sign"],
        interest_type="financial",
        description="Trustee of the carers' charity receiving the money",
        related_organisation=parties["vcse"],
        valid_from=datetime.date(2024, 1, 1),
    )
    for _ in range(3):
        accept(parties, raise_allocation(parties, fund, amount="1000.00"))
    page = text(login(parties["council_sign"]).get("/inbox/"))
    assert page.count("/signoffs/") >= 3
    assert page.count("declared interest") >= 3 or page.count("onflict") >= 3
