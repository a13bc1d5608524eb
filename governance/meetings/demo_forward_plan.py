"""Demo: the ICB board's forward plan (its annual cycle of business), real-shaped.

Seeded after the demo's meetings, so their agendas stay as they were; a meeting called
from now on gets the items due in its month. The one exception is the frailty virtual
ward key decision: the meetings demo plans it first, for the month of the board's
forthcoming meeting, whose agenda then carries it (with its paper)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from governance.meetings.demo import BOARD
from governance.meetings.models import (
    Committee,
    ForwardPlanItem,
    Part,
    PlanKind,
    Purpose,
    Recurrence,
)
from governance.meetings.services.forward_plan import plan_item_create

CEO = "Amara Nwosu, Chief Executive"
CFO = "Tom Okafor, Chief Finance Officer"
SECRETARY = "Priya Shah, Board Secretary"

# title, kind, recurrence, month, purpose, presenter, key decision, description
CYCLE = [
    (
        "Integrated performance report",
        PlanKind.STANDING,
        Recurrence.MONTHLY,
        None,
        Purpose.ASSURANCE,
        CEO,
        False,
        "Constitutional standards, quality and workforce.",
    ),
    (
        "Finance report",
        PlanKind.STANDING,
        Recurrence.MONTHLY,
        None,
        Purpose.ASSURANCE,
        CFO,
        False,
        "Year-to-date position and forecast against the system financial plan.",
    ),
    (
        "Board Assurance Framework review",
        PlanKind.STANDING,
        Recurrence.QUARTERLY,
        6,
        Purpose.ASSURANCE,
        SECRETARY,
        False,
        "Strategic risks, controls and gaps in assurance.",
    ),
    (
        "Annual report and accounts",
        PlanKind.PLANNED,
        Recurrence.ANNUAL,
        6,
        Purpose.APPROVAL,
        CFO,
        True,
        "Adoption of the audited annual report and accounts for the year to 31 March, "
        "on the Audit Committee's recommendation, before submission to NHS England.",
    ),
    (
        "Annual review of the Scheme of Reservation and Delegation",
        PlanKind.PLANNED,
        Recurrence.ANNUAL,
        7,
        Purpose.APPROVAL,
        SECRETARY,
        True,
        "Changes to delegated limits and the committees' terms of reference.",
    ),
    (
        "Emergency preparedness, resilience and response: core standards",
        PlanKind.PLANNED,
        Recurrence.ANNUAL,
        11,
        Purpose.ASSURANCE,
        CEO,
        False,
        "The annual EPRR self-assessment against NHS England's core standards.",
    ),
    (
        "Joint Forward Plan refresh",
        PlanKind.PLANNED,
        Recurrence.ANNUAL,
        3,
        Purpose.APPROVAL,
        CEO,
        True,
        "The five-year Joint Forward Plan with NHS trusts, refreshed before each "
        "financial year (NHS Act 2006 s14Z52).",
    ),
    (
        "Operational plan and revenue budget",
        PlanKind.PLANNED,
        Recurrence.ANNUAL,
        3,
        Purpose.APPROVAL,
        CFO,
        True,
        "The ICB's budget and the system's operational plan for the coming financial year.",
    ),
    (
        "Register of interests: annual review",
        PlanKind.PLANNED,
        Recurrence.ANNUAL,
        4,
        Purpose.NOTING,
        SECRETARY,
        False,
        "Declarations confirmed by every board member.",
    ),
]


FRAILTY = {
    "title": "Frailty virtual ward: recommissioning",
    "presenter": "Dr Sunita Rao, Chief Medical Officer",
    "description": "Whether to recommission the frailty virtual ward (60 beds, "
    "£2.4m a year) from April, after the evaluation of its first two years.",
}


def plan_frailty_decision(sec, board: Committee, day) -> ForwardPlanItem:
    """The board's key decision on the frailty virtual ward, planned for ``day``'s month.

    The meetings demo calls it before calling the board's December (forthcoming)
    meeting, so that meeting's agenda carries the item the way the forward plan puts
    items on agendas (``prepopulate``), with the plan item linked."""
    existing = board.forward_plan.filter(title=FRAILTY["title"]).first()
    return existing or _key_decision_once(sec, board, day, **FRAILTY)


def _key_decision_once(sec, board: Committee, day, **fields) -> ForwardPlanItem:
    """A one-off key decision for the board, due in ``day``'s month."""
    return plan_item_create(
        actor=sec,
        committee=board,
        kind=PlanKind.PLANNED,
        recurrence=Recurrence.ONCE,
        month=day.month,
        year=day.year,
        purpose=Purpose.DECISION,
        is_key_decision=True,
        **fields,
    )


def seed_forward_plan(*, stdout=None) -> None:
    board = Committee.objects.filter(name=BOARD).first()
    if board is None or board.forward_plan.filter(title=CYCLE[0][0]).exists():
        return
    from governance.meetings.demo import _users

    sec = _users()["icb.secretariat"]
    for title, kind, recurrence, month, purpose, presenter, key, description in CYCLE:
        plan_item_create(
            actor=sec,
            committee=board,
            title=title,
            kind=kind,
            recurrence=recurrence,
            month=month,
            purpose=purpose,
            presenter=presenter,
            is_key_decision=key,
            description=description,
        )
    # planned already (with the board's forthcoming meeting) unless that meeting was not
    # seeded: then for the coming weeks
    plan_frailty_decision(sec, board, timezone.localdate() + datetime.timedelta(days=20))
    # a Part 2 key decision for the month after the board's next meeting (not called yet:
    # a meeting already called would lack an item due in its month)
    upcoming = board.meetings.filter(start__gte=timezone.now()).order_by("start").first()
    day = timezone.localtime(upcoming.start).date() if upcoming else timezone.localdate()
    later = day.replace(day=1) + datetime.timedelta(days=40)
    _key_decision_once(
        sec,
        board,
        later,
        title="Community diagnostic centre: contract award",
        presenter=CFO,
        part=Part.PRIVATE,
        exemption_reason="commercial interests: the procurement is live (FOI Act s43)",
        is_public=False,
    )
    if stdout:
        stdout.write(f"Forward plan: {board.forward_plan.count()} items for {BOARD}.")
