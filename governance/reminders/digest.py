"""The daily digest: one e-mail a day to each person who chose it, listing what awaits
them (open sign-offs of the organisations they sign for, with due dates; their open
actions; their papers not yet submitted) and the events held back for it since their
last digest. Idempotent: at most one digest a person a day (:class:`DigestSent`)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from governance import permissions, subjects
from governance.notifications import send_after_commit
from governance.reminders.models import (
    DeferredNotification,
    DigestSent,
    NotificationMode,
)


def _due(day: datetime.date | None, today: datetime.date) -> str:
    if day is None:
        return "no due date"
    if day < today:
        return f"OVERDUE, was due {day:%-d %B %Y}"
    return f"due {day:%-d %B %Y}"


def _label(record) -> str:
    try:
        return subjects.for_model(record).label(record)
    except LookupError:
        return str(record)


def awaiting(person, today: datetime.date) -> dict[str, list[str]]:
    """What awaits ``person``, by heading, one line each (nothing they may not see: their
    own organisations' sign-offs, their own actions and papers)."""
    from governance.meetings.models import (
        OPEN_ACTION_STATUSES,
        Action,
        MeetingStatus,
        Paper,
        PaperStatus,
    )
    from governance.meetings.selectors import papers_due_date
    from governance.signoffs.models import SignOff, SignOffStatus

    sections: dict[str, list[str]] = {}
    org_ids = permissions.signing_organisation_ids(person)
    signoffs = (
        SignOff.objects.filter(status=SignOffStatus.PENDING, organisation_id__in=org_ids)
        .select_related("organisation")
        .order_by("due_on", "pk")
    )
    sections["Sign-offs waiting for your organisation"] = [
        f"{_label(s.subject)} for {s.organisation.name}: {_due(s.due_on, today)}" for s in signoffs
    ]
    actions = Action.objects.filter(owner=person, status__in=OPEN_ACTION_STATUSES).select_related(
        "committee"
    )
    sections["Your actions"] = [
        f"{a.reference} ({a.committee.name}) {a.description[:120]}: {_due(a.due_date, today)}"
        for a in actions
    ]
    papers = Paper.objects.filter(
        author=person,
        status__in=(PaperStatus.DRAFT, PaperStatus.RETURNED),
        item__meeting__status__in=(MeetingStatus.DRAFT, MeetingStatus.ISSUED),
    ).select_related("item__meeting__committee")
    sections["Your papers to submit"] = [
        f"{p.item.title} for {p.item.meeting}: {_due(papers_due_date(p.item.meeting), today)}"
        for p in papers
    ]
    return {heading: lines for heading, lines in sections.items() if lines}


def digest_body(person, sections: dict[str, list[str]], events) -> str:
    name = person.get_full_name() or person.get_username()
    parts = [f"Good morning {name},", "", "What awaits you in the ICS governance app:"]
    for heading, lines in sections.items():
        parts += ["", heading, *(f"- {line}" for line in lines)]
    if events:
        parts += ["", "Since your last digest"]
        parts += [f"- {e.subject}\n  {e.body.replace(chr(10), chr(10) + '  ')}" for e in events]
    parts += ["", "Change how you are told: /accounts/notifications/"]
    return "\n".join(parts)


def digest_send(*, person, today: datetime.date) -> DigestSent | None:
    """Send ``person`` today's digest, unless already sent or there is nothing to say."""
    if not person.email or not person.is_active:
        return None
    sections = awaiting(person, today)
    try:
        with transaction.atomic():
            events = list(
                DeferredNotification.objects.select_for_update().filter(
                    person=person, digest__isnull=True
                )
            )
            if not sections and not events:
                return None
            digest = DigestSent.objects.create(
                person=person, on=today, lines=sum(map(len, sections.values())) + len(events)
            )
            DeferredNotification.objects.filter(pk__in=[e.pk for e in events]).update(digest=digest)
            send_after_commit(
                f"Your ICS governance digest, {today:%A %-d %B %Y}",
                digest_body(person, sections, events),
                [person.email],
            )
    except IntegrityError:  # already sent today
        return None
    return digest


def digests_send(*, today: datetime.date) -> int:
    """Send today's digest to everyone who chose it; returns how many were sent."""
    people = get_user_model().objects.filter(
        is_active=True, notification_preference__mode=NotificationMode.DAILY_DIGEST
    )
    return sum(1 for person in people if digest_send(person=person, today=today) is not None)
