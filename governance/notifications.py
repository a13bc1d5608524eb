"""E-mail notifications, sent only after the change that causes them has committed.

People who chose the daily digest (``governance.reminders``) get no e-mail per event:
the event is held, in the same transaction, for their next digest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def _send(subject: str, body: str, recipients: list[str]) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    except Exception:  # the change has committed; a mail failure must not undo it
        logger.exception("Could not send %r to %s", subject, recipients)


def send_after_commit(subject: str, body: str, recipients: list[str]) -> None:
    """Queue one e-mail to these addresses for after the commit, whatever their mode."""
    if recipients:
        transaction.on_commit(lambda: _send(subject, body, recipients))


def notify_after_commit(subject: str, body: str, users: Iterable) -> None:
    """Queue one e-mail to the users (those with an address) for after the commit; for
    those who chose the daily digest, keep it for the digest instead."""
    from governance.reminders.models import DeferredNotification
    from governance.reminders.preferences import digest_person_ids

    people = {u.email: u for u in users if getattr(u, "email", "")}
    if not people:
        return
    digest_ids = digest_person_ids(getattr(u, "pk", None) for u in people.values())
    if digest_ids:
        DeferredNotification.objects.bulk_create(
            DeferredNotification(person_id=pk, subject=subject[:300], body=body)
            for pk in sorted(digest_ids)
        )
    send_after_commit(
        subject,
        body,
        sorted(email for email, u in people.items() if getattr(u, "pk", None) not in digest_ids),
    )
