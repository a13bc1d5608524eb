"""The audit trail of the scale data: the prototypes' events, once per copy, on the chain.

Every copy of a prototype gets the events its prototype's services recorded (same
verbs, actors, organisations, changes and reasons), retargeted at the copy's rows, then
appended to the one hash chain by ``governance.audit.services.audit_bulk_append``.
``Loader.fill`` (load.py) tops the trail up with the recurring events (``RECURRING``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.audit.services import audit_bulk_append
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


def append_many(records: Iterable[dict]) -> int:
    """Append ``records`` (AuditEvent field values, no numbers or hashes) to the chain
    with ``audit_bulk_append`` (one transaction, consecutive numbers, each hash over its
    predecessor's, the head moved once). Times follow the moment of loading, a
    microsecond apart. Returns how many were appended."""
    start = timezone.now()

    def converted() -> Iterator[dict]:
        for n, record in enumerate(records):
            yield {
                "timestamp": start + datetime.timedelta(microseconds=n),
                "actor_id": record["actor_id"],
                "actor": record["actor_label"],
                "organisation_id": record["organisation_id"],
                "verb": record["verb"],
                "target_type": record["target_type"],
                "target_id": record["target_id"],
                "target_label": record["target_label"],
                "changes": record["changes"],
                "reason": record["reason"],
            }

    return audit_bulk_append(converted())
