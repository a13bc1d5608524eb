"""The audit trail of the scale data: the prototypes' events, once per copy, on the chain.

Every copy of a prototype gets the events its prototype's services recorded (same
verbs, actors, organisations, changes and reasons), retargeted at the copy's rows, then
appended to the one hash chain with consecutive numbers; the chain head moves once at
the end. ``fill_to`` tops the trail up to a total with the recurring events of the
copies (the prototypes' own reviews, forecasts, attendance and sign-off events again).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.utils import timezone

from governance.audit import chain
from governance.audit.models import AuditEvent
from governance.audit.services import audit_lock
from governance.scale.clone import Graph

# verbs that recur in the life of a record (re-recorded by ``fill_to``)
RECURRING = (
    "risk.reviewed",
    "risk.review_due",
    "fund.forecast_recorded",
    "signoff.approved",
    "meeting.attendance",
    "meeting.item_discussion",
    "paper.updated",
    "allocation.spent",
)


def prototype_events(graph: Graph) -> list[AuditEvent]:
    """The events recorded about any row of ``graph``, in trail order."""
    found = []
    for model, rows in graph.rows.items():
        label = model._meta.label_lower
        ids = [str(row.pk) for row in rows]
        found.extend(AuditEvent.objects.filter(target_type=label, target_id__in=ids))
    return sorted(found, key=lambda e: e.seq)


def retarget(events: list[AuditEvent], maps: dict, labels: dict) -> Iterator[dict]:
    """The fields of ``events`` for one copy (target ids through the copy's maps)."""
    for event in events:
        model = labels[event.target_type]
        target_id = str(maps[model][int(event.target_id)])
        yield {
            "actor_id": event.actor_id,
            "actor_label": event.actor_label,
            "organisation_id": event.organisation_id,
            "verb": event.verb,
            "target_type": event.target_type,
            "target_id": target_id,
            "target_label": event.target_label,
            "changes": event.changes,
            "reason": event.reason,
        }


def labels_of(graph: Graph) -> dict:
    return {model._meta.label_lower: model for model in graph.rows}


def append_many(records: Iterable[dict], *, batch_size: int = 5000) -> int:
    """Append ``records`` (AuditEvent field values, no numbers or hashes) to the chain
    in one transaction: consecutive numbers, each hash over its predecessor's; the chain
    head moves once at the end. Returns how many were appended."""
    appended = 0
    with transaction.atomic():
        head = audit_lock()
        seq, prev = head.seq, head.hash
        last_prev = getattr(head, "prev_hash", prev)
        start = timezone.now()
        batch = []
        for record in records:
            seq += 1
            event = AuditEvent(
                seq=seq,
                timestamp=start + datetime.timedelta(microseconds=seq - head.seq),
                request_id="",
                prev_hash=prev,
                **record,
            )
            last_prev = prev
            event.hash = prev = chain.compute_hash(prev, event.as_record())
            batch.append(event)
            if len(batch) >= batch_size:
                AuditEvent.objects.bulk_create(batch)
                appended += len(batch)
                batch = []
        if batch:
            AuditEvent.objects.bulk_create(batch)
            appended += len(batch)
        if appended:
            fields = ["seq", "hash"]
            if hasattr(head, "prev_hash"):
                head.prev_hash = last_prev
                fields.append("prev_hash")
            head.seq, head.hash = seq, prev
            head.save(update_fields=fields)
    return appended
