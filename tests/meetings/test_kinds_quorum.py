"""Quorum and voting per kind of body (pure functions), property-tested.

- ICP (parity): quorum and votes count partner organisations, whoever attends;
- joint committee: a member organisation with nobody present makes it inquorate;
- committees in common: each body's quorum is its own;
- named votes: totals are derived from the names; a decision binds only bodies that
  approved.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.meetings import quorum
from governance.meetings.quorum import KIND_RULES, PARTNER, QuorumRule, Seat

HALF = QuorumRule(fraction=Decimal("0.5"))


def rep(key, org, present=True, excluded=False, voting=True, role="partner_member"):
    return Seat(
        key=key,
        name=f"Rep {key}",
        role=role,
        voting=voting,
        present=present,
        excluded=excluded,
        organisation=org,
        organisation_name=f"Partner {org}",
    )


def partners_seats(attendees: list[int], reps_each: int = 5) -> list[Seat]:
    """Partner n has ``reps_each`` named representatives, of whom attendees[n] attend."""
    seats, key = [], 0
    for org, here in enumerate(attendees):
        for i in range(reps_each):
            seats.append(rep(key, org, present=i < here))
            key += 1
    return seats


def test_every_kind_is_stated_once():
    from governance.meetings.models import CommitteeKind

    assert set(KIND_RULES) == set(CommitteeKind.values)
    assert KIND_RULES["icp_assembly"].counts == PARTNER
    assert KIND_RULES["joint_committee"].quorum_each_organisation
    assert KIND_RULES["committees_in_common"].decided_per_body
    assert not KIND_RULES["icp_assembly"].casting_vote_possible


@given(st.lists(st.integers(min_value=0, max_value=5), min_size=2, max_size=8))
def test_parity_quorum_counts_partners_present_not_people(attendees):
    seats = partners_seats(attendees)
    result = quorum.evaluate(HALF, seats, counts=PARTNER)
    here = sum(1 for n in attendees if n > 0)
    assert result.counted == here  # five attendees of one partner are one partner present
    assert result.voting_members == len(attendees)
    assert result.quorate == (here >= max(1, -(-len(attendees) // 2)))
    assert set(result.missing_organisations) == {
        f"Partner {org}" for org, n in enumerate(attendees) if n == 0
    }


@given(
    st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=6),
    st.data(),
)
def test_parity_a_partner_has_one_vote_whoever_attends(attendees, data):
    """However many of a partner's people attend, its vote counts once."""
    seats = partners_seats(attendees)
    ballots, expected = {}, {"for": 0, "against": 0, "abstain": 0}
    for org in range(len(attendees)):
        choice = data.draw(st.sampled_from(["for", "against", "abstain"]))
        expected[choice] += 1
        for s in seats:
            if s.organisation == org and s.present:
                ballots[s.key] = choice
    t = quorum.tally(seats, ballots, counts=PARTNER)
    assert (t.votes_for, t.votes_against, t.abstentions) == (
        expected["for"],
        expected["against"],
        expected["abstain"],
    )
    assert t.eligible == len(attendees)
    person = quorum.tally(seats, ballots)  # the same names counted per person
    assert person.votes_for + person.votes_against + person.abstentions == sum(attendees)


def test_five_attendees_still_one_vote_and_abstainers_follow_their_partner():
    seats = partners_seats([5, 1, 1])
    ballots = {s.key: "for" for s in seats if s.organisation == 0 and s.present}
    ballots[0] = "abstain"  # one of the five abstains: the partner still votes for
    ballots[5] = "against"
    ballots[10] = "against"
    t = quorum.tally(seats, ballots, counts=PARTNER)
    assert (t.votes_for, t.votes_against, t.abstentions) == (1, 2, 0)
    assert dict(t.by_partner) == {
        "Partner 0": "for",
        "Partner 1": "against",
        "Partner 2": "against",
    }


def test_a_partner_whose_people_disagree_is_refused():
    seats = partners_seats([2, 1])
    with pytest.raises(quorum.VoteError) as exc:
        quorum.tally(seats, {0: "for", 1: "against", 5: "for"}, counts=PARTNER)
    assert "Partner 0 has one vote" in exc.value.errors["votes"]


@given(st.lists(st.sampled_from(["for", "against", "abstain"]), min_size=1, max_size=12))
def test_named_votes_derive_the_totals(choices):
    seats = [rep(i, i) for i in range(len(choices))]
    t = quorum.tally(seats, dict(enumerate(choices)))
    assert (t.votes_for, t.votes_against, t.abstentions) == (
        choices.count("for"),
        choices.count("against"),
        choices.count("abstain"),
    )


def test_named_votes_must_come_from_every_eligible_member_and_nobody_else():
    seats = [rep(0, 0), rep(1, 0, excluded=True), rep(2, 0, present=False), rep(3, 0)]
    with pytest.raises(quorum.VoteError) as exc:
        quorum.tally(seats, {0: "for", 1: "for", 3: "for"})
    assert "Rep 1" in exc.value.errors["votes"]
    with pytest.raises(quorum.VoteError) as exc:
        quorum.tally(seats, {0: "for"})
    assert "Record a vote for: Rep 3" in exc.value.errors["votes"]
    with pytest.raises(quorum.VoteError):
        quorum.tally(seats, {0: "for", 3: "maybe"})


@given(
    st.lists(st.integers(min_value=0, max_value=3), min_size=2, max_size=5),
    st.integers(min_value=1, max_value=6),
)
def test_joint_committee_a_missing_organisation_makes_it_inquorate(present_per_org, minimum):
    """Quorum needs a member from each organisation, however many others are present."""
    seats, key = [], 0
    for org, here in enumerate(present_per_org):
        for i in range(3):
            seats.append(rep(key, org, present=i < here))
            key += 1
    rule = QuorumRule(min_members=minimum)
    result = quorum.evaluate(rule, seats, each_organisation=True)
    people = sum(present_per_org)
    everyone_represented = all(n > 0 for n in present_per_org)
    assert result.quorate == (everyone_represented and people >= minimum)
    if not everyone_represented:
        assert not result.quorate
        assert any("no member present from" in r for r in result.reasons)
    # the same seats without the joint committee's rule: only the numbers matter
    assert quorum.evaluate(rule, seats).quorate == (people >= minimum)


@given(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 4)), min_size=2, max_size=4))
def test_committees_in_common_each_body_has_its_own_quorum(bodies):
    """(members, present) per body: one body's attendance never changes another's quorum."""
    results = []
    for index, (members, here) in enumerate(bodies):
        seats = [rep(index * 10 + i, index, present=i < here) for i in range(members)]
        results.append(quorum.evaluate(HALF, seats))
    for (members, here), result in zip(bodies, results, strict=True):
        assert result.quorate == (min(here, members) >= max(1, -(-members // 2)))


@given(
    st.integers(0, 12),
    st.integers(0, 12),
    st.sampled_from([None, Decimal("0.5"), Decimal("0.667"), Decimal("0.75")]),
)
def test_a_stated_majority_is_never_easier_than_a_simple_one(yes, no, majority):
    kwargs = dict(abstentions=0, eligible=24, casting_vote_allowed=False)
    simple = quorum.count_votes(votes_for=yes, votes_against=no, **kwargs)
    stated = quorum.count_votes(votes_for=yes, votes_against=no, majority=majority, **kwargs)
    assert not stated.carried or simple.carried
    if majority is not None and stated.carried:
        assert yes >= majority * (yes + no)


@given(
    st.dictionaries(
        st.integers(1, 6), st.sampled_from(["approved", "rejected", "deferred"]), min_size=1
    ),
    st.sets(st.integers(1, 8)),
)
def test_a_decision_in_common_binds_only_bodies_that_approved(outcomes, parties):
    b = quorum.binding(outcomes, parties)
    concerned = (set(parties) & set(outcomes)) or set(outcomes)
    assert set(b.approved_by) | set(b.not_approved_by) == concerned
    assert all(outcomes[o] == "approved" for o in b.approved_by)
    assert all(outcomes[o] != "approved" for o in b.not_approved_by)
    if b.outcome == "approved":
        assert not b.not_approved_by
    if b.outcome == "split":
        assert b.approved_by and b.not_approved_by
    if b.outcome == "rejected":
        assert not b.approved_by and all(outcomes[o] == "rejected" for o in concerned)


def test_two_approve_one_rejects():
    b = quorum.binding({1: "approved", 2: "approved", 3: "rejected"}, [1, 2, 3])
    assert (b.outcome, b.approved_by, b.not_approved_by) == ("split", (1, 2), (3,))
    # a record only the first two bodies are party to: it binds both, so it is approved
    assert quorum.binding({1: "approved", 2: "approved", 3: "rejected"}, [1, 2]).outcome == (
        "approved"
    )
