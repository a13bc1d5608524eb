"""The demo: the board's forward plan, published key decisions, sign-offs with due dates
and one overdue that the morning job escalates."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from governance.meetings.demo import BOARD
from governance.meetings.forward_plan import published
from governance.meetings.models import ForwardPlanItem, Recurrence
from governance.signoffs.models import SignOff, SignOffStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_deadlines_and_a_forward_plan(client, django_capture_on_commit_callbacks):
    call_command("seed_demo", stdout=StringIO())
    plan = ForwardPlanItem.objects.filter(committee__name=BOARD)
    accounts = plan.get(title="Annual report and accounts")
    assert accounts.month == 6 and accounts.is_key_decision
    assert plan.get(title="Board Assurance Framework review").recurrence == Recurrence.QUARTERLY
    titles = [d.item.title for d in published()]
    assert "Frailty virtual ward: recommissioning" in titles
    assert "Community diagnostic centre: contract award" not in titles  # Part 2
    page = client.get("/public/forward-plan/")
    assert b"Frailty virtual ward" in page.content and b"diagnostic centre" not in page.content

    pending = SignOff.objects.filter(status=SignOffStatus.PENDING)
    assert pending.exists() and not pending.filter(due_on__isnull=True).exists()
    today = timezone.localdate()
    late = pending.filter(due_on__lt=today)
    assert late.count() == 1

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=StringIO())
    escalations = [m for m in mail.outbox if m.subject.startswith("Overdue sign-off")]
    assert len(escalations) == 1
    assert late.get().organisation.name in escalations[0].subject
    # seeding again changes nothing
    call_command("seed_demo", stdout=StringIO())
    assert pending.filter(due_on__lt=today).count() == 1
    assert ForwardPlanItem.objects.filter(committee__name=BOARD).count() == plan.count()
