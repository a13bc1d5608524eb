"""Risk-share arithmetic to the penny: shares always add up to the whole."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgets.riskshare import percentages, split

D = Decimal


def test_three_equal_partners_largest_remainder():
    assert split(D("100.00"), [("a", D(1)), ("b", D(1)), ("c", D(1))]) == {
        "a": D("33.34"),
        "b": D("33.33"),
        "c": D("33.33"),
    }


def test_fixed_shares_of_an_overspend():
    # 60/35/5 of £1,000.01: exact 600.006, 350.0035, 50.0005 → floors 600.00, 350.00, 50.00
    # one penny left: the largest remainder is a's (0.6p) → 600.01
    shares = split(D("1000.01"), [("icb", D("60")), ("council", D("35")), ("trust", D("5"))])
    assert shares == {"icb": D("600.01"), "council": D("350.00"), "trust": D("50.00")}


def test_an_underspend_is_shared_the_same_way_and_negated():
    shares = split(D("-100.00"), [("a", D(1)), ("b", D(1)), ("c", D(1))])
    assert shares == {"a": D("-33.34"), "b": D("-33.33"), "c": D("-33.33")}


def test_ties_go_to_the_larger_weight_then_the_first_listed():
    # 0.05 between weights 2, 1, 1, 1 (total 5): exact 2p, 1p, 1p, 1p: no remainder
    assert split(D("0.05"), [("a", D(2)), ("b", D(1)), ("c", D(1)), ("d", D(1))]) == {
        "a": D("0.02"),
        "b": D("0.01"),
        "c": D("0.01"),
        "d": D("0.01"),
    }
    # 0.02 between four equal partners: the first two listed get a penny each
    assert split(D("0.02"), [("w", D(1)), ("x", D(1)), ("y", D(1)), ("z", D(1))]) == {
        "w": D("0.01"),
        "x": D("0.01"),
        "y": D("0.00"),
        "z": D("0.00"),
    }
    # equal remainders, unequal weights: the larger weight gets the penny
    assert split(D("0.01"), [("small", D(1)), ("big", D(3))]) == {
        "small": D("0.00"),
        "big": D("0.01"),
    }


def test_proportional_to_contributions():
    shares = split(
        D("250000.00"),
        [("icb", D("14250000.00")), ("council", D("7800000.00")), ("trust", D("950000.00"))],
    )
    assert shares == {"icb": D("154891.30"), "council": D("84782.61"), "trust": D("10326.09")}
    assert sum(shares.values()) == D("250000.00")


def test_zero_weights_split_equally_and_nobody_cannot_share_money():
    assert split(D("0.03"), [("a", D(0)), ("b", D(0))]) == {"a": D("0.02"), "b": D("0.01")}
    assert split(D("0.00"), []) == {}
    with pytest.raises(ValueError):
        split(D("1.00"), [])
    with pytest.raises(ValueError):
        split(D("1.001"), [("a", D(1))])
    with pytest.raises(ValueError):
        split(D("1.00"), [("a", D(-1))])


def test_percentages_add_up_to_100():
    shares = percentages([("a", D("1")), ("b", D("1")), ("c", D("1"))])
    assert shares == {"a": D("33.34"), "b": D("33.33"), "c": D("33.33")}
    assert percentages([("a", D("62")), ("b", D("34")), ("c", D("4"))]) == {
        "a": D("62.00"),
        "b": D("34.00"),
        "c": D("4.00"),
    }


pennies = st.integers(min_value=-(10**13), max_value=10**13)
weights = st.lists(
    st.decimals(min_value=0, max_value=10**11, places=2, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(total_pennies=pennies, ws=weights)
def test_shares_always_add_up_and_are_within_a_penny(total_pennies, ws):
    total = D(total_pennies) / 100
    keyed = list(enumerate(ws))
    shares = split(total, keyed)
    assert sum(shares.values()) == total
    whole = sum(Fraction(w) for w in ws) or None
    for i, w in keyed:
        assert shares[i] == shares[i].quantize(D("0.01"))
        exact = (
            Fraction(total_pennies) * Fraction(w) / whole
            if whole
            else Fraction(total_pennies, len(ws))
        )
        assert abs(Fraction(shares[i] * 100) - exact) < 1  # within one penny
        assert (shares[i] >= 0) == (total >= 0) or shares[i] == 0
