"""Each person's choice: an e-mail per event, or one daily digest."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance.audit.services import audit_record
from governance.reminders.models import NotificationMode, NotificationPreference


def mode_of(person) -> str:
    pref = NotificationPreference.objects.filter(person_id=person.pk).first()
    return pref.mode if pref else NotificationMode.EACH_EVENT


def digest_person_ids(person_ids) -> set[int]:
    """Which of these people chose the daily digest (one query)."""
    ids = [pk for pk in person_ids if pk]
    if not ids:
        return set()
    return set(
        NotificationPreference.objects.filter(
            person_id__in=ids, mode=NotificationMode.DAILY_DIGEST
        ).values_list("person_id", flat=True)
    )


def notification_mode_set(*, actor, person, mode: str) -> NotificationPreference:
    """Set how ``person`` is told about events. Only the person themself may choose."""
    if not getattr(actor, "is_authenticated", False) or actor.pk != person.pk:
        raise PermissionDenied("You can only choose how you yourself are told.")
    if mode not in NotificationMode.values:
        raise ValidationError({"mode": "Choose an e-mail for each event or a daily digest."})
    with transaction.atomic():
        pref, created = NotificationPreference.objects.select_for_update().get_or_create(
            person=person
        )
        before = NotificationMode.EACH_EVENT if created else pref.mode
        if before == mode and not created:
            return pref
        pref.mode = mode
        pref.updated_at = timezone.now()
        pref.save()
        audit_record(
            actor=actor,
            verb="notifications.mode_set",
            target=person,
            target_label=person.get_full_name() or person.get_username(),
            changes={"mode": {"before": before, "after": mode}},
        )
    return pref
