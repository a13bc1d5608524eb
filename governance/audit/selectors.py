"""Read paths for the audit trail, scoped to what the user may see."""

from __future__ import annotations

import multiprocessing
import os

from django.db import connections
from django.db.models import QuerySet

from governance import permissions
from governance.audit import chain, signing
from governance.audit.models import AuditEvent, ChainHead, Checkpoint, VerificationRun


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
    "target_label, {changes}, reason, request_id, prev_hash, hash, signature, key_id"
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


_Part = tuple[int, int | None, str, dict | None, dict, list, int]


def _verify_part(part: _Part) -> chain.VerifyResult:
    start, stop, prev_hash, head, keys, checkpoints, stride = part
    return chain.verify_rows(
        _rows(start, stop),
        head,
        prev_hash=prev_hash,
        first_seq=start + 1,
        keys=keys,
        checkpoints=checkpoints,
        stride=stride,
    )


def _verify_part_in_child(part) -> chain.VerifyResult:
    try:
        return _verify_part(part)
    finally:
        connections.close_all()


def _parts(head: dict, workers: int, keys: dict, checkpoints: list, stride: int) -> list[_Part]:
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
        stop = None if last else bounds[i + 1]
        parts.append((start, stop, prev, head if last else None, keys, checkpoints, stride))
    return parts


def published_checkpoints() -> list[dict]:
    """Every checkpoint the deployment has signed, as export lines, oldest first."""
    return [point.as_record() for point in Checkpoint.objects.order_by("seq", "signed_at")]


def verify_chain(
    *,
    workers: int | None = None,
    checkpoints: list[dict] | None = None,
    stride: int = chain.STRIDE,
) -> chain.VerifyResult:
    """Recompute the whole chain from the database; report the first break.

    Checks each event's hash and link, that it is signed with a known public key
    (``signing.public_keys``), the signature itself at every ``stride``-th event, the
    first and last of each stretch, each key change and each checkpoint's event (a
    good signature vouches for the chain up to it: ``chain.verify_rows``; ``stride=1``
    checks every one), and that the chain passes through every checkpoint: the stored
    ones plus ``checkpoints`` (export lines, e.g. copies kept outside). A checkpoint
    whose own signature fails is reported as such.

    Reads plain rows (no model objects) in chunks and hashes them with
    ``chain.row_hash``. A long trail outside a transaction on PostgreSQL is split into
    stretches verified in parallel processes (``workers``, default: the CPUs, up to 4),
    each continuing from the stored hash before it; the first break found wins.
    """
    keys = signing.public_keys()
    points = published_checkpoints() + list(checkpoints or [])
    forged = chain.checkpoint_problems(points, keys)
    if forged:
        return chain.VerifyResult(0, *forged[0])
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
        return _verify_part((0, None, chain.GENESIS_HASH, head, keys, points, stride))
    parts = _parts(head, workers, keys, points, stride)
    connections.close_all()  # the children open their own connections
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(_verify_part_in_child, parts)
    checked = signed = matched = 0
    for result in results:
        checked += result.checked
        signed += result.signatures_checked
        matched += result.checkpoints_matched
        if not result.ok:
            return chain.VerifyResult(checked, result.broken_seq, result.problem, signed, matched)
    return chain.VerifyResult(checked, None, "", signed, matched)


def latest_verification() -> VerificationRun | None:
    """The newest background verification of the trail (the explorer and the API show it)."""
    return VerificationRun.objects.select_related("started_by").first()


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.first()


def public_checkpoints() -> QuerySet[Checkpoint]:
    """Checkpoints for the public portal and feed (they are public by design)."""
    return Checkpoint.objects.all()
