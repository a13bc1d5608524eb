"""Demo: the ICB board's forward plan (its annual cycle of business), real-shaped.

Seeded after the demo's meetings, so their agendas stay as they were; a meeting called
from now on gets the items due in its month."""

from __future__ import annotations

from django.utils import timezone

from governance.meetings.demo import BOARD
from governance.meetings.models import Committee, Part, PlanKind, Purpose, Recurrence
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


def seed_forward_plan(*, stdout=None) -> None:
    board = Committee.objects.filter(name=BOARD).first()
    if board is None or board.forward_plan.exists():
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
    soon = timezone.localdate() + timezone.timedelta(days=20)
    one_offs = [
        {
            "title": "Frailty virtual ward: recommissioning",
            "presenter": "Chief Medical Officer",
            "description": "Whether to recommission the frailty virtual ward (60 beds, "
            "£2.4m a year) from April, after the evaluation of its first two years.",
        },
        {
            "title": "Community diagnostic centre: contract award",
            "presenter": CFO,
            "part": Part.PRIVATE,
            "exemption_reason": "commercial interests: the procurement is live (FOI Act s43)",
            "is_public": False,
        },
    ]
    for fields in one_offs:
        plan_item_create(
            actor=sec,
            committee=board,
            kind=PlanKind.PLANNED,
            recurrence=Recurrence.ONCE,
            month=soon.month,
            year=soon.year,
            purpose=Purpose.DECISION,
            is_key_decision=True,
            **fields,
        )
    if stdout:
        stdout.write(f"Forward plan: {board.forward_plan.count()} items for {BOARD}.")
