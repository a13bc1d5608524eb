"""Sharing an over- or underspend between the partners, to the penny.

The rule, stated wherever a share is shown (``ROUNDING_RULE``): each partner's exact
share of the whole (by its weight: its contribution, or its fixed percentage) is
worked out in pence and rounded down; the pennies left over go one at a time to the
partners with the largest remainders (largest remainder method). Ties go to the
partner with the larger weight, then to the one listed first (partners are listed by
name). So the shares always add up exactly to the whole. A negative amount (an
underspend shown as negative variance) is shared in the same way and negated.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import Decimal
from fractions import Fraction

from budgets.money import HUNDRED, PENNY

ROUNDING_RULE = (
    "Shares are worked out in pence and rounded down; the pennies left over go one each "
    "to the partners with the largest remainders (ties: the larger weight, then the "
    "partner listed first), so the shares always add up exactly to the whole."
)


def split(total: Decimal, weights: Sequence[tuple[Hashable, Decimal]]) -> dict:
    """Split ``total`` (pounds and pence) between the keys in proportion to their
    non-negative weights; the result adds up to ``total`` exactly.

    With every weight zero the total is split equally. With no keys only a zero total
    can be split.
    """
    if total != total.quantize(PENNY):
        raise ValueError("The total must be in pounds and pence.")
    if any(w < 0 for _, w in weights):
        raise ValueError("Weights cannot be negative.")
    if not weights:
        if total:
            raise ValueError("Nobody to share a non-zero amount between.")
        return {}
    keys = [k for k, _ in weights]
    if len(set(keys)) != len(keys):
        raise ValueError("Each partner may appear once.")
    raw = [Fraction(w) for _, w in weights]
    if sum(raw) == 0:
        raw = [Fraction(1)] * len(raw)
    whole = sum(raw)
    sign = -1 if total < 0 else 1
    pennies = int(abs(total) * 100)
    exact = [pennies * w / whole for w in raw]
    floors = [int(e) for e in exact]  # Fraction → int truncates; values are >= 0
    left = pennies - sum(floors)
    order = sorted(
        range(len(keys)),
        key=lambda i: (-(exact[i] - floors[i]), -raw[i], i),
    )
    for i in order[:left]:
        floors[i] += 1
    return {k: (Decimal(sign * p) / 100).quantize(PENNY) for k, p in zip(keys, floors, strict=True)}


def percentages(weights: Sequence[tuple[Hashable, Decimal]]) -> dict:
    """Each key's share of the whole as a percentage (for display), to 2 places,
    adding up to exactly 100 by the same rule."""
    total_weight = sum((w for _, w in weights), Decimal(0))
    if not weights:
        return {}
    if total_weight == 0:
        weights = [(k, Decimal(1)) for k, _ in weights]
    return split(HUNDRED, weights)
