"""Sign-off deadlines: a due date when requested, changed only by the secretariat
(audited), reminders before it, escalation to both secretariats after it — each sent
once, however often the job runs. Time travels by passing ``today`` to the job."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.reminders.models import ReminderKind, ReminderSent
from governance.reminders.services import reminder_day, reminders_send
from governance.signoffs.deadlines import add_working_days
from governance.signoffs.models import SignOff
from governance.signoffs.services import signoff_set_due
from tests.governance.deputies.conftest import signoff_of

pytestmark = pytest.mark.django_db


def _run(today, capture):
    mail.outbox.clear()
    with capture(execute=True):
        return reminders_send(today=today)


def _to(subject_start: str) -> set[str]:
    return {r for m in mail.outbox if m.subject.startswith(subject_start) for r in m.to}


def test_working_days_skip_weekends():
    friday = datetime.date(2026, 3, 6)
    assert add_working_days(friday, 1) == datetime.date(2026, 3, 9)  # Monday
    assert add_working_days(datetime.date(2026, 3, 2), 10) == datetime.date(2026, 3, 16)
    assert add_working_days(friday, 0) == friday


def test_reminder_day_is_the_latest_threshold_reached(settings):
    settings.REMINDER_DAYS_BEFORE = (3, 1)
    due = datetime.date(2026, 3, 20)
    assert reminder_day(due, datetime.date(2026, 3, 16)) is None  # 4 days early
    assert reminder_day(due, datetime.date(2026, 3, 17)) == datetime.date(2026, 3, 17)
    assert reminder_day(due, datetime.date(2026, 3, 18)) == datetime.date(2026, 3, 17)
    assert reminder_day(due, datetime.date(2026, 3, 19)) == datetime.date(2026, 3, 19)
    assert reminder_day(due, due) == datetime.date(2026, 3, 19)
    assert reminder_day(due, datetime.date(2026, 3, 21)) is None  # overdue: escalation


def test_a_requested_signoff_is_due_in_ten_working_days_by_default(world, allocation):
    requested = timezone.localdate()
    signoffs = SignOff.objects.filter(subject_type__model="allocation", subject_id=allocation.pk)
    assert signoffs.count() == 3
    assert {s.due_on for s in signoffs} == {add_working_days(requested, 10)}


def test_only_the_secretariat_moves_a_due_date_with_a_reason(world, allocation):
    s = signoff_of(allocation, world["council"])
    new = s.due_on + datetime.timedelta(days=7)
    for who in ("council_sign", "outsider", "trust_sec", "auditor"):
        with pytest.raises(PermissionDenied):
            signoff_set_due(actor=world[who], signoff=s, due_on=new, reason="Bank holiday")
    with pytest.raises(ValidationError) as err:
        signoff_set_due(actor=world["council_sec"], signoff=s, due_on=new, reason=" ")
    assert "reason" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        signoff_set_due(
            actor=world["council_sec"],
            signoff=s,
            due_on=datetime.date(2001, 1, 1),
            reason="Typo",
        )
    assert "due_on" in err.value.message_dict
    s.refresh_from_db()
    assert s.due_on != new  # nothing written by the refusals
    signoff_set_due(actor=world["council_sec"], signoff=s, due_on=new, reason="Easter")
    s.refresh_from_db()
    assert s.due_on == new
    event = AuditEvent.objects.get(verb="signoff.due_changed")
    assert event.actor == world["council_sec"] and event.reason == "Easter"
    assert event.changes["due_on"]["after"] == new.isoformat()
    # the ICB secretariat may too
    signoff_set_due(actor=world["icb_sec"], signoff=s, due_on=new, reason="Same")


def test_reminders_before_the_due_date_are_sent_once(
    world, allocation, django_capture_on_commit_callbacks, settings
):
    settings.REMINDER_DAYS_BEFORE = (3, 1)
    s = signoff_of(allocation, world["council"])
    due = s.due_on
    day = datetime.timedelta(days=1)
    council_signatory = world["council_sign"].email

    assert _run(due - 4 * day, django_capture_on_commit_callbacks) == {}
    assert mail.outbox == []

    counts = _run(due - 3 * day, django_capture_on_commit_callbacks)
    assert counts == {ReminderKind.SIGNOFF_DUE: 3}  # one per organisation
    assert council_signatory in _to("Sign-off due")
    assert world["trust_sign"].email in _to("Sign-off due")
    assert world["council_sec"].email not in _to("Sign-off due")  # signatories only

    # re-run the same day, and the next: nothing twice
    assert _run(due - 3 * day, django_capture_on_commit_callbacks) == {}
    assert _run(due - 2 * day, django_capture_on_commit_callbacks) == {}
    assert mail.outbox == []

    assert _run(due - day, django_capture_on_commit_callbacks) == {ReminderKind.SIGNOFF_DUE: 3}
    assert _run(due, django_capture_on_commit_callbacks) == {}
    assert ReminderSent.objects.filter(kind=ReminderKind.SIGNOFF_DUE).count() == 6


def test_overdue_escalates_once_to_the_organisation_and_icb_secretariats(
    world, allocation, django_capture_on_commit_callbacks
):
    from governance.signoffs.services import signoff_decide

    signoff_decide(
        actor=world["icb_sign"], signoff=signoff_of(allocation, world["icb"]), outcome="approve"
    )
    signoff_decide(
        actor=world["trust_sign"],
        signoff=signoff_of(allocation, world["trust"]),
        outcome="approve",
    )
    late = signoff_of(allocation, world["council"])
    after = late.due_on + datetime.timedelta(days=1)

    counts = _run(after, django_capture_on_commit_callbacks)
    assert counts == {ReminderKind.SIGNOFF_ESCALATED: 1}  # only the council's is open
    told = _to("Overdue sign-off")
    assert told == {world["council_sec"].email, world["icb_sec"].email}
    assert world["trust_sec"].email not in told
    event = AuditEvent.objects.get(verb="signoff.escalated")
    assert event.organisation == world["council"]
    assert event.actor is None and "secretariat" in event.reason

    assert _run(after, django_capture_on_commit_callbacks) == {}
    assert _run(after + datetime.timedelta(days=5), django_capture_on_commit_callbacks) == {}
    assert AuditEvent.objects.filter(verb="signoff.escalated").count() == 1


def test_a_moved_due_date_brings_new_reminders(
    world, allocation, django_capture_on_commit_callbacks
):
    s = signoff_of(allocation, world["council"])
    _run(s.due_on + datetime.timedelta(days=1), django_capture_on_commit_callbacks)
    new = s.due_on + datetime.timedelta(days=14)
    signoff_set_due(actor=world["icb_sec"], signoff=s, due_on=new, reason="Extended")
    counts = _run(new - datetime.timedelta(days=1), django_capture_on_commit_callbacks)
    assert counts.get(ReminderKind.SIGNOFF_DUE, 0) >= 1
    assert world["council_sign"].email in _to("Sign-off due")


def test_the_command_runs_as_on_a_given_day(world, allocation):
    from io import StringIO

    s = signoff_of(allocation, world["council"])
    out = StringIO()
    call_command("send_reminders", "--today", (s.due_on).isoformat(), stdout=out)
    assert "Sent 3 reminder(s)" in out.getvalue()
    out = StringIO()
    call_command("send_reminders", "--today", (s.due_on).isoformat(), stdout=out)
    assert "Sent 0 reminder(s)" in out.getvalue()
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "next tuesday", stdout=StringIO())


def test_a_blocked_signoff_tells_its_own_secretariat_too(
    world, allocation, django_capture_on_commit_callbacks
):
    from tests.governance.deputies.conftest import declare

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        declare(world["council_sign"], world["vcse"])
    told = _to("Sign-off blocked")
    assert {world["council_sec"].email, world["icb_sec"].email} <= told
    assert world["trust_sec"].email not in told


def test_the_due_date_page(world, allocation, client):
    s = signoff_of(allocation, world["council"])
    url = f"/signoffs/{s.pk}/due/"
    client.force_login(world["council_sign"])  # a signatory sees the date, cannot move it
    page = client.get(f"/signoffs/{s.pk}/")
    assert page.status_code == 200 and b"Due" in page.content and url.encode() not in page.content
    assert client.get(url).status_code == 403
    client.force_login(world["icb_sec"])
    assert url.encode() in client.get(f"/signoffs/{s.pk}/").content
    client.force_login(world["trust_sec"])  # another organisation's secretariat
    assert client.get(url).status_code == 404
    client.force_login(world["council_sec"])  # the signing organisation's own
    assert client.get(url).status_code == 200
    bad = client.post(url, {"due_on": "31/02/2027", "reason": "Easter"})
    assert bad.status_code == 200 and b"real date" in bad.content
    before = s.due_on
    s.refresh_from_db()
    assert s.due_on == before
    new = s.due_on + datetime.timedelta(days=3)
    ok = client.post(url, {"due_on": new.strftime("%d/%m/%Y"), "reason": "Easter"})
    assert ok.status_code == 302
    s.refresh_from_db()
    assert s.due_on == new


def test_the_api_gives_each_signoff_its_due_date_and_whether_it_is_overdue(world, allocation):
    from rest_framework.test import APIClient

    s = signoff_of(allocation, world["council"])
    api = APIClient()
    api.force_authenticate(world["council_sign"])
    row = next(r for r in api.get("/api/v1/signoffs/").json()["results"] if r["id"] == s.pk)
    assert row["due_on"] == s.due_on.isoformat() and row["overdue"] is False
    # overdue once its date has passed
    past = timezone.localdate() - datetime.timedelta(days=1)
    SignOff.objects.filter(pk=s.pk).update(due_on=past)
    detail = api.get(f"/api/v1/signoffs/{s.pk}/").json()
    assert detail["due_on"] == past.isoformat() and detail["overdue"] is True
    ordered = api.get("/api/v1/signoffs/", {"ordering": "due_on"}).json()["results"]
    assert [r["due_on"] for r in ordered] == sorted(r["due_on"] for r in ordered)
