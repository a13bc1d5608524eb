"""Reminders before deadlines and escalation after them, run daily by ``send_reminders``.

- Sign-offs: the organisation's signatories (and deputies able to act) are reminded
  ``REMINDER_DAYS_BEFORE`` days before the due date (e.g. 3 and 1); once overdue, the
  organisation's secretariat and the ICB secretariat are told, once (audited).
- Actions: the owner, the same days before the due date, and once when overdue.
- Papers: the author of a paper not yet submitted (draft or returned), the same days
  before the meeting's papers deadline.

Each reminder is recorded (:class:`ReminderSent`, unique by record, kind and the day it
was for) in the transaction that queues its e-mail, so running the job twice, or a day
late, sends nothing twice: a run sends the latest reminder whose day has come.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from governance import subjects
from governance.audit.services import audit_record
from governance.notifications import notify_after_commit
from governance.reminders.models import ReminderKind, ReminderSent


def days_before() -> tuple[int, ...]:
    """``REMINDER_DAYS_BEFORE`` (calendar days before a due date), largest first."""
    raw = getattr(settings, "REMINDER_DAYS_BEFORE", (3, 1))
    return tuple(sorted({int(d) for d in raw if int(d) >= 0}, reverse=True))


def reminder_day(due: datetime.date, today: datetime.date) -> datetime.date | None:
    """The day of the latest reminder due by ``today`` before ``due``, or None (too
    early, or the due date has passed)."""
    if today > due:
        return None
    left = (due - today).days
    passed = [d for d in days_before() if d >= left]
    return due - datetime.timedelta(days=min(passed)) if passed else None


@dataclass
class Sent:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1


def _once(
    record, kind: str, on: datetime.date, recipients: list, subject: str, body: str, then=None
) -> bool:
    """Record the reminder and queue its e-mail (and run ``then`` in the same transaction);
    False if it was already sent."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                record_type=ContentType.objects.get_for_model(record),
                record_id=record.pk,
                kind=kind,
                on=on,
                recipients=len(recipients),
            )
            notify_after_commit(subject, body, recipients)
            if then is not None:
                then()
    except IntegrityError:
        return False
    return True


def _label(record) -> str:
    try:
        return subjects.for_model(record).label(record)
    except LookupError:
        return str(record)


def _signoff_reminders(today: datetime.date, sent: Sent) -> None:
    from governance.signoffs.models import SignOff, SignOffStatus
    from governance.signoffs.notifications import deputies_of, secretariats_for, signatories_of

    open_ = SignOff.objects.filter(
        status=SignOffStatus.PENDING, due_on__isnull=False
    ).select_related("organisation")
    horizon = today + datetime.timedelta(days=max(days_before(), default=0))
    for signoff in open_.filter(due_on__lte=horizon):
        label = _label(signoff.subject)
        org = signoff.organisation
        due = signoff.due_on
        if due < today:
            if _escalate(signoff, label, secretariats_for(org)):
                sent.add(ReminderKind.SIGNOFF_ESCALATED)
            continue
        day = reminder_day(due, today)
        if day is None:
            continue
        people = [*signatories_of(org), *deputies_of(org)]
        if _once(
            signoff,
            ReminderKind.SIGNOFF_DUE,
            day,
            people,
            f"Sign-off due {due:%-d %B %Y}: {label}",
            f"{org.name} is asked to sign off {label} by {due:%A %-d %B %Y}.\n"
            "Open your inbox in the ICS governance app to approve, reject or abstain.",
        ):
            sent.add(ReminderKind.SIGNOFF_DUE)


def _escalate(signoff, label: str, people: list) -> bool:
    """Tell both secretariats once that the sign-off is overdue, and audit it."""
    org = signoff.organisation
    due = signoff.due_on

    def audit():
        audit_record(
            actor=None,
            verb="signoff.escalated",
            target=signoff.subject,
            organisation=org,
            target_label=label,
            changes={
                "signoff": signoff.pk,
                "round": signoff.round,
                "due_on": due.isoformat(),
                "told": sorted(p.pk for p in people),
            },
            reason="Overdue: escalated to the organisation's secretariat and the ICB secretariat.",
        )

    return _once(
        signoff,
        ReminderKind.SIGNOFF_ESCALATED,
        due,
        people,
        f"Overdue sign-off: {org.name}, {label}",
        f"{org.name} has not signed off {label}, due {due:%A %-d %B %Y}.\n"
        "Please chase its signatories, appoint a deputy, or agree a new due date "
        "on the sign-off's page in the ICS governance app.",
        then=audit,
    )


def _action_reminders(today: datetime.date, sent: Sent) -> None:
    from governance.meetings.models import OPEN_ACTION_STATUSES, Action

    horizon = today + datetime.timedelta(days=max(days_before(), default=0))
    actions = Action.objects.filter(
        status__in=OPEN_ACTION_STATUSES, due_date__lte=horizon
    ).select_related("owner", "committee")
    for action in actions:
        due = action.due_date
        where = f"{action.reference} ({action.committee.name})"
        if due < today:
            if _once(
                action,
                ReminderKind.ACTION_OVERDUE,
                due,
                [action.owner],
                f"Action overdue: {where}",
                f"Your action {where} was due on {due:%A %-d %B %Y}:\n{action.description}\n"
                "Update its progress or complete it in the action log.",
            ):
                sent.add(ReminderKind.ACTION_OVERDUE)
            continue
        day = reminder_day(due, today)
        if day is not None and _once(
            action,
            ReminderKind.ACTION_DUE,
            day,
            [action.owner],
            f"Action due {due:%-d %B %Y}: {where}",
            f"Your action {where} is due on {due:%A %-d %B %Y}:\n{action.description}",
        ):
            sent.add(ReminderKind.ACTION_DUE)


def _paper_reminders(today: datetime.date, sent: Sent) -> None:
    from governance.meetings.models import MeetingStatus, Paper, PaperStatus
    from governance.meetings.selectors import papers_due_date

    papers = Paper.objects.filter(
        status__in=(PaperStatus.DRAFT, PaperStatus.RETURNED),
        item__meeting__status__in=(MeetingStatus.DRAFT, MeetingStatus.ISSUED),
        item__meeting__start__date__gte=today,
    ).select_related("author", "item__meeting__committee")
    for paper in papers:
        meeting = paper.item.meeting
        due = papers_due_date(meeting)
        day = reminder_day(due, today)
        if day is not None and _once(
            paper,
            ReminderKind.PAPER_DUE,
            day,
            [paper.author],
            f"Paper due {due:%-d %B %Y}: {paper.item.title}",
            f"Your paper for item {paper.item.position}, {paper.item.title}, at {meeting} is "
            f"due with the secretariat by {due:%A %-d %B %Y}. A paper submitted after that "
            "is marked late.",
        ):
            sent.add(ReminderKind.PAPER_DUE)


def reminders_send(*, today: datetime.date) -> dict[str, int]:
    """Send today's reminders and escalations; returns how many of each were sent."""
    sent = Sent()
    _signoff_reminders(today, sent)
    _action_reminders(today, sent)
    _paper_reminders(today, sent)
    return sent.counts
