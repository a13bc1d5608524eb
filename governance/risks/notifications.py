"""Who is told about risks (e-mail after the change commits)."""

from __future__ import annotations

from governance.notifications import notify_after_commit
from governance.signoffs.notifications import system_secretariat


def _label(risk) -> str:
    return f"{risk.reference} {risk.title}"


def registered(risk) -> None:
    notify_after_commit(
        f"Risk registered: {_label(risk)}",
        f"{_label(risk)} is now on the register (current score {risk.current_score}).",
        [risk.owner],
    )


def not_accepted(risk, why: str) -> None:
    notify_after_commit(
        f"Risk not accepted by every partner: {_label(risk)}",
        f"{_label(risk)} is back in draft. {why}\nRevise it and submit it again.",
        [risk.owner],
    )


def change_not_agreed(risk, change: str, why: str) -> None:
    notify_after_commit(
        f"Partners did not agree the {change}: {_label(risk)}",
        f"The {change} of {_label(risk)} was not agreed by every sharing partner. {why}",
        [risk.owner],
    )


def review_due(task) -> None:
    risk = task.risk
    notify_after_commit(
        f"Risk review due: {_label(risk)}",
        f"{_label(risk)} was due for review on {task.due_date:%d %B %Y}.\n"
        "Open the risk in the ICS governance app to record the review.",
        [task.assignee],
    )


def escalated(escalation) -> None:
    risk = escalation.risk
    notify_after_commit(
        f"Risk escalated to {escalation.destination}: {_label(risk)}",
        f"{_label(risk)} now scores {escalation.score}, above its appetite "
        f"(escalates from {escalation.threshold}). It is listed with the escalated risks, "
        "ready to be tabled.",
        [*system_secretariat(), risk.owner],
    )
