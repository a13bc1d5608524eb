"""The quorum and vote rules (pure functions)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.meetings import quorum
from governance.meetings.quorum import QuorumRule, Seat


def seat(key, role="partner_member", voting=True, present=True, excluded=False):
    return Seat(
        key=key, name=f"M{key}", role=role, voting=voting, present=present, excluded=excluded
    )


def board(present=(), excluded=()):
    """10 voting members (chair, vice-chair, 3 executives, 2 non-executives, 3 partners)
    and 2 non-voting members."""
    roles = [
        "chair",
        "vice_chair",
        "executive",
        "executive",
        "executive",
        "non_executive",
        "non_executive",
        "partner_member",
        "partner_member",
        "partner_member",
    ]
    seats = [
        seat(i, role, present=i in present, excluded=i in excluded) for i, role in enumerate(roles)
    ]
    seats += [
        seat(10, "other", voting=False, present=10 in present),
        seat(11, "other", voting=False, present=11 in present),
    ]
    return seats


HALF_WITH_ROLES = QuorumRule(
    fraction=Decimal("0.5"), required_roles={"executive": 1, "non_executive": 1}
)


def test_half_of_voting_members_with_roles():
    result = quorum.evaluate(HALF_WITH_ROLES, board(present={0, 2, 5, 7, 8}))
    assert result.quorate
    assert (result.required, result.voting_members, result.counted) == (5, 10, 5)


def test_non_voting_members_do_not_count():
    result = quorum.evaluate(HALF_WITH_ROLES, board(present={0, 2, 5, 7, 10, 11}))
    assert not result.quorate
    assert result.counted == 4
    assert "4 of the 5" in result.reasons[0]


def test_required_role_missing():
    result = quorum.evaluate(HALF_WITH_ROLES, board(present={0, 1, 2, 3, 7, 8, 9}))
    assert not result.quorate
    assert result.missing_roles == {"non_executive": 1}
    assert any("non-executive" in r for r in result.reasons)


def test_conflicted_member_excluded_from_item_quorum():
    present = {0, 2, 5, 7, 8}
    assert quorum.evaluate(HALF_WITH_ROLES, board(present=present)).quorate
    item = quorum.evaluate(HALF_WITH_ROLES, board(present=present, excluded={7}))
    assert not item.quorate
    assert item.counted == 4
    assert item.excluded == ("M7",)
    assert any("conflict of interest" in r for r in item.reasons)


def test_excluding_the_only_non_executive_breaks_role_requirement():
    present = {0, 1, 2, 5, 7, 8, 9}
    item = quorum.evaluate(HALF_WITH_ROLES, board(present=present, excluded={5}))
    assert item.counted == 6 and item.required == 5
    assert not item.quorate
    assert item.missing_roles == {"non_executive": 1}


def test_minimum_and_fraction_take_the_larger():
    rule = QuorumRule(min_members=7, fraction=Decimal("0.5"))
    assert quorum.required_number(rule, 10) == 7
    rule = QuorumRule(min_members=3, fraction=Decimal("0.5"))
    assert quorum.required_number(rule, 10) == 5
    assert quorum.required_number(QuorumRule(fraction=Decimal("0.5")), 9) == 5  # rounds up
    assert quorum.required_number(QuorumRule(fraction=Decimal("0.667")), 9) == 7
    assert quorum.required_number(QuorumRule(fraction=Decimal("0.5")), 0) == 1  # never zero


def test_a_requirement_may_accept_several_roles():
    rule = QuorumRule(
        fraction=Decimal("0.5"),
        required_roles={"executive": 1, "non_executive|chair|vice_chair": 1},
    )
    # no non-executive present, but the chair is: enough
    result = quorum.evaluate(rule, board(present={0, 2, 3, 7, 8}))
    assert result.quorate
    result = quorum.evaluate(rule, board(present={2, 3, 7, 8, 9}))
    assert result.missing_roles == {"non_executive|chair|vice_chair": 1}
    assert "1 more non-executive or chair or vice-chair member(s) needed" in result.reasons
    roles = ["chair", "vice_chair", "executive", "non_executive"]
    assert quorum.validate_rule(rule, roles) == {}
    assert quorum.validate_rule(QuorumRule(min_members=1, required_roles={"chair|pope": 1}), roles)


def test_min_members_only():
    rule = QuorumRule(min_members=3)
    assert quorum.evaluate(rule, board(present={0, 1, 2})).quorate
    assert not quorum.evaluate(rule, board(present={0, 1})).quorate


def test_validate_rule():
    roles = ["chair", "executive", "non_executive"]
    assert quorum.validate_rule(HALF_WITH_ROLES, roles) == {}
    assert "quorum_min_members" in quorum.validate_rule(QuorumRule(), roles)
    assert "quorum_fraction" in quorum.validate_rule(QuorumRule(fraction=Decimal("1.5")), roles)
    assert "quorum_fraction" in quorum.validate_rule(QuorumRule(fraction=Decimal("0")), roles)
    assert "quorum_min_members" in quorum.validate_rule(QuorumRule(min_members=0), roles)
    bad_role = QuorumRule(min_members=2, required_roles={"emperor": 1})
    assert "quorum_required_roles" in quorum.validate_rule(bad_role, roles)
    bad_count = QuorumRule(min_members=2, required_roles={"executive": 0})
    assert "quorum_required_roles" in quorum.validate_rule(bad_count, roles)


def test_simple_majority_and_abstentions():
    r = quorum.count_votes(
        votes_for=5, votes_against=3, abstentions=2, eligible=10, casting_vote_allowed=True
    )
    assert r.carried and r.outcome == "approved" and not r.tied
    r = quorum.count_votes(
        votes_for=3, votes_against=4, abstentions=3, eligible=10, casting_vote_allowed=True
    )
    assert not r.carried and r.outcome == "rejected"


def test_casting_vote_breaks_a_tie():
    r = quorum.count_votes(
        votes_for=4,
        votes_against=4,
        abstentions=1,
        eligible=9,
        casting_vote_allowed=True,
        casting_vote="for",
    )
    assert r.carried and r.tied and r.casting_vote_used
    r = quorum.count_votes(
        votes_for=4,
        votes_against=4,
        abstentions=1,
        eligible=9,
        casting_vote_allowed=True,
        casting_vote="against",
    )
    assert not r.carried and r.casting_vote_used


def test_tie_without_casting_vote_is_not_carried():
    r = quorum.count_votes(
        votes_for=4, votes_against=4, abstentions=0, eligible=8, casting_vote_allowed=False
    )
    assert r.tied and not r.carried and not r.casting_vote_used


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"votes_for": 5, "votes_against": 3, "casting_vote": "for"}, "casting_vote"),
        ({"votes_for": 4, "votes_against": 4, "casting_vote": "maybe"}, "casting_vote"),
        ({"votes_for": 0, "votes_against": 0, "casting_vote": "for"}, "casting_vote"),
        ({"votes_for": -1, "votes_against": 3}, "votes_for"),
        ({"votes_for": 8, "votes_against": 3}, "votes_for"),  # more votes than voters
    ],
)
def test_bad_votes(kwargs, field):
    kwargs.setdefault("abstentions", 0)
    with pytest.raises(quorum.VoteError) as exc:
        quorum.count_votes(eligible=10, casting_vote_allowed=True, **kwargs)
    assert field in exc.value.errors


def test_casting_vote_refused_when_not_allowed():
    with pytest.raises(quorum.VoteError) as exc:
        quorum.count_votes(
            votes_for=2,
            votes_against=2,
            abstentions=0,
            eligible=6,
            casting_vote_allowed=False,
            casting_vote="for",
        )
    assert "no casting vote" in exc.value.errors["casting_vote"]


def test_presiding_member_and_casting_vote_availability():
    seats = board(present={0, 1, 2, 5})
    assert quorum.presiding(seats).role == "chair"
    # the chair is conflicted out of the item: the vice-chair presides
    seats = board(present={0, 1, 2, 5}, excluded={0})
    assert quorum.presiding(seats).role == "vice_chair"
    assert quorum.casting_vote_available(True, seats)
    # neither can preside: nobody has a casting vote on this item
    seats = board(present={0, 1, 2, 5}, excluded={0, 1})
    assert quorum.presiding(seats) is None
    assert not quorum.casting_vote_available(True, seats)
    assert not quorum.casting_vote_available(False, board(present={0}))


def test_eligible_voters_exclude_conflicted_absent_and_non_voting():
    seats = board(present={0, 2, 5, 10}, excluded={2})
    assert [s.key for s in quorum.eligible_voters(seats)] == [0, 5]


@given(
    present=st.sets(st.integers(0, 11)),
    excluded=st.sets(st.integers(0, 11)),
    frac=st.sampled_from([Decimal("0.25"), Decimal("0.5"), Decimal("0.667"), Decimal("1")]),
)
def test_excluding_members_never_makes_an_item_more_quorate(present, excluded, frac):
    rule = QuorumRule(fraction=frac, required_roles={"executive": 1})
    without = quorum.evaluate(rule, board(present=present))
    with_exclusions = quorum.evaluate(rule, board(present=present, excluded=excluded))
    assert with_exclusions.counted <= without.counted
    assert with_exclusions.required == without.required
    if with_exclusions.quorate:
        assert without.quorate
    assert with_exclusions.counted == len([k for k in present if k < 10 and k not in excluded])
