"""E-mail notifications, sent only after the change that causes them has committed."""

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


def notify_after_commit(subject: str, body: str, users: Iterable) -> None:
    """Queue one e-mail to the users (those with an address) for after the commit."""
    recipients = sorted({u.email for u in users if getattr(u, "email", "")})
    if not recipients:
        return
    transaction.on_commit(lambda: _send(subject, body, recipients))
