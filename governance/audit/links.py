"""Where an audit event's record tells its whole story: one registry of history pages.

The audit explorer links each row to its record's history page through
``history_url(target_type, target_id)``. The core does not know the apps' URLs, so each
app registers a resolver per target type at start-up (its ``AppConfig.ready``)::

    links.register_history("decisions.proposal", lambda pk: reverse("proposal-history", args=[pk]))

A resolver takes the event's ``target_id`` (a string) and returns the page's path, or
``None`` when there is none (e.g. the record is gone). An unregistered type, or a
resolver that fails, gives no link rather than an error on the explorer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.urls import NoReverseMatch

Resolver = Callable[[str], "str | None"]

_RESOLVERS: dict[str, Resolver] = {}

logger = logging.getLogger(__name__)


def register_history(target_type: str, resolver: Resolver) -> None:
    """Register (or replace) the history page resolver for a target type
    (``app_label.modelname``, as ``AuditEvent.target_type`` stores it)."""
    _RESOLVERS[target_type.lower()] = resolver


def history_url(target_type: str, target_id) -> str | None:
    """The history page of the event's record, or ``None`` when none is registered."""
    resolver = _RESOLVERS.get((target_type or "").lower())
    if resolver is None or target_id in (None, ""):
        return None
    try:
        return resolver(str(target_id)) or None
    except (NoReverseMatch, ValueError, LookupError):
        logger.warning("No history page for %s %s", target_type, target_id, exc_info=True)
        return None


def registered_types() -> list[str]:
    """The target types that have a history page (for the explorer's subject filter)."""
    return sorted(_RESOLVERS)
