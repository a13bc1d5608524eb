"""Property (Hypothesis): any sequence of contributions, commits, releases and spends,
through the services and the flows, keeps every derived balance non-negative and the
ledger reconciling. Steps the rules refuse are refused with a ValidationError and
change nothing; commits that no longer fit fail and change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from budgets import balances, services
from budgets.models import Allocation, AllocationStatus, LedgerEntry
from budgets.reconcile import reconcile_fund
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.services import signoff_decide
from tests.budgets.helpers import SIGNATORY

# a slow suite: CI runs it once, on the PostgreSQL pass
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PARTNERS = ("icb", "council", "trust")
amounts = st.one_of(
    st.integers(min_value=1, max_value=100),  # pennies
    st.integers(min_value=1, max_value=60_000_000),  # up to £600,000
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("contribute"), st.sampled_from(PARTNERS), st.integers(0, 60_000_000)),
        st.tuples(st.just("commit"), st.sampled_from(("S1", "S2")), amounts),
        # two requests that each fit what is left (as permille of it), accepted together
        st.tuples(
            st.just("race"),
            st.sampled_from(("S1", "S2")),
            st.integers(1, 1000),
            st.integers(1, 1000),
        ),
        st.tuples(st.just("release"), st.integers(0, 20), amounts),
        st.tuples(st.just("spend"), st.integers(0, 20), amounts),
    ),
    min_size=1,
    max_size=8,
)


def pounds(pennies: int) -> Decimal:
    return (Decimal(pennies) / 100).quantize(Decimal("0.01"))


class Rollback(Exception):
    pass


def approve_all(parties, subject, model="allocation"):
    for s in SignOff.objects.filter(
        subject_type__model=model, subject_id=subject.pk, status=SignOffStatus.PENDING
    ).select_related("organisation"):
        key = next(k for k in PARTNERS if parties[k] == s.organisation)
        signoff_decide(actor=parties[SIGNATORY[key]], signoff=s, outcome="approve")


def check(fund):
    assert reconcile_fund(fund) == []
    p = balances.fund_position(fund)
    for name, value in p.as_dict().items():
        assert value >= 0, name
    for value in balances.partner_contributions(fund).values():
        assert value >= 0
    positions = balances.line_positions(fund)
    for line in fund.lines.all():
        lp = positions.get(line.pk, balances.Position())
        assert 0 <= lp.committed <= line.budget
        assert lp.unspent >= 0
    for ap in balances.allocation_positions(fund.allocations.values_list("pk", flat=True)).values():
        assert ap.unspent >= 0 and ap.committed >= 0


def run_step(parties, fund, step):
    kind = step[0]
    manager = parties["manager"]
    if kind == "contribute":
        _, partner, pennies = step
        change = services.contribution_change_request(
            actor=manager,
            contribution=fund.contributions.get(organisation=parties[partner]),
            new_amount=pounds(pennies),
            reason="Property test",
        )
        approve_all(parties, change, "contributionchange")
    elif kind in ("commit", "race"):
        allocations = []
        sizes = step[2:]
        if kind == "race":
            line = fund.lines.get(code=step[1])
            room = min(
                balances.fund_position(fund).uncommitted,
                line.budget - balances.line_position(line.pk).committed,
            )
            sizes = [max(1, int(room * 100) * permille // 1000) for permille in sizes]
        for pennies in sizes:
            a = services.allocation_create(
                actor=parties["requester"],
                fund=fund,
                scheme_line=fund.lines.get(code=step[1]),
                recipient=parties["vcse"],
                amount=pounds(pennies),
                purpose="Property test",
            )
            allocations.append(services.allocation_review(actor=manager, allocation=a, accept=True))
        for a in allocations:  # accepted together, committed one after the other
            approve_all(parties, a)
            a.refresh_from_db()
            assert a.status in (AllocationStatus.COMMITTED, AllocationStatus.FAILED)
            event(f"allocation {a.status}")
    else:
        _, index, pennies = step
        committed = list(fund.allocations.filter(status=AllocationStatus.COMMITTED).order_by("pk"))
        if not committed:
            return
        a = committed[index % len(committed)]
        if kind == "release":
            services.allocation_release(
                actor=manager, allocation=a, amount=pounds(pennies), reason="Property test"
            )
        else:
            services.allocation_spend(
                actor=manager, allocation=a, amount=pounds(pennies), reference="P-1"
            )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.tuples(*[st.integers(0, 50_000_000)] * 3),
    budgets=st.tuples(st.integers(0, 80_000_000), st.integers(0, 80_000_000)),
    plan=steps,
)
def test_any_sequence_keeps_balances_non_negative_and_reconciling(
    parties, make_fund, start, budgets, plan
):
    if not any(start):
        start = (1, 0, 0)
    try:
        with transaction.atomic():
            fund = make_fund(
                contributions=tuple(zip(PARTNERS, map(pounds, start), strict=True)),
                lines=(("S1", "One", pounds(budgets[0])), ("S2", "Two", pounds(budgets[1]))),
            )
            check(fund)
            for step in plan:
                entries = LedgerEntry.objects.count()
                try:
                    with transaction.atomic():
                        run_step(parties, fund, step)
                except ValidationError:
                    event(f"{step[0]} refused")
                    assert LedgerEntry.objects.count() == entries  # refused: nothing written
                check(fund)
            committed = Allocation.objects.filter(fund=fund, status="committed")
            assert sum(a.amount for a in committed) == (balances.fund_position(fund).commitments)
            raise Rollback
    except Rollback:
        pass
