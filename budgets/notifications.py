"""Who is told about allocations and contribution changes (e-mail after commit)."""

from __future__ import annotations

from budgets.money import gbp
from governance.notifications import notify_after_commit


def _what(a) -> str:
    return f"{a.reference}: {gbp(a.amount)} from {a.fund.name} to {a.recipient.name}"


def submitted(a) -> None:
    notify_after_commit(
        f"Allocation to review: {a.reference}",
        f"{_what(a)} was submitted for your review as pool manager.\n"
        "Accept it (it then goes to the partners for sign-off) or return it with a reason.",
        [a.fund.pool_manager],
    )


def returned(a) -> None:
    notify_after_commit(
        f"Allocation returned: {a.reference}",
        f"The pool manager returned {_what(a)}.\nReason: {a.return_reason}\n"
        "Revise it and submit it again, or withdraw it.",
        [a.requested_by],
    )


def concluded(a, outcome: str, detail: str = "") -> None:
    notify_after_commit(
        f"Allocation {outcome}: {a.reference}",
        f"{_what(a)} is {outcome}." + (f"\n{detail}" if detail else ""),
        [a.requested_by, a.fund.pool_manager],
    )


def change_concluded(change, outcome: str, detail: str = "") -> None:
    notify_after_commit(
        f"Contribution change {outcome}: {change.reference}",
        f"The change of {change.contribution.organisation.name}'s contribution to "
        f"{change.contribution.fund.name} ({gbp(change.amount_before)} to "
        f"{gbp(change.new_amount)}) is {outcome}." + (f"\n{detail}" if detail else ""),
        [change.requested_by, change.contribution.fund.pool_manager],
    )
