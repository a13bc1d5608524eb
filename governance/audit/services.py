"""Writing the audit trail. Every service that changes data calls ``audit_record``."""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from governance import permissions
from governance.audit import batch, chain, selectors, signing
from governance.audit.context import current_request_id
from governance.audit.models import (
    AuditEvent,
    ChainHead,
    Checkpoint,
    CheckpointOccasion,
    VerificationRun,
    VerificationStatus,
)


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


_PG_LOCK = "SELECT seq, hash FROM audit_chainhead WHERE id = 1 FOR UPDATE"
_PG_APPEND = """
WITH moved AS (
    UPDATE audit_chainhead SET prev_hash = hash, seq = %s, hash = %s
    WHERE id = 1
    RETURNING prev_hash
)
INSERT INTO audit_auditevent (seq, timestamp, actor_id, actor_label, organisation_id, verb,
                              target_type, target_id, target_label, changes, reason,
                              request_id, prev_hash, hash, signature, key_id)
SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, moved.prev_hash, %s, %s, %s
FROM moved
RETURNING id
"""


def _number_and_sign(event: AuditEvent, record: dict, head_seq: int, head_hash: str) -> None:
    """Give ``event`` the next number, its hash on the head's, and its signature."""
    event.seq = record["seq"] = head_seq + 1
    event.prev_hash = head_hash
    event.hash = chain.compute_hash(head_hash, record)
    key = signing.signing_key()
    event.signature, event.key_id = key.sign_hash(event.hash), key.key_id


def _append_postgresql(event: AuditEvent, record: dict, changes_text: str) -> bool:
    """Lock the head, number, hash and sign the event, then insert it and move the head
    in one statement.

    The head row is locked from the first statement (the last thing most services do)
    to the end of the transaction; between the two statements only the hash and the
    signature are computed (tens of microseconds). Returns False when there is no head
    row yet.
    """
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        cursor.execute(_PG_LOCK)
        head = cursor.fetchone()
        if head is None:
            return False
        _number_and_sign(event, record, *head)
        cursor.execute(
            _PG_APPEND,
            [
                event.seq,
                event.hash,
                event.seq,
                event.timestamp,
                event.actor_id,
                event.actor_label,
                event.organisation_id,
                event.verb,
                event.target_type,
                event.target_id,
                event.target_label,
                changes_text,
                event.reason,
                event.request_id,
                event.hash,
                event.signature,
                event.key_id,
            ],
        )
        event.id = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = connection.alias
    return True


def _append_portable(event: AuditEvent, record: dict) -> None:
    """Lock the head, hash and sign in Python, insert, move the head (SQLite and the rest)."""
    head = audit_lock()
    _number_and_sign(event, record, head.seq, head.hash)
    event.save(force_insert=True)
    head.prev_hash, head.seq, head.hash = head.hash, event.seq, event.hash
    head.save(update_fields=["prev_hash", "seq", "hash"])


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
    change it records. The chain head row is locked from this call until that
    transaction ends, so call it as late in the service as the change allows (inside
    ``governance.audit.batch.audit_batch()`` the event is queued and appended, in call
    order, at the batch's end: the lock is then held from there). The event's hash is
    signed with the deployment's key (``governance.audit.signing``).
    On PostgreSQL the append is a locked read of the head and one statement inserting
    the event and moving the head; elsewhere a locked read, an insert and an update.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise AuditError("audit_record must be called inside the change's transaction")
    actor = actor if getattr(actor, "is_authenticated", False) else None
    # Store exactly what is hashed: the canonical JSON round-trip of the changes.
    changes_text = chain.canonical_json(changes or {})
    clean_changes = json.loads(changes_text) if changes else {}
    event = AuditEvent(
        seq=0,
        timestamp=timezone.now(),
        actor=actor,
        actor_label=actor.get_username() if actor else "system",
        organisation_id=getattr(organisation, "pk", organisation),
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=(target_label if target_label is not None else str(target))[:300],
        changes=clean_changes,
        reason=reason or "",
        request_id=current_request_id(),
    )
    if organisation is not None and isinstance(organisation, models.Model):
        event.organisation = organisation
    record = event.as_record()
    if batch.defer(event, record, lambda e, r: _append(e, r, changes_text)):
        return event  # appended, in order, at the end of the caller's audit_batch()
    _append(event, record, changes_text)
    return event


def _append(event: AuditEvent, record: dict, changes_text: str | None = None) -> None:
    """Number, hash, sign and write ``event`` (``record`` is its ``as_record()``) at the
    chain's head, in the current transaction; ``changes_text``: its canonical JSON."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        if changes_text is None:
            changes_text = chain.canonical_json(event.changes)
        if not _append_postgresql(event, record, changes_text):
            audit_lock()  # creates the head row
            if not _append_postgresql(event, record, changes_text):
                raise AuditError("the audit chain head is missing")
    else:
        _append_portable(event, record)


def audit_bulk_append(records: Iterable[dict], *, batch_size: int = 5000) -> int:
    """Append many events at once with a valid chain (for loading scale or demo data).

    ``records`` yields dicts in the export's vocabulary, without ``seq`` or hashes:
    ``timestamp`` (aware datetime), ``actor_id`` (or None), ``actor`` (the actor's
    label; "system" when no actor), ``organisation_id`` (or None), ``verb``,
    ``target_type`` (an ``app_label.model`` label), ``target_id``, ``target_label``,
    ``changes`` (a JSON-ready dict), ``reason`` and ``request_id`` (optional, "").

    Runs in one transaction holding the chain head's lock: numbers the events after
    the current head, hashes each on its predecessor (``chain.compute_hash``, so the
    stdlib verifier and ``verify_audit`` accept them), signs each hash with the
    deployment's key, writes them in batches
    (PostgreSQL ``COPY``, elsewhere ``bulk_create``) and moves the head once at the
    end. Returns how many events were appended. Ordinary writes wait while it runs:
    meant for seeding, not for request paths.
    """
    key = signing.signing_key()
    with transaction.atomic():
        head = audit_lock()
        seq, prev_hash = head.seq, head.hash
        connection = transaction.get_connection()
        count = 0
        last_prev = prev_hash
        batch: list[tuple] = []

        def flush() -> None:
            if not batch:
                return
            if connection.vendor == "postgresql":
                _copy_rows(connection, batch)
            else:
                AuditEvent.objects.bulk_create(
                    [AuditEvent(**dict(zip(_COLUMNS, row, strict=True))) for row in batch],
                    batch_size=1000,
                )
            batch.clear()

        for source in records:
            seq += 1
            changes = json.loads(chain.canonical_json(source.get("changes") or {}))
            record = {
                "seq": seq,
                "timestamp": chain.format_timestamp(source["timestamp"]),
                "actor_id": source.get("actor_id"),
                "actor": source.get("actor") or "system",
                "organisation_id": source.get("organisation_id"),
                "verb": source["verb"],
                "target_type": source["target_type"],
                "target_id": str(source["target_id"]),
                "target_label": str(source.get("target_label", ""))[:300],
                "changes": changes,
                "reason": source.get("reason") or "",
                "request_id": source.get("request_id") or "",
            }
            digest = chain.compute_hash(prev_hash, record)
            batch.append(
                (
                    seq,
                    source["timestamp"],
                    record["actor_id"],
                    record["actor"],
                    record["organisation_id"],
                    record["verb"],
                    record["target_type"],
                    record["target_id"],
                    record["target_label"],
                    changes,
                    record["reason"],
                    record["request_id"],
                    prev_hash,
                    digest,
                    key.sign_hash(digest),
                    key.key_id,
                )
            )
            last_prev, prev_hash = prev_hash, digest
            count += 1
            if len(batch) >= batch_size:
                flush()
        flush()
        if count:
            head.prev_hash, head.seq, head.hash = last_prev, seq, prev_hash
            head.save(update_fields=["prev_hash", "seq", "hash"])
    return count


# AuditEvent's columns in ``chain.ROW_FIELDS`` order (the actor's label is "actor" there).
_COLUMNS = tuple("actor_label" if name == "actor" else name for name in chain.ROW_FIELDS)


def _copy_rows(connection, rows: list[tuple]) -> None:
    """Write rows with PostgreSQL COPY (psycopg 3), ``changes`` as JSON text."""
    columns = ", ".join(_COLUMNS)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
            for row in rows:
                row = list(row)
                row[9] = chain.canonical_json(row[9])
                copy.write_row(row)


# --- checkpoints and background verification ------------------------------------------


def checkpoint_publish(*, actor=None, occasion: str = CheckpointOccasion.DAILY) -> Checkpoint:
    """Sign the chain head as it stands now and keep it as a published checkpoint.

    Run daily (``manage.py publish_checkpoint`` from the schedule; ``actor`` None) and
    whenever a board pack is published. The checkpoint signs
    ``chain.checkpoint_message(seq, hash, signed at)`` with the deployment's key; the
    event recording it follows it in the trail.
    """
    if occasion not in CheckpointOccasion.values:
        raise ValidationError({"occasion": f"Unknown occasion {occasion!r}."})
    key = signing.signing_key()
    with transaction.atomic():
        head = ChainHead.objects.filter(id=1).values("seq", "hash").first() or {
            "seq": 0,
            "hash": chain.GENESIS_HASH,
        }
        point = Checkpoint(
            seq=head["seq"],
            hash=head["hash"],
            signed_at=timezone.now(),
            key_id=key.key_id,
            occasion=occasion,
            published_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        point.signature = key.sign(
            chain.checkpoint_message(point.seq, point.hash, point.signed_at_text)
        )
        point.save()
        audit_record(
            actor=actor,
            verb="audit.checkpoint_published",
            target=point,
            changes={"seq": point.seq, "hash": point.hash, "key_id": point.key_id},
            reason=CheckpointOccasion(occasion).label,
        )
    return point


VERIFY_JOB = "audit.verify"


def verification_start(*, actor) -> VerificationRun:
    """Queue a verification of the whole trail as a background job; returns its run.

    For those who read the whole trail (auditors, the ICB secretariat, superusers).
    Starting one is a read of the trail, so it writes no audit event: the run and its
    job row are bookkeeping. The job (``audit.verify``) runs through the jobs registry
    (Celery when configured, else the app's runner).
    """
    from governance.packs.jobs import job_enqueue

    if not permissions.reads_everything(actor):
        raise PermissionDenied("Only auditors and the ICB secretariat verify the trail.")
    with transaction.atomic():
        run = VerificationRun.objects.create(started_at=timezone.now(), started_by=actor)
        job_enqueue(actor=actor, kind=VERIFY_JOB, params={"run": run.pk})
    return run


def verification_perform(
    run: VerificationRun,
    *,
    workers: int | None = None,
    checkpoints: list | None = None,
    stride: int = chain.STRIDE,
) -> VerificationRun:
    """Verify the trail now (signatures, every ``stride``-th and more: see
    ``selectors.verify_chain``, and the stored checkpoints, plus ``checkpoints`` given
    from outside) and record the result on ``run``; ``signatures_checked`` counts the
    signatures actually checked."""
    VerificationRun.objects.filter(pk=run.pk).update(status=VerificationStatus.RUNNING)
    try:
        result = selectors.verify_chain(workers=workers, checkpoints=checkpoints, stride=stride)
    except Exception as exc:
        run.status, run.problem = VerificationStatus.ERROR, f"Verification could not run: {exc}"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "problem", "finished_at"])
        raise
    run.finished_at = timezone.now()
    run.status = VerificationStatus.PASSED if result.ok else VerificationStatus.FAILED
    run.events_checked = result.checked
    run.signatures_checked = result.signatures_checked
    run.checkpoints_matched = result.checkpoints_matched
    run.broken_seq, run.problem = result.broken_seq, result.problem
    run.save()
    return run


def _verify_job(job, report_progress):
    from governance.packs.jobs import JobFailed, JobResult

    run = VerificationRun.objects.filter(pk=(job.params or {}).get("run")).first()
    if run is None:
        raise JobFailed("The verification run no longer exists.")
    report_progress(5, "Verifying the audit trail")
    run = verification_perform(run)
    summary = {
        "status": run.status,
        "events_checked": run.events_checked,
        "signatures_checked": run.signatures_checked,
        "checkpoints_matched": run.checkpoints_matched,
        "broken_seq": run.broken_seq,
        "problem": run.problem,
    }
    return JobResult(
        f"audit-verification-{run.pk}.json", chain.canonical_json(summary).encode(), None
    )


def _may_read_verification(user, job) -> bool:
    return permissions.reads_everything(user)


def register_jobs() -> None:
    """Called from the app's ``ready()``."""
    from governance.packs.jobs import register_job

    register_job(
        VERIFY_JOB,
        _verify_job,
        label=lambda job: "Audit trail verification",
        may_read=_may_read_verification,
    )
