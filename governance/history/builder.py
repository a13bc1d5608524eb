"""Assemble a record's story: the audit events of the record and of its related records,
oldest first, each as a dated entry in plain English with a readable before/after.

Queries do not grow with the number of events: related records come from the provider
and the contributors (a fixed number of queries each), the events of all of them from
one query, the names their changes refer to from one query per kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Model, Q

from governance.audit import reads, sentences
from governance.audit.models import AuditEvent, ReadAccess
from governance.history import registry
from governance.history.changes import Formatter, Row


@dataclass(frozen=True)
class Entry:
    """One dated step of the story."""

    seq: int
    when: datetime
    what: str
    who: str
    organisation: str
    why: str
    about: str  # the related record it concerns, when not the record itself
    changes: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class History:
    provider: registry.HistoryProvider
    record: Model
    label: str
    url: str
    facts: list[registry.Fact]
    entries: list[Entry]
    reads: list[ReadAccess] | None  # None: the user may not ask who has seen it


def _key(obj: Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def events_of(records: list[Model], extra: Q | None = None):
    """The events of all ``records`` (and those ``extra`` selects) in one query, in chain
    order."""
    by_type: dict[str, set[str]] = {}
    for obj in records:
        label, pk = _key(obj)
        by_type.setdefault(label, set()).add(pk)
    query = Q(pk__in=[])
    for label, ids in by_type.items():
        query |= Q(target_type=label, target_id__in=sorted(ids))
    if extra is not None:
        query |= extra
    return AuditEvent.objects.filter(query).select_related("actor", "organisation").order_by("seq")


def build(provider: registry.HistoryProvider, record: Model, *, user=None) -> History:
    own = provider.related(record, user)
    parts = [own, *(contribute(record, user) for contribute in registry.contributors())]
    related = registry.merge(parts)
    records = [record, *related.records]
    seen: set[tuple[str, str]] = set()
    unique = []
    for obj in records:
        if _key(obj) not in seen:
            seen.add(_key(obj))
            unique.append(obj)
    extra = provider.extra_events(record) if provider.extra_events else None
    events = list(events_of(unique, extra))
    formatter = Formatter()
    formatter.prepare(events)
    own_key = _key(record)
    entries = [
        Entry(
            seq=e.seq,
            when=e.timestamp,
            what=sentences.sentence(e.verb, e.changes),
            who=sentences.person(e),
            organisation=e.organisation.name if e.organisation_id else "",
            why=e.reason,
            about="" if (e.target_type, e.target_id) == own_key else e.target_label,
            changes=formatter.rows(e),
        )
        for e in events
    ]
    show_reads = user is not None and reads.may_see_reads(user)
    return History(
        provider=provider,
        record=record,
        label=provider.label(record),
        url=provider.url(record),
        facts=related.facts,
        entries=entries,
        reads=list(reads.reads_of([record, *related.confidential])) if show_reads else None,
    )
