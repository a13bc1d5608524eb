"""Read paths for the audit trail, scoped to what the user may see."""

from __future__ import annotations

import multiprocessing
import os

from django.db import connections
from django.db.models import QuerySet

from governance import permissions
from governance.audit import chain
from governance.audit.models import AuditEvent, ChainHead


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """Auditors, superusers and the ICB secretariat see the whole trail; a partner
    organisation's secretariat sees its organisation's events."""
    qs = AuditEvent.objects.select_related("actor", "organisation")
    if permissions.reads_everything(user):
        return qs
    org_ids = permissions.organisation_ids(user, roles=permissions.TRAIL_READER_ROLES)
    return qs.filter(organisation_id__in=org_ids)


def events_for(target) -> QuerySet[AuditEvent]:
    """The timeline of one record (callers check the record is visible first)."""
    return AuditEvent.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor", "organisation")


_PG_TIMESTAMP = """to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
_ROW_COLUMNS = (
    "seq, {timestamp}, actor_id, actor_label, organisation_id, verb, target_type, target_id, "
    "target_label, {changes}, reason, request_id, prev_hash, hash"
)
CHUNK = 20_000
PARALLEL_FROM = 100_000  # events; below this one process is quicker than starting more


def _sqlite_timestamp(value) -> str:
    """SQLite returns the stored UTC time as a naive datetime (or its text)."""
    if isinstance(value, str):
        text = value.replace(" ", "T")[:26]
        return (text if len(text) == 26 else text + ".000000") + "Z"
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _rows(start: int, stop: int | None):
    """Events with ``start < seq <= stop`` (no upper bound when ``stop`` is None) as
    ``chain.ROW_FIELDS`` tuples, read in keyset-paged chunks with no model objects."""
    connection = connections[AuditEvent.objects.db]
    postgres = connection.vendor == "postgresql"
    columns = _ROW_COLUMNS.format(
        timestamp=_PG_TIMESTAMP if postgres else '"timestamp"',
        changes="changes::text" if postgres else "changes",
    )
    bound = "" if stop is None else f" AND seq <= {int(stop)}"
    sql = (
        f"SELECT {columns} FROM audit_auditevent WHERE seq > %s{bound} "  # noqa: S608
        "ORDER BY seq LIMIT %s"
    )
    last = start
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [last, CHUNK])
            rows = cursor.fetchall()
        if not rows:
            return
        if not postgres:
            rows = [(r[0], _sqlite_timestamp(r[1]), *r[2:]) for r in rows]
        yield from rows
        if len(rows) < CHUNK:
            return
        last = rows[-1][0]


def _verify_part(part: tuple[int, int | None, str, dict | None]) -> chain.VerifyResult:
    start, stop, prev_hash, head = part
    return chain.verify_rows(_rows(start, stop), head, prev_hash=prev_hash, first_seq=start + 1)


def _verify_part_in_child(part) -> chain.VerifyResult:
    try:
        return _verify_part(part)
    finally:
        connections.close_all()


def _parts(head: dict, workers: int) -> list[tuple[int, int | None, str, dict | None]]:
    """Split the trail into ``workers`` stretches, each starting from the stored hash of
    the event before it (which the previous stretch verifies)."""
    size = head["seq"] // workers
    bounds = [i * size for i in range(workers)]
    hashes = dict(
        AuditEvent.objects.filter(seq__in=[b for b in bounds if b]).values_list("seq", "hash")
    )
    parts = []
    for i, start in enumerate(bounds):
        last = i == workers - 1
        prev = chain.GENESIS_HASH if start == 0 else hashes.get(start, "missing")
        parts.append((start, None if last else bounds[i + 1], prev, head if last else None))
    return parts


def verify_chain(*, workers: int | None = None) -> chain.VerifyResult:
    """Recompute the whole chain from the database; report the first break.

    Reads plain rows (no model objects) in chunks and hashes them with
    ``chain.row_hash``. A long trail outside a transaction on PostgreSQL is split into
    stretches verified in parallel processes (``workers``, default: the CPUs, up to 4),
    each continuing from the stored hash before it; the first break found wins.
    """
    head = ChainHead.objects.filter(id=1).values("seq", "hash").first() or {
        "seq": 0,
        "hash": chain.GENESIS_HASH,
    }
    connection = connections[AuditEvent.objects.db]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4)
    parallel = (
        workers > 1
        and head["seq"] >= PARALLEL_FROM
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )
    if not parallel:
        return _verify_part((0, None, chain.GENESIS_HASH, head))
    parts = _parts(head, workers)
    connections.close_all()  # the children open their own connections
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(_verify_part_in_child, parts)
    checked = 0
    for result in results:
        checked += result.checked
        if not result.ok:
            return chain.VerifyResult(checked, result.broken_seq, result.problem)
    return chain.VerifyResult(checked)
