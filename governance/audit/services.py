"""Writing the audit trail. Every service that changes data calls ``audit_record``."""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Iterable

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from governance.audit import chain
from governance.audit.context import current_request_id
from governance.audit.models import AuditEvent, ChainHead


class AuditError(RuntimeError):
    """Raised when the trail cannot be written; the surrounding change rolls back."""


def _plain(value):
    """JSON-ready form of a model field value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return chain.format_timestamp(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    """The named fields of ``instance`` as plain JSON values (foreign keys as ids)."""
    data = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        data[name] = _plain(getattr(instance, attname))
    return data


def diff(before: dict | None, after: dict | None) -> dict:
    """``{"field": {"before": …, "after": …}}`` for the fields that differ."""
    before, after = before or {}, after or {}
    keys = sorted(set(before) | set(after))
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in keys
        if before.get(key) != after.get(key)
    }


def audit_lock() -> ChainHead:
    """Lock (creating if need be) the chain head row for the rest of this transaction.

    ``audit_record`` takes this lock itself; a service that must take other row locks
    after it (to keep one lock order and avoid deadlocks) may take it first.
    """
    try:
        return ChainHead.objects.select_for_update().get(id=1)
    except ChainHead.DoesNotExist:
        try:
            with transaction.atomic():
                ChainHead.objects.create(id=1)
        except IntegrityError:
            pass  # another writer created it first
        return ChainHead.objects.select_for_update().get(id=1)


def audit_record(
    *,
    actor,
    verb: str,
    target: models.Model,
    changes: dict | None = None,
    reason: str = "",
    organisation=None,
    target_label: str | None = None,
) -> AuditEvent:
    """Append one event to the trail inside the caller's transaction.

    Must run inside ``transaction.atomic``: the event commits or rolls back with the
    change it records. The chain head row is locked until that transaction ends.
    """
    if not transaction.get_connection().in_atomic_block:
        raise AuditError("audit_record must be called inside the change's transaction")
    actor = actor if getattr(actor, "is_authenticated", False) else None
    # Store exactly what is hashed: the canonical JSON round-trip of the changes.
    clean_changes = json.loads(chain.canonical_json(changes or {}))
    head = audit_lock()
    event = AuditEvent(
        seq=head.seq + 1,
        timestamp=timezone.now(),
        actor=actor,
        actor_label=actor.get_username() if actor else "system",
        organisation=organisation,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=(target_label if target_label is not None else str(target))[:300],
        changes=clean_changes,
        reason=reason or "",
        request_id=current_request_id(),
        prev_hash=head.hash,
    )
    event.hash = chain.compute_hash(head.hash, event.as_record())
    event.save(force_insert=True)
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    return event
