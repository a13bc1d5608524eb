"""The daily digest: for those who chose it, events are held (not mailed one by one) and
one e-mail a day lists what awaits them; a second run the same day sends nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from governance.audit.models import AuditEvent
from governance.notifications import notify_after_commit
from governance.reminders.digest import digest_send, digests_send
from governance.reminders.models import (
    DeferredNotification,
    DigestSent,
    NotificationMode,
    NotificationPreference,
)
from governance.reminders.preferences import notification_mode_set
from tests.governance.deputies.conftest import signoff_of

pytestmark = pytest.mark.django_db

DIGEST = NotificationMode.DAILY_DIGEST


def test_only_the_person_chooses_their_mode(world):
    with pytest.raises(PermissionDenied):
        notification_mode_set(actor=world["icb_sec"], person=world["trust_sign"], mode=DIGEST)
    with pytest.raises(ValidationError) as err:
        notification_mode_set(actor=world["trust_sign"], person=world["trust_sign"], mode="weekly")
    assert "mode" in err.value.message_dict
    assert not NotificationPreference.objects.exists()
    notification_mode_set(actor=world["trust_sign"], person=world["trust_sign"], mode=DIGEST)
    assert NotificationPreference.objects.get(person=world["trust_sign"]).mode == DIGEST
    event = AuditEvent.objects.get(verb="notifications.mode_set")
    assert event.changes["mode"] == {"before": "each_event", "after": DIGEST}


def test_digest_people_get_no_per_event_mail(world, django_capture_on_commit_callbacks):
    notification_mode_set(actor=world["trust_sign"], person=world["trust_sign"], mode=DIGEST)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify_after_commit("Sign-off needed: X", "Body", [world["trust_sign"], world["icb_sign"]])
    assert [m.to for m in mail.outbox] == [[world["icb_sign"].email]]
    held = DeferredNotification.objects.get()
    assert held.person == world["trust_sign"] and held.subject == "Sign-off needed: X"


def test_the_digest_lists_what_awaits_and_replaces_event_mail(
    world, allocation, django_capture_on_commit_callbacks, client
):
    # the allocation's sign-off request was mailed before the choice; later events are held
    person = world["trust_sign"]
    notification_mode_set(actor=person, person=person, mode=DIGEST)
    due = signoff_of(allocation, world["trust"]).due_on
    with django_capture_on_commit_callbacks(execute=True):
        notify_after_commit("Paper returned: Winter plan", "Please add costs.", [person])
    mail.outbox.clear()
    today = due + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(today=today) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email] and "digest" in message.subject
    assert "Short breaks for carers" in message.body or "Calder Trust" in message.body
    assert f"OVERDUE, was due {due:%-d %B %Y}" in message.body
    assert "Paper returned: Winter plan" in message.body
    # the held event went out in the digest; no second digest that day
    assert not DeferredNotification.objects.filter(digest__isnull=True).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(today=today) == 0
        assert digest_send(person=person, today=today) is None
    assert mail.outbox == []
    assert DigestSent.objects.filter(person=person).count() == 1
    # nobody else chose the digest: nobody else gets one
    assert not DigestSent.objects.exclude(person=person).exists()


def test_nothing_awaiting_sends_no_digest(world, django_capture_on_commit_callbacks):
    notification_mode_set(actor=world["outsider"], person=world["outsider"], mode=DIGEST)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(today=datetime.date(2026, 3, 2)) == 0
    assert mail.outbox == []


def test_the_command_sends_digests(world, allocation):
    from io import StringIO

    notification_mode_set(actor=world["council_sign"], person=world["council_sign"], mode=DIGEST)
    out = StringIO()
    call_command("send_digests", "--today", "2026-03-02", stdout=out)
    assert "Sent 1 digest(s) for 2026-03-02" in out.getvalue()


def test_the_settings_page(world, client):
    person = world["trust_sign"]
    client.force_login(person)
    page = client.get("/accounts/notifications/")
    assert page.status_code == 200 and b"daily_digest" in page.content
    bad = client.post("/accounts/notifications/", {"mode": "hourly"})
    assert bad.status_code == 200 and b"Choose an e-mail for each event" in bad.content
    assert not NotificationPreference.objects.exists()
    ok = client.post("/accounts/notifications/", {"mode": DIGEST})
    assert ok.status_code == 302
    assert NotificationPreference.objects.get(person=person).mode == DIGEST
    client.logout()
    assert client.get("/accounts/notifications/").status_code == 302  # sign in first
