"""Quorum and voting: the one place these rules are computed. Pure functions, no database.

A committee's quorum rule is data (``QuorumRule``): a minimum number of voting members
present and/or a fraction of all voting members, optionally with certain roles among
them (e.g. one executive and one non-executive). A requirement's key is a role, or
several roles joined by "|" any of which satisfies it (e.g. "non_executive|chair|vice_chair"
where the chair and vice-chair are non-executives). Only voting members who are present
and not excluded count. A member the chair excludes from an item (from its discussion
and/or its vote, because of a conflict of interest) does not count towards that item's
quorum and cannot vote on it. The requirement itself is computed from every voting
member of the committee, so an exclusion can make an item inquorate.

Votes: the motion is carried by a simple majority of the votes cast (for against
against; abstentions are not votes cast). If the votes are tied the chair may give a
casting vote when the terms of reference allow it and the chair (or, in the chair's
absence or exclusion, the vice-chair presiding) may vote on the item; otherwise a tied
motion is not carried.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

PRESIDING_ROLES = ("chair", "vice_chair")


@dataclass(frozen=True)
class QuorumRule:
    min_members: int | None = None
    fraction: Decimal | None = None
    required_roles: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Seat:
    """One committee member as far as quorum and votes are concerned."""

    key: int
    name: str
    role: str
    voting: bool
    present: bool
    excluded: bool = False  # from this item, by the chair's decision on a conflict


@dataclass(frozen=True)
class QuorumResult:
    quorate: bool
    required: int
    voting_members: int
    counted: int
    role_counts: dict[str, int]
    missing_roles: dict[str, int]
    excluded: tuple[str, ...]
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "quorate": self.quorate,
            "required": self.required,
            "voting_members": self.voting_members,
            "counted": self.counted,
            "role_counts": dict(self.role_counts),
            "missing_roles": dict(self.missing_roles),
            "excluded": list(self.excluded),
            "reasons": list(self.reasons),
        }


class VoteError(ValueError):
    """Votes that cannot be right; ``errors`` maps a field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class VoteResult:
    carried: bool
    tied: bool
    casting_vote_used: bool

    @property
    def outcome(self) -> str:
        return "approved" if self.carried else "rejected"


def role_label(key: str) -> str:
    """ "non_executive|chair" → "non-executive or chair" """
    return " or ".join(role.replace("_", "-") for role in key.split("|"))


def validate_rule(rule: QuorumRule, role_names: Iterable[str]) -> dict[str, str]:
    """Problems with a rule, by field (empty if the rule is sound)."""
    errors: dict[str, str] = {}
    if rule.min_members is None and rule.fraction is None:
        errors["quorum_min_members"] = "Give a minimum number of members, a fraction, or both."
    if rule.min_members is not None and rule.min_members < 1:
        errors["quorum_min_members"] = "The minimum must be at least 1."
    if rule.fraction is not None and not (Decimal(0) < Decimal(rule.fraction) <= Decimal(1)):
        errors["quorum_fraction"] = "The fraction must be more than 0 and at most 1."
    known = set(role_names)
    for role, count in dict(rule.required_roles or {}).items():
        if not role or not set(str(role).split("|")) <= known:
            errors["quorum_required_roles"] = f"Unknown role {role!r}."
        elif not isinstance(count, int) or isinstance(count, bool) or count < 1:
            errors["quorum_required_roles"] = f"The number of {role} members must be 1 or more."
    return errors


def required_number(rule: QuorumRule, voting_members: int) -> int:
    """How many voting members must be present (never fewer than one)."""
    needed = 1
    if rule.min_members is not None:
        needed = max(needed, rule.min_members)
    if rule.fraction is not None:
        needed = max(needed, math.ceil(Decimal(rule.fraction) * voting_members))
    return needed


def evaluate(rule: QuorumRule, seats: Iterable[Seat]) -> QuorumResult:
    """Is the meeting (or one item, with its exclusions applied) quorate?"""
    seats = list(seats)
    voting = [s for s in seats if s.voting]
    counted = [s for s in voting if s.present and not s.excluded]
    excluded = tuple(s.name for s in voting if s.present and s.excluded)
    required = required_number(rule, len(voting))
    role_counts: dict[str, int] = {}
    for seat in counted:
        role_counts[seat.role] = role_counts.get(seat.role, 0) + 1
    missing = {}
    for key, need in dict(rule.required_roles or {}).items():
        have = sum(role_counts.get(role, 0) for role in key.split("|"))
        if have < need:
            missing[key] = need - have
    reasons = []
    if len(counted) < required:
        reasons.append(f"{len(counted)} of the {required} voting members needed are present")
    for key, short in missing.items():
        reasons.append(f"{short} more {role_label(key)} member(s) needed")
    if excluded:
        reasons.append(f"not counted (conflict of interest): {', '.join(excluded)}")
    return QuorumResult(
        quorate=len(counted) >= required and not missing,
        required=required,
        voting_members=len(voting),
        counted=len(counted),
        role_counts=role_counts,
        missing_roles=missing,
        excluded=excluded,
        reasons=tuple(reasons),
    )


def eligible_voters(seats: Iterable[Seat]) -> list[Seat]:
    """Members who may vote on the item: voting, present and not excluded."""
    return [s for s in seats if s.voting and s.present and not s.excluded]


def presiding(seats: Iterable[Seat]) -> Seat | None:
    """Who chairs the item: the chair, or the vice-chair if the chair cannot."""
    eligible = eligible_voters(seats)
    for role in PRESIDING_ROLES:
        for seat in eligible:
            if seat.role == role:
                return seat
    return None


def casting_vote_available(chair_has_casting_vote: bool, seats: Iterable[Seat]) -> bool:
    return bool(chair_has_casting_vote) and presiding(seats) is not None


def count_votes(
    *,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    eligible: int,
    casting_vote_allowed: bool,
    casting_vote: str | None = None,
) -> VoteResult:
    """The result of a vote, or ``VoteError`` if the numbers cannot be right."""
    errors: dict[str, str] = {}
    for name, value in (
        ("votes_for", votes_for),
        ("votes_against", votes_against),
        ("abstentions", abstentions),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[name] = "Enter a whole number, 0 or more."
    if errors:
        raise VoteError(errors)
    if votes_for + votes_against + abstentions > eligible:
        raise VoteError(
            {
                "votes_for": f"{votes_for + votes_against + abstentions} votes recorded, but only "
                f"{eligible} member(s) may vote on this item."
            }
        )
    casting_vote = casting_vote or None
    if casting_vote not in (None, "for", "against"):
        raise VoteError({"casting_vote": "A casting vote is for or against."})
    tied = votes_for == votes_against
    if casting_vote is not None:
        if not tied or votes_for == 0:
            raise VoteError({"casting_vote": "A casting vote is only used when the votes tie."})
        if not casting_vote_allowed:
            raise VoteError(
                {
                    "casting_vote": "The chair has no casting vote on this item (terms of "
                    "reference, or the chair cannot vote on it)."
                }
            )
        return VoteResult(carried=casting_vote == "for", tied=True, casting_vote_used=True)
    return VoteResult(carried=votes_for > votes_against, tied=tied, casting_vote_used=False)
