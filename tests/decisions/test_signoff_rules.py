"""How partner sign-offs combine into an outcome (governance/signoffs/rules.py)."""

import pytest

from governance.signoffs.models import SignOffRule
from governance.signoffs.rules import Outcome, outcome

A, R, X, P, C = "approved", "rejected", "abstained", "pending", "cancelled"


@pytest.mark.parametrize(
    ("rule", "statuses", "expected"),
    [
        (SignOffRule.ALL, [A, A, A], Outcome.APPROVED),
        (SignOffRule.ALL, [A, A, P], Outcome.PENDING),
        (SignOffRule.ALL, [A, R, P], Outcome.REJECTED),
        (SignOffRule.ALL, [A, X, A], Outcome.REJECTED),
        (SignOffRule.ALL, [A, A, C], Outcome.APPROVED),
        (SignOffRule.MAJORITY, [A, A, P], Outcome.APPROVED),
        (SignOffRule.MAJORITY, [A, R, P], Outcome.PENDING),
        (SignOffRule.MAJORITY, [R, R, P], Outcome.REJECTED),
        (SignOffRule.MAJORITY, [A, A, R, R], Outcome.REJECTED),
        (SignOffRule.MAJORITY, [A, X, X], Outcome.REJECTED),
        (SignOffRule.HOST_ONLY, [A], Outcome.APPROVED),
        (SignOffRule.HOST_ONLY, [P], Outcome.PENDING),
        (SignOffRule.HOST_ONLY, [X], Outcome.REJECTED),
        (SignOffRule.NONE, [], Outcome.APPROVED),
    ],
)
def test_outcome(rule, statuses, expected):
    assert outcome(rule, statuses) == expected


def test_unknown_rule_is_an_error():
    with pytest.raises(ValueError):
        outcome("whim", [A])
