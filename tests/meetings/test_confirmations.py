"""Irreversible actions need a confirmation that says what will happen (and nothing
happens without it); the action log links only what the person may follow, and flags
overdue actions."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.meetings.models import Action, AgendaItem, Meeting, Minutes
from governance.meetings.services import actions, agenda, minutes, papers

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(ics, make_meeting):
    m = make_meeting(days=-1)  # started yesterday
    sec = ics["secretariat"]
    m.item = agenda.item_add(actor=sec, meeting=m, title="Winter plan", purpose="decision")
    papers.paper_create(actor=sec, item=m.item)
    return m


def test_removing_an_item_asks_first_and_says_what_happens(client, ics, meeting):
    client.force_login(ics["secretariat"])
    url = reverse("meetings:item-remove", args=[meeting.item.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Remove item {meeting.item.position}, “Winter plan”, from the agenda?" in text
    assert "Its paper (draft) is deleted with it." in text
    assert "nhsuk-button--warning" in text and 'name="confirm" value="yes"' in text
    # the meeting page links to the confirmation page, not straight to a POST
    agenda_page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert f'href="{url}"' in agenda_page

    before = AuditEvent.objects.count()
    refused = client.post(url)  # no confirmation: nothing happens
    assert refused.status_code == 400
    assert "Nothing was changed" in refused.content.decode()
    assert AgendaItem.objects.filter(pk=meeting.item.pk).exists()
    assert AuditEvent.objects.count() == before

    done = client.post(url, {"confirm": "yes"})
    assert done.status_code == 302
    assert not AgendaItem.objects.filter(pk=meeting.item.pk).exists()
    assert AuditEvent.objects.filter(verb="meeting.item_removed").count() == 1


def test_closing_the_meeting_asks_first(client, ics, meeting):
    client.force_login(ics["secretariat"])
    url = reverse("meetings:meeting-close", args=[meeting.pk])
    text = client.get(url).content.decode()
    assert "can no longer be changed" in text
    assert "These items for decision have no recorded decision: " in text and "Winter plan" in text
    run = client.get(reverse("meetings:run", args=[meeting.pk])).content.decode()
    assert f'href="{url}"' in run

    assert client.post(url, {"confirm": "no"}).status_code == 400
    meeting.refresh_from_db()
    assert meeting.status != "held"

    assert client.post(url, {"confirm": "yes"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held"


def test_redrafting_minutes_asks_first_and_keeps_edits_without_it(client, ics, meeting):
    sec = ics["secretariat"]
    agenda.meeting_close(actor=sec, meeting=meeting)
    mn = minutes.minutes_draft(actor=sec, meeting=meeting)
    minutes.minutes_update(actor=sec, minutes=mn, attendance_text="Edited by hand")
    client.force_login(sec)
    url = reverse("meetings:minutes", args=[meeting.pk])
    assert 'href="?confirm=redraft"' in client.get(url).content.decode()
    confirm = client.get(url + "?confirm=redraft").content.decode()
    assert "Every edit made to the draft minutes is discarded." in confirm
    assert 'name="action" value="redraft"' in confirm

    refused = client.post(url, {"action": "redraft"})
    assert refused.status_code == 400
    assert Minutes.objects.get(pk=mn.pk).attendance_text == "Edited by hand"

    assert client.post(url, {"action": "redraft", "confirm": "yes"}).status_code == 302
    assert Minutes.objects.get(pk=mn.pk).attendance_text != "Edited by hand"


@pytest.mark.parametrize("who", ["chair", "auditor", "icb_sign"])
def test_confirmation_pages_are_the_secretariats_only(client, ics, people, meeting, who):
    client.force_login(people[who] if who in people else ics[who])
    for url in (
        reverse("meetings:item-remove", args=[meeting.item.pk]),
        reverse("meetings:meeting-close", args=[meeting.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url, {"confirm": "yes"}).status_code in (403, 404), url
    assert AgendaItem.objects.filter(pk=meeting.item.pk).exists()
    assert Meeting.objects.get(pk=meeting.pk).status != "held"


@pytest.fixture
def two_actions(ics, people, meeting):
    sec = ics["secretariat"]
    due = timezone.localdate() + datetime.timedelta(days=30)
    late = actions.action_create(
        actor=sec,
        meeting=meeting,
        description="Report bed occupancy",
        owner=people["ceo"],
        due_date=due,
    )
    later = actions.action_create(
        actor=sec,
        meeting=meeting,
        description="Publish the winter plan",
        owner=people["nec1"],
        due_date=due,
    )
    # a month on, the first is past its date and still open
    Action.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - datetime.timedelta(1))
    return late, later


@pytest.mark.parametrize(
    ("who", "may_update"),
    [
        ("secretariat", {"late", "later"}),
        ("ceo", {"late"}),  # the owner of one action
        ("chair", set()),
        ("auditor", set()),
        ("icb_sign", set()),
    ],
)
def test_action_log_links_only_what_the_person_may_open(
    client, ics, people, two_actions, who, may_update
):
    user = people.get(who) or ics[who]
    client.force_login(user)
    page = client.get(reverse("meetings:actions")).content.decode()
    for key, action in zip(("late", "later"), two_actions, strict=True):
        url = reverse("meetings:action-edit", args=[action.pk])
        assert action.reference in page
        assert (f'href="{url}"' in page) == (key in may_update), (who, key)
        # and the link, where shown, opens; where not, the page refuses
        assert (client.get(url).status_code == 200) == (key in may_update), (who, key)


def test_overdue_actions_are_tagged(client, ics, two_actions):
    client.force_login(ics["secretariat"])
    page = client.get(reverse("meetings:actions")).content.decode()
    assert page.count(">Overdue</strong>") == 1
    late, later = two_actions
    late.refresh_from_db()
    assert late.is_overdue and not later.is_overdue
    actions.action_update(actor=ics["secretariat"], action=late, status="done", progress="Done.")
    late.refresh_from_db()
    assert not late.is_overdue


def test_removing_an_appendix_needs_confirmation(client, ics, meeting, pdf_bytes):
    from governance.meetings.models import PaperAppendix

    sec = ics["secretariat"]
    appendix = papers.appendix_add(
        actor=sec,
        paper=meeting.item.paper,
        title="Bed model",
        data=pdf_bytes(1),
        filename="beds.pdf",
    )
    client.force_login(sec)
    page = client.get(reverse("meetings:paper", args=[meeting.item.pk])).content.decode()
    assert "nhsuk-button--warning" in page and "Remove the appendix" in page
    url = reverse("meetings:appendix-remove", args=[appendix.pk])
    client.post(url)
    assert PaperAppendix.objects.filter(pk=appendix.pk).exists()
    client.post(url, {"confirm": "yes"})
    assert not PaperAppendix.objects.filter(pk=appendix.pk).exists()
