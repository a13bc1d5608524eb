"""Meeting deadlines: a meeting's own papers deadline (the pack date) and the late-paper
flag; reminders to paper authors before it and to action owners before and after their
due date — each sent once, however often the morning job runs (time-travelled)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.meetings import selectors
from governance.meetings.services import actions, agenda, papers
from governance.reminders.models import ReminderKind, ReminderSent
from governance.reminders.services import reminders_send
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _run(today, capture):
    mail.outbox.clear()
    with capture(execute=True):
        return reminders_send(today=today)


def test_a_meeting_may_set_its_own_papers_deadline(ics, board):
    sec = ics["secretariat"]
    start = at(30)
    with pytest.raises(ValidationError) as err:
        agenda.meeting_create(
            actor=sec,
            committee=board,
            start=start,
            location="Civic Hall",
            papers_due_on=timezone.localtime(start).date(),
        )
    assert "papers_due_on" in err.value.message_dict
    m = agenda.meeting_create(actor=sec, committee=board, start=start, location="Civic Hall")
    assert selectors.papers_due_date(m) == timezone.localtime(start).date() - datetime.timedelta(
        days=board.papers_due_days
    )
    own = timezone.localdate() + 12 * DAY
    agenda.meeting_update(actor=sec, meeting=m, papers_due_on=own, reason="Pack goes early")
    m.refresh_from_db()
    assert selectors.papers_due_date(m) == own


def test_a_paper_after_the_meetings_own_deadline_is_late(ics, board):
    sec = ics["secretariat"]
    m = agenda.meeting_create(
        actor=sec,
        committee=board,
        start=at(30),
        location="Civic Hall",
        papers_due_on=timezone.localdate() - DAY,  # the pack date has passed
    )
    item = agenda.item_add(actor=sec, meeting=m, title="Winter plan", purpose="approval")
    paper = papers.paper_create(actor=sec, item=item)
    papers.paper_update(actor=sec, paper=paper, executive_summary="<p>Winter plan.</p>")
    assert papers.paper_submit(actor=sec, paper=paper).is_late


def test_paper_authors_are_reminded_before_the_deadline_once(
    ics, board, people, django_capture_on_commit_callbacks
):
    sec = ics["secretariat"]
    m = agenda.meeting_create(actor=sec, committee=board, start=at(40), location="Civic Hall")
    due = selectors.papers_due_date(m)
    item = agenda.item_add(actor=sec, meeting=m, title="Winter plan", purpose="approval")
    author = people["ceo"]
    paper = papers.paper_create(actor=sec, item=item, author=author)
    submitted_item = agenda.item_add(actor=sec, meeting=m, title="Quality report", purpose="noting")
    done = papers.paper_create(actor=sec, item=submitted_item, author=people["nec1"])
    papers.paper_update(actor=sec, paper=done, executive_summary="<p>Quality.</p>")
    papers.paper_submit(actor=sec, paper=done)

    assert _run(due - 4 * DAY, django_capture_on_commit_callbacks) == {}
    assert _run(due - 3 * DAY, django_capture_on_commit_callbacks) == {ReminderKind.PAPER_DUE: 1}
    assert [m.to for m in mail.outbox] == [[author.email]]
    assert "Winter plan" in mail.outbox[0].subject
    assert _run(due - 3 * DAY, django_capture_on_commit_callbacks) == {}
    assert _run(due - 2 * DAY, django_capture_on_commit_callbacks) == {}
    papers.paper_update(actor=author, paper=paper, executive_summary="<p>Plan.</p>")
    papers.paper_submit(actor=author, paper=paper)
    assert _run(due - DAY, django_capture_on_commit_callbacks) == {}  # submitted: no nagging


def test_action_owners_are_reminded_before_and_once_when_overdue(
    ics, board, people, django_capture_on_commit_callbacks
):
    sec = ics["secretariat"]
    m = agenda.meeting_create(actor=sec, committee=board, start=at(-1), location="Civic Hall")
    owner = people["cfo"]
    due = timezone.localdate() + 10 * DAY
    action = actions.action_create(
        actor=sec,
        meeting=m,
        description="Bring the revised capital plan to the next meeting.",
        owner=owner,
        due_date=due,
    )
    assert _run(due - 5 * DAY, django_capture_on_commit_callbacks) == {}
    assert _run(due - 3 * DAY, django_capture_on_commit_callbacks) == {ReminderKind.ACTION_DUE: 1}
    assert mail.outbox[0].to == [owner.email] and action.reference in mail.outbox[0].subject
    assert _run(due - DAY, django_capture_on_commit_callbacks) == {ReminderKind.ACTION_DUE: 1}
    assert _run(due, django_capture_on_commit_callbacks) == {}
    assert _run(due + DAY, django_capture_on_commit_callbacks) == {ReminderKind.ACTION_OVERDUE: 1}
    assert "overdue" in mail.outbox[0].subject.lower()
    assert _run(due + 2 * DAY, django_capture_on_commit_callbacks) == {}
    assert ReminderSent.objects.filter(record_id=action.pk).count() == 3
    # a completed action is not chased
    actions.action_update(actor=sec, action=action, status="done", progress="Tabled.")
    assert _run(due + 30 * DAY, django_capture_on_commit_callbacks) == {}
