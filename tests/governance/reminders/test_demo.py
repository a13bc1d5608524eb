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

# a slow suite: CI runs it once, on the PostgreSQL pass
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_has_deadlines_and_a_forward_plan(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the packs render: papers issued
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
    _frailty_is_on_the_forthcoming_agenda_and_found_by_search(client, plan)

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


def _frailty_is_on_the_forthcoming_agenda_and_found_by_search(client, plan):
    """"When did we decide on the frailty virtual ward?": the forward plan put the key
    decision on the board's forthcoming meeting (the month it is planned for), its paper
    is found by /search/ and /public/search/ with that meeting's date, and the public
    forward plan names that meeting."""
    from django.contrib.auth import get_user_model

    from governance.meetings import selectors
    from governance.meetings.models import AgendaItem, MeetingStatus

    frailty = plan.get(title="Frailty virtual ward: recommissioning")
    item = AgendaItem.objects.select_related("meeting").get(plan_item=frailty)
    meeting = item.meeting
    day = selectors.meeting_date(meeting)
    assert meeting.status == MeetingStatus.ISSUED and day > timezone.localdate()
    assert (frailty.year, frailty.month) == (day.year, day.month)
    assert item.paper.status == "approved"
    # every plan item due that month and not on an agenda would contradict prepopulate:
    # the Part 2 contract award is planned for a later month
    award = plan.get(title="Community diagnostic centre: contract award")
    assert (award.year, award.month) != (day.year, day.month)
    when = f"{day:%-d %B %Y}"
    client.force_login(get_user_model().objects.get(username="icb.secretariat"))
    page = client.get("/search/", {"q": "frailty virtual ward"}).content.decode()
    assert f"/meetings/items/{item.pk}/paper/" in page and when in page
    client.logout()
    page = client.get("/public/search/", {"q": "frailty virtual ward"})
    assert f"/public/meetings/{meeting.pk}/" in page.content.decode()
    assert when in page.content.decode()
    assert f"/public/meetings/{meeting.pk}/" in client.get("/public/forward-plan/").content.decode()
