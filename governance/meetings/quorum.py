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
motion is not carried. A committee may state a larger majority (``majority``, e.g. two
thirds of the votes cast).

Kinds of body (``KIND_RULES``, the one statement of them):
- the ICB board, its committees and place-based partnerships: members are people; one
  vote each; quorum counts people;
- the Integrated Care Partnership (assembly): members are partner organisations, each
  represented by named people; each partner has one vote whoever attends (parity) and
  quorum counts partners present; a partner's representatives cast one vote between
  them (the same vote, or abstentions), and a tie is not broken by a casting vote;
- a joint committee: as the board, and quorum also needs at least one member present
  from each member organisation (unless its terms of reference say otherwise);
- committees in common: one meeting of several bodies, each with its own members,
  quorum and vote; an item is decided by each body separately.

Named votes: each eligible member's vote (for, against, abstain) is recorded by name and
``tally`` derives the totals by the body's rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

PRESIDING_ROLES = ("chair", "vice_chair")
PERSON = "person"
PARTNER = "partner"
FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
CHOICES = (FOR, AGAINST, ABSTAIN)


@dataclass(frozen=True)
class KindRules:
    """What a kind of body means for quorum and votes."""

    members: str  # who the members are, in words
    counts: str  # PERSON or PARTNER: what quorum and votes count
    quorum_each_organisation: bool  # by default; a committee's own rule may differ
    decided_per_body: bool  # committees in common
    casting_vote_possible: bool
    summary: str


_PEOPLE = "people"
KIND_RULES: dict[str, KindRules] = {
    "board": KindRules(_PEOPLE, PERSON, False, False, True, "Members are people; one vote each."),
    "committee": KindRules(
        _PEOPLE, PERSON, False, False, True, "A committee of the board; one vote each."
    ),
    "place_partnership": KindRules(
        _PEOPLE,
        PERSON,
        False,
        False,
        True,
        "A committee of the ICB for a place, with its local authority and providers as "
        "members; it decides within the limits the scheme of delegation gives it, and "
        "above them the decision goes to the ICB.",
    ),
    "icp_assembly": KindRules(
        "partner organisations, each represented by named people",
        PARTNER,
        False,
        False,
        False,
        "Partners enjoy parity: one vote per partner whoever attends; decisions by "
        "consensus or, failing that, the stated majority of partners voting; quorum "
        "counts partners present.",
    ),
    "joint_committee": KindRules(
        _PEOPLE,
        PERSON,
        True,
        False,
        True,
        "Several organisations delegate a function to one committee; its decisions bind "
        "them all; quorum needs a member from each organisation.",
    ),
    "committees_in_common": KindRules(
        "the bodies meeting together, each with its own members",
        PERSON,
        False,
        True,
        True,
        "One meeting, several bodies: each body has its own quorum and decides each item "
        "separately; the outcome is recorded per body.",
    ),
}


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
    organisation: int | None = None  # the organisation represented (parity, joint committees)
    organisation_name: str = ""


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
    counts: str = PERSON
    missing_organisations: tuple[str, ...] = ()

    @property
    def unit(self) -> str:
        return "partners" if self.counts == PARTNER else "voting members"

    def as_dict(self) -> dict:
        return {
            "counts": self.counts,
            "missing_organisations": list(self.missing_organisations),
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


def _partners(seats: list[Seat], organisations) -> dict[int, str]:
    """The member organisations: those given, else those of the voting seats."""
    if organisations is not None:
        return dict(organisations)
    return {
        s.organisation: s.organisation_name
        for s in seats
        if s.voting and s.organisation is not None
    }


def evaluate(
    rule: QuorumRule,
    seats: Iterable[Seat],
    *,
    counts: str = PERSON,
    each_organisation: bool = False,
    organisations: Mapping[int, str] | None = None,
) -> QuorumResult:
    """Is the meeting (or one item, with its exclusions applied) quorate?

    ``counts=PARTNER``: the requirement is in partner organisations (``organisations``,
    {id: name}; by default those of the voting seats), and a partner is present when at
    least one of its voting representatives is present and not excluded.
    ``each_organisation``: every member organisation needs a member present."""
    seats = list(seats)
    voting = [s for s in seats if s.voting]
    counted = [s for s in voting if s.present and not s.excluded]
    excluded = tuple(s.name for s in voting if s.present and s.excluded)
    orgs = _partners(seats, organisations) if counts == PARTNER or each_organisation else {}
    present_orgs = {s.organisation for s in counted}
    missing_orgs = tuple(sorted(name for pk, name in orgs.items() if pk not in present_orgs))
    if counts == PARTNER:
        return _evaluate_partners(rule, orgs, present_orgs, excluded, missing_orgs)
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
    if each_organisation and missing_orgs:
        reasons.append(f"no member present from: {', '.join(missing_orgs)}")
    if excluded:
        reasons.append(f"not counted (conflict of interest): {', '.join(excluded)}")
    return QuorumResult(
        quorate=len(counted) >= required
        and not missing
        and not (each_organisation and missing_orgs),
        required=required,
        voting_members=len(voting),
        counted=len(counted),
        role_counts=role_counts,
        missing_roles=missing,
        excluded=excluded,
        reasons=tuple(reasons),
        missing_organisations=missing_orgs if each_organisation else (),
    )


def _evaluate_partners(rule, orgs, present_orgs, excluded, missing_orgs) -> QuorumResult:
    partners = len(orgs)
    here = len([pk for pk in orgs if pk in present_orgs])
    required = required_number(rule, partners)
    reasons = []
    if here < required:
        reasons.append(f"{here} of the {required} partners needed are present")
    if excluded:
        reasons.append(f"not counted (conflict of interest): {', '.join(excluded)}")
    return QuorumResult(
        quorate=here >= required,
        required=required,
        voting_members=partners,
        counted=here,
        role_counts={},
        missing_roles={},
        excluded=excluded,
        reasons=tuple(reasons),
        counts=PARTNER,
        missing_organisations=missing_orgs,
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
    majority: Decimal | None = None,
) -> VoteResult:
    """The result of a vote, or ``VoteError`` if the numbers cannot be right.
    ``majority``: the fraction of the votes cast a motion needs (None: more for than
    against)."""
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
    carried = votes_for > votes_against
    if carried and majority is not None:
        carried = votes_for >= math.ceil(Decimal(majority) * (votes_for + votes_against))
    return VoteResult(carried=carried, tied=tied, casting_vote_used=False)


# --- named votes ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Totals derived from named votes, in the body's unit (people or partners)."""

    votes_for: int
    votes_against: int
    abstentions: int
    eligible: int
    counts: str = PERSON
    # PARTNER: each partner's one vote, {organisation name: choice}
    by_partner: tuple[tuple[str, str], ...] = ()

    def as_counts(self) -> dict[str, int]:
        return {
            "votes_for": self.votes_for,
            "votes_against": self.votes_against,
            "abstentions": self.abstentions,
        }


def tally(seats: Iterable[Seat], ballots: Mapping[int, str], *, counts: str = PERSON) -> Tally:
    """Totals from named votes ({seat key: "for" | "against" | "abstain"}).

    Every member who may vote on the item (voting, present, not excluded) must have a
    vote, and nobody else may. ``counts=PARTNER``: each partner organisation has one
    vote, cast by its representatives together: their votes must agree (abstentions
    aside); a partner whose representatives all abstain abstains."""
    seats = list(seats)
    eligible = eligible_voters(seats)
    keys = {s.key for s in eligible}
    by_key = {s.key: s for s in seats}
    errors: dict[str, str] = {}
    bad = sorted(str(c) for c in ballots.values() if c not in CHOICES)
    if bad:
        errors["votes"] = "A vote is for, against or abstain."
    outsiders = [k for k in ballots if k not in keys]
    if outsiders:
        names = ", ".join(sorted(by_key[k].name if k in by_key else f"#{k}" for k in outsiders))
        errors["votes"] = (
            f"May not vote on this item (absent, non-voting, excluded or not a member): {names}."
        )
    missing = sorted(s.name for s in eligible if s.key not in ballots)
    if missing:
        errors.setdefault("votes", f"Record a vote for: {', '.join(missing)}.")
    if errors:
        raise VoteError(errors)
    if counts != PARTNER:
        choices = [ballots[s.key] for s in eligible]
        return Tally(
            votes_for=choices.count(FOR),
            votes_against=choices.count(AGAINST),
            abstentions=choices.count(ABSTAIN),
            eligible=len(eligible),
        )
    partners: dict[int | None, list[Seat]] = {}
    for s in eligible:
        partners.setdefault(s.organisation, []).append(s)
    decided = []
    for _org, reps in partners.items():
        cast = {ballots[s.key] for s in reps} - {ABSTAIN}
        name = reps[0].organisation_name or reps[0].name
        if len(cast) > 1:
            raise VoteError(
                {
                    "votes": f"{name} has one vote: its representatives voted both for and "
                    "against. Record the partner's one vote."
                }
            )
        decided.append((name, cast.pop() if cast else ABSTAIN))
    decided.sort()
    choices = [c for _, c in decided]
    return Tally(
        votes_for=choices.count(FOR),
        votes_against=choices.count(AGAINST),
        abstentions=choices.count(ABSTAIN),
        eligible=len(decided),
        counts=PARTNER,
        by_partner=tuple(decided),
    )


# --- committees in common ---------------------------------------------------------------


@dataclass(frozen=True)
class Binding:
    """What a committees-in-common decision binds. ``outcome``: "approved" when every
    body concerned approved, "rejected" when every one rejected, "split" when some
    approved and others did not, "undecided" when none approved and not all rejected
    (e.g. deferred). ``approved_by`` and ``not_approved_by`` are the organisations of
    the bodies concerned."""

    outcome: str
    approved_by: tuple[int, ...]
    not_approved_by: tuple[int, ...]


def binding(outcomes: Mapping[int, str], parties: Iterable[int] = ()) -> Binding:
    """``outcomes``: {organisation of a body: its outcome}. The bodies concerned are those
    of the record's ``parties`` (if any of them is among the bodies), else every body. A
    decision binds an organisation only if its own body approved it."""
    parties = set(parties) & set(outcomes)
    concerned = sorted(parties or outcomes)
    yes = tuple(o for o in concerned if outcomes[o] == "approved")
    no = tuple(o for o in concerned if outcomes[o] != "approved")
    if yes and not no:
        outcome = "approved"
    elif yes:
        outcome = "split"
    elif concerned and all(outcomes[o] == "rejected" for o in concerned):
        outcome = "rejected"
    else:
        outcome = "undecided"
    return Binding(outcome=outcome, approved_by=yes, not_approved_by=no)
