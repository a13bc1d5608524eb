"""Demo: the open sign-offs have due dates (set when requested); one is made overdue, as
if requested three weeks ago and given a short deadline before the board, so the next
``send_reminders`` escalates it to both secretariats."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from governance.signoffs.deadlines import add_working_days
from governance.signoffs.models import SignOff, SignOffStatus
from governance.signoffs.services import signoff_set_due


def seed_deadlines(*, stdout=None) -> None:
    sec = get_user_model().objects.filter(username="icb.secretariat").first()
    pending = SignOff.objects.filter(status=SignOffStatus.PENDING, blocked=False).order_by("pk")
    if sec is None or not pending.exists():
        return
    today = timezone.localdate()
    if pending.filter(due_on__lt=today).exists():
        return  # seeded already
    late = pending.first()
    requested = today - datetime.timedelta(days=21)
    SignOff.objects.filter(pk=late.pk).update(
        requested_at=late.requested_at - datetime.timedelta(days=21)
    )
    late.refresh_from_db()
    signoff_set_due(
        actor=sec,
        signoff=late,
        due_on=add_working_days(requested, 10),
        reason="Needed before the board's meeting; agreed with the partners' directors of "
        "finance at the system finance group.",
    )
    if stdout:
        stdout.write(
            f"Deadlines: {pending.count()} open sign-offs with due dates; "
            f"{late.organisation.name}'s is overdue."
        )
