"""How allocations from a fund hosted at place reach a meeting and the decision register:
the subject registry's hooks for ``budgets.Allocation`` (see ``budgets.services.place``)."""

from __future__ import annotations

from governance import subjects


def allocation_hooks() -> dict:
    """Keyword arguments for the Allocation ``governance.subjects.SubjectType``."""
    return {
        "awaiting_decision": _awaiting,
        "deciding_committee": _deciding_committee,
        "on_board_decision": subjects.decided_at_meeting(_decide_at_meeting, "allocation"),
        "register_facts": _register_facts,
    }


def _awaiting():
    from budgets.models import Allocation, AllocationStatus

    return Allocation.objects.filter(status=AllocationStatus.AWAITING_DECISION).select_related(
        "fund", "recipient"
    )


def _deciding_committee(allocation):
    from budgets import policy

    return policy.deciding_committee(allocation)


def _decide_at_meeting(**kwargs):
    from budgets.services.place import allocation_decide_at_meeting

    return allocation_decide_at_meeting(**kwargs)


def _register_facts(allocation):
    from budgets.money import gbp
    from governance.subjects import RegisterFacts

    fund = allocation.fund
    return RegisterFacts(
        reference=allocation.reference,
        title=f"{fund.name}: {gbp(allocation.amount)} to {allocation.recipient.name} for "
        f"{allocation.scheme_line.name}",
        value=allocation.amount,
        decision_type_code=fund.decision_type_code,
    )
