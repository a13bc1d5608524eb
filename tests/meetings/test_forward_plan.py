"""The forward plan: managed by the secretariat (audited), pre-populates new agendas,
and publishes key decisions 28 days ahead on the portal and its Atom feed — never a
Part 2 or non-public item."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.meetings import forward_plan
from governance.meetings.models import (
    AgendaItem,
    ForwardPlanItem,
    Part,
    PlanKind,
    Purpose,
    Recurrence,
    StandingKind,
)
from governance.meetings.services import agenda
from governance.meetings.services.forward_plan import plan_item_create, plan_item_update
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SECRET_TITLE = "Contract award: community diagnostics (ZEBRA-7731)"


def _add(ics, board, **fields):
    fields.setdefault("title", "Annual report and accounts")
    fields.setdefault("recurrence", Recurrence.ANNUAL)
    fields.setdefault("purpose", Purpose.APPROVAL)
    return plan_item_create(actor=ics["secretariat"], committee=board, **fields)


def test_the_secretariat_manages_the_plan_audited(ics, board):
    for who in ("trust_sign", "outsider", "auditor"):
        with pytest.raises(PermissionDenied):
            plan_item_create(
                actor=ics[who], committee=board, title="X", recurrence="annual", month=6
            )
    with pytest.raises(ValidationError) as err:
        _add(ics, board, month=None)
    assert "month" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        _add(ics, board, recurrence=Recurrence.ONCE, month=3)
    assert "year" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        _add(ics, board, month=6, part=Part.PRIVATE)
    assert "exemption_reason" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        _add(ics, board, title="  ", month=6)
    assert "title" in err.value.message_dict
    assert not ForwardPlanItem.objects.exists()

    item = _add(ics, board, month=6, is_key_decision=True)
    assert AuditEvent.objects.filter(verb="forward_plan.item_added").count() == 1
    private = _add(
        ics,
        board,
        title=SECRET_TITLE,
        month=6,
        part=Part.PRIVATE,
        exemption_reason="commercial confidentiality",
        is_public=True,
    )
    assert private.is_public is False  # a Part 2 item is never on the public plan
    plan_item_update(actor=ics["secretariat"], item=item, is_active=False, reason="Merged")
    event = AuditEvent.objects.get(verb="forward_plan.item_withdrawn")
    assert event.reason == "Merged"
    with pytest.raises(PermissionDenied):
        plan_item_update(actor=ics["trust_sign"], item=item, title="Changed")


def test_months_of_each_recurrence(ics, board):
    quarterly = _add(ics, board, title="BAF review", recurrence=Recurrence.QUARTERLY, month=6)
    assert quarterly.months() == {3, 6, 9, 12}
    assert quarterly.schedule_label == "quarterly: Mar, Jun, Sep, Dec"
    monthly = _add(ics, board, title="Finance report", recurrence=Recurrence.MONTHLY)
    assert monthly.month is None and monthly.months() == set(range(1, 13))
    once = _add(
        ics, board, title="Estates strategy", recurrence=Recurrence.ONCE, month=9, year=2027
    )
    assert once.due_in(2027, 9) and not once.due_in(2026, 9)


def test_items_due_that_month_prepopulate_the_new_agenda_once(ics, board):
    start = at(20)
    month = timezone.localtime(start).month
    other = month % 12 + 1
    _add(
        ics,
        board,
        title="Integrated performance report",
        recurrence=Recurrence.MONTHLY,
        kind=PlanKind.STANDING,
        purpose=Purpose.ASSURANCE,
        presenter="Chief executive",
    )
    _add(ics, board, title="BAF review", recurrence=Recurrence.QUARTERLY, month=month)
    _add(ics, board, title="Not this month", month=other)
    _add(
        ics,
        board,
        title=SECRET_TITLE,
        month=month,
        part=Part.PRIVATE,
        exemption_reason="commercial confidentiality",
        purpose=Purpose.DECISION,
    )
    withdrawn = _add(ics, board, title="Withdrawn item", month=month)
    plan_item_update(actor=ics["secretariat"], item=withdrawn, is_active=False)

    m = agenda.meeting_create(
        actor=ics["secretariat"], committee=board, start=start, location="Civic Hall"
    )
    items = list(m.items.order_by("position"))
    titles = [i.title for i in items]
    assert "Integrated performance report" in titles and "BAF review" in titles
    assert "Not this month" not in titles and "Withdrawn item" not in titles
    assert titles.index("Integrated performance report") > titles.index("Action log")
    secret = m.items.get(title=SECRET_TITLE)
    assert secret.part == Part.PRIVATE and secret.plan_item is not None
    # the resolution to exclude the public comes before the Part 2 item
    exclusion = m.items.get(standing_kind=StandingKind.EXCLUSION)
    assert exclusion.position < secret.position
    assert m.items.get(title="Integrated performance report").presenter == "Chief executive"
    assert AuditEvent.objects.filter(verb="meeting.item_added").count() >= 3

    # a second meeting the same month does not get the plan's items again
    again = agenda.meeting_create(
        actor=ics["secretariat"],
        committee=board,
        start=start + datetime.timedelta(hours=3),
        location="Civic Hall",
    )
    if timezone.localtime(again.start).month == month:
        assert not again.items.filter(plan_item__isnull=False).exists()
    assert AgendaItem.objects.filter(title="BAF review").count() == 1


def _key(ics, board, month, **fields):
    fields.setdefault("title", "Approve the joint forward plan")
    return _add(ics, board, month=month, is_key_decision=True, **fields)


def test_key_decisions_are_published_28_days_before_their_month(ics, board):
    month_start = datetime.date(2027, 6, 1)
    _key(ics, board, 6)
    _key(ics, board, 6, title="Not public", is_public=False)
    _add(ics, board, title="Not key", month=6)
    _key(ics, board, 6, title=SECRET_TITLE, part=Part.PRIVATE, exemption_reason="commercial")

    def titles(day):
        return [d.item.title for d in forward_plan.published(day)]

    assert titles(month_start - datetime.timedelta(days=29)) == []  # not before
    assert titles(month_start - datetime.timedelta(days=28)) == ["Approve the joint forward plan"]
    assert titles(month_start + datetime.timedelta(days=29)) == ["Approve the joint forward plan"]
    assert titles(datetime.date(2027, 7, 1)) == []  # the month is over

    # a meeting that month: on the plan until the meeting, and not taken down earlier
    meeting = agenda.meeting_create(
        actor=ics["secretariat"],
        committee=board,
        start=timezone.make_aware(datetime.datetime(2027, 6, 17, 10, 0)),
        location="Civic Hall",
    )
    found = forward_plan.published(datetime.date(2027, 5, 4))
    assert [d.meeting for d in found] == [meeting]
    assert found[0].publish_from == datetime.date(2027, 5, 4)
    assert titles(datetime.date(2027, 6, 17)) == ["Approve the joint forward plan"]
    assert titles(datetime.date(2027, 6, 18)) == []  # taken at the meeting


def _published_now(ics, board):
    """Key decisions (public and Part 2) due in the month 10 days from today."""
    soon = timezone.localdate() + datetime.timedelta(days=10)
    _key(
        ics,
        board,
        soon.month,
        title="Approve the winter plan",
        recurrence=Recurrence.ONCE,
        year=soon.year,
        description="System winter resilience plan, £4.2m.",
    )
    _key(
        ics,
        board,
        soon.month,
        title=SECRET_TITLE,
        part=Part.PRIVATE,
        exemption_reason="commercial confidentiality",
    )


def test_the_public_page_lists_published_key_decisions_only(ics, board, client):
    _published_now(ics, board)
    page = client.get("/public/forward-plan/")
    assert page.status_code == 200
    assert b"Approve the winter plan" in page.content
    assert b"ZEBRA" not in page.content and b"diagnostics" not in page.content


def test_the_atom_feed_is_valid_and_public_only(ics, board, client):
    _published_now(ics, board)
    response = client.get("/public/forward-plan.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert b"ZEBRA" not in response.content
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert "Approve the winter plan" in entry.find(f"{ATOM}title").text
    for required in ("id", "updated", "link"):
        assert entry.find(f"{ATOM}{required}") is not None, required
    assert (
        entry.find(f"{ATOM}link")
        .get("href")
        .endswith(
            "/public/forward-plan/#"
            + f"forward-plan-{ForwardPlanItem.objects.get(title='Approve the winter plan').pk}-"
            + f"{(timezone.localdate() + datetime.timedelta(days=10)):%Y-%m}"
        )
    )


def test_the_plan_pages(ics, board, client):
    _published_now(ics, board)
    client.force_login(ics["outsider"])  # not on the board: sees Part 1 lines only
    page = client.get(f"/meetings/committees/{board.pk}/forward-plan/")
    assert page.status_code == 200 and b"Approve the winter plan" in page.content
    assert b"ZEBRA" not in page.content
    assert client.get(f"/meetings/committees/{board.pk}/forward-plan/new/").status_code == 403
    client.force_login(ics["secretariat"])
    page = client.get(f"/meetings/committees/{board.pk}/forward-plan/")
    assert b"ZEBRA" in page.content
    bad = client.post(
        f"/meetings/committees/{board.pk}/forward-plan/new/",
        {
            "title": "Quality account",
            "kind": "planned",
            "recurrence": "annual",
            "month": "",
            "purpose": "approval",
            "part": "1",
            "is_public": "on",
        },
    )
    assert bad.status_code == 200 and b"Choose the month the item is due" in bad.content
    assert not ForwardPlanItem.objects.filter(title="Quality account").exists()
    ok = client.post(
        f"/meetings/committees/{board.pk}/forward-plan/new/",
        {
            "title": "Quality account",
            "kind": "planned",
            "recurrence": "annual",
            "month": "6",
            "purpose": "approval",
            "part": "1",
            "is_public": "on",
            "is_key_decision": "on",
        },
    )
    assert ok.status_code == 302
    item = ForwardPlanItem.objects.get(title="Quality account")
    assert item.month == 6 and item.is_key_decision
    edit = client.post(
        f"/meetings/forward-plan/{item.pk}/",
        {
            "title": "Quality account 2026/27",
            "kind": "planned",
            "recurrence": "annual",
            "month": "6",
            "purpose": "approval",
            "part": "1",
            "is_active": "on",
            "reason": "Year added",
        },
    )
    assert edit.status_code == 302
    item.refresh_from_db()
    assert item.title == "Quality account 2026/27"
    assert not item.is_public  # unticked
