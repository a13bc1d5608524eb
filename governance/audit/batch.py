"""Audit batches: take the chain-head lock only at the very end of a transaction.

``audit_record`` locks the chain head (one row for the whole system) from its call until
the transaction commits. A service whose transaction goes on after its first audited
change would hold that lock all along: deciding a sign-off moves the flow on (the join,
perhaps the round's conclusion with more audited writes and notifications), all of it
while every other audited write in the system waits.

Inside ``audit_batch()``, ``audit_record`` queues each event instead of appending it:
in call order, each with its own timestamp (taken at the call, as without a batch). When
the block ends without an error, the queued events are appended, in that order, under
one head lock, and the transaction commits straight after. Each event still commits or
rolls back with the change it records, and the chain is exactly what it would have been
without the batch; only the lock is held for the appends alone. Outside a batch,
``audit_record`` appends at once, as before.

An event queued inside a savepoint that is later rolled back is dropped, as its row
would have been (viewflow rolls back a failed node's savepoint and carries on): each
queued event registers a no-op ``transaction.on_commit`` marker, which Django discards
with the rolled-back savepoint; an event whose marker is gone is not appended.

The hook in ``audit_record`` (``governance.audit.services``) is one call::

    if batch.defer(event, record, _append):   # queued: appended at the batch's end
        return event
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, transaction


@dataclass
class _Batch:
    alias: str
    queue: list[tuple] = field(default_factory=list)


_current: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar(
    "audit_batch", default=None
)


def active() -> bool:
    """True inside ``audit_batch()``."""
    return _current.get() is not None


def defer(event, record: dict, append: Callable[[object, dict], None]) -> bool:
    """Queue ``event`` (and its hashed ``record``) when a batch is open on the event's
    connection; ``append(event, record)`` writes it at the batch's end. Returns False
    (nothing queued: the caller appends now) outside a batch."""
    batch = _current.get()
    if batch is None:
        return False
    connection = transaction.get_connection(batch.alias)
    if not connection.in_atomic_block:
        return False
    marker = _Marker()
    transaction.on_commit(marker, using=batch.alias)
    batch.queue.append((event, record, append, marker))
    return True


class _Marker:
    """A distinct callable per queued event, so its presence can be checked."""

    __slots__ = ()

    def __call__(self) -> None:
        """Nothing to do at commit: the marker only shows the event was not rolled back."""


def _still_pending(connection, marker) -> bool:
    # Django keeps (savepoint ids, callback, robust) for every on_commit callback and
    # drops those of a rolled-back savepoint.
    return any(entry[1] is marker for entry in connection.run_on_commit)


def _flush(batch: _Batch) -> int:
    connection = transaction.get_connection(batch.alias)
    appended = 0
    for event, record, append, marker in batch.queue:
        if _still_pending(connection, marker):
            append(event, record)
            appended += 1
    batch.queue.clear()
    return appended


@contextmanager
def audit_batch(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A transaction (``transaction.atomic``) whose audit events are appended together
    at its end, under one chain-head lock. Nested batches join the outermost one."""
    if _current.get() is not None:
        with transaction.atomic(using=using):
            yield
        return
    batch = _Batch(alias=using)
    token = _current.set(batch)
    try:
        with transaction.atomic(using=using):
            try:
                yield
            finally:
                _current.reset(token)
                token = None
            _flush(batch)
    finally:
        if token is not None:
            _current.reset(token)
        batch.queue.clear()
