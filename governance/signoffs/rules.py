"""The one place that says how partner sign-offs combine into an outcome."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from governance.signoffs.models import SignOffRule, SignOffStatus


class Outcome(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    PENDING = "pending"


def signing_organisations(rule: str, affected: Iterable, host) -> list:
    """Who must sign off under ``rule``: the affected partners, the host alone, or nobody."""
    if rule == SignOffRule.NONE:
        return []
    if rule == SignOffRule.HOST_ONLY:
        return [host] if host is not None else []
    seen, result = set(), []
    for org in affected:
        if org.pk not in seen:
            seen.add(org.pk)
            result.append(org)
    return result


def outcome(rule: str, statuses: Iterable[str]) -> Outcome:
    """The outcome of a round so far, from the signing organisations' statuses.

    - ALL and HOST_ONLY: approved when every signing organisation approved; an abstention
      counts as not approving, so any rejection or abstention rejects.
    - MAJORITY: approved when more than half approved; rejected as soon as a majority can
      no longer be reached.
    - NONE: approved.
    Cancelled sign-offs do not count.
    """
    if rule == SignOffRule.NONE:
        return Outcome.APPROVED
    live = [s for s in statuses if s != SignOffStatus.CANCELLED]
    approved = sum(1 for s in live if s == SignOffStatus.APPROVED)
    pending = sum(1 for s in live if s == SignOffStatus.PENDING)
    if rule in (SignOffRule.ALL, SignOffRule.HOST_ONLY):
        if not live:
            return Outcome.PENDING
        if any(s in (SignOffStatus.REJECTED, SignOffStatus.ABSTAINED) for s in live):
            return Outcome.REJECTED
        return Outcome.PENDING if pending else Outcome.APPROVED
    if rule == SignOffRule.MAJORITY:
        needed = len(live) // 2 + 1
        if approved >= needed:
            return Outcome.APPROVED
        if approved + pending < needed:
            return Outcome.REJECTED
        return Outcome.PENDING
    raise ValueError(f"Unknown sign-off rule {rule!r}")
