#!/usr/bin/env python3
"""The audit trail's hash chain: canonical serialisation, hashing and verification.

This module uses only the Python standard library so that an exported trail (JSON
lines, one event per line, as written by ``manage.py export_audit``) can be verified
without the application:

    python3 governance/audit/chain.py audit.jsonl

Each event's ``hash`` is SHA-256 over the previous event's hash (hex) followed by the
canonical serialisation of the event's own fields: JSON with sorted keys, separators
``(",", ":")``, UTF-8, times as ISO-8601 UTC with microseconds, Decimals as strings.
The first event's previous hash is 64 zeros.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import sys
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS_HASH = "0" * 64

# The fields covered by the hash, in the export's vocabulary.
HASHED_FIELDS = (
    "seq",
    "timestamp",
    "actor_id",
    "actor",
    "organisation_id",
    "verb",
    "target_type",
    "target_id",
    "target_label",
    "changes",
    "reason",
    "request_id",
)


def _default(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return format_timestamp(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"Cannot serialise {type(value).__name__} in the audit trail")


def canonical_json(value) -> str:
    """Deterministic JSON text for ``value``."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def format_timestamp(value: datetime.datetime) -> str:
    """ISO-8601 in UTC with microseconds, e.g. ``2026-11-24T07:09:17.000123Z``."""
    if value.tzinfo is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compute_hash(prev_hash: str, record: Mapping) -> str:
    """SHA-256 of ``prev_hash`` + the canonical form of the hashed fields of ``record``."""
    payload = {name: record.get(name) for name in HASHED_FIELDS}
    data = prev_hash.encode("ascii") + canonical_json(payload).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
).encode
_scan = json.JSONDecoder().scan_once  # (obj, end) from the C scanner: no whitespace pass


def _one_encoder():
    """A reusable C encoder with ``canonical_json``'s settings (no circular check: the
    values come from JSON), or None where the C speedups are missing."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    try:
        encoder = make(
            None, _default, json.encoder.encode_basestring, None, ":", ",", True, False, True
        )
        sample = {"b": [1, "é\n", None], "a": {"x": True}}
        if "".join(encoder(sample, 0)) != canonical_json(sample):
            return None
    except TypeError:
        return None
    return encoder


_ENCODER = _one_encoder()


def row_hash(prev_hash: str, row: tuple) -> str:
    """``compute_hash`` for a row of ``ROW_FIELDS`` (timestamp already formatted).

    Encodes the row with one C encoder built once: the same bytes as
    ``canonical_json`` of the record, several times faster. ``changes`` may be a dict
    or its JSON text (as read from the database).
    """
    changes = row[9]
    if type(changes) is str:  # JSON text as the database returns it
        changes = {} if changes == "{}" else _scan(changes, 0)[0]
    record = {
        "seq": row[0],
        "timestamp": row[1],
        "actor_id": row[2],
        "actor": row[3],
        "organisation_id": row[4],
        "verb": row[5],
        "target_type": row[6],
        "target_id": row[7],
        "target_label": row[8],
        "changes": changes,
        "reason": row[10],
        "request_id": row[11],
    }
    text = "".join(_ENCODER(record, 0)) if _ENCODER is not None else _CANONICAL(record)
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


# The order of a row for ``row_hash``/``verify_rows``: the hashed fields, then the hashes.
ROW_FIELDS = (*HASHED_FIELDS, "prev_hash", "hash")


@dataclass
class VerifyResult:
    checked: int
    broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify_records(records: Iterable[Mapping], head: Mapping | None = None) -> VerifyResult:
    """Walk ``records`` (in stored order) and report the first break in the chain.

    ``head`` (``{"seq": …, "hash": …}``), when given, is the chain head the writer keeps:
    it reveals events removed from the end of the trail.
    """
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for record in records:
        seq = record["seq"]
        if seq != expected_seq:
            if seq > expected_seq:
                return VerifyResult(checked, expected_seq, f"event {expected_seq} is missing")
            return VerifyResult(checked, seq, f"event {seq} is out of order")
        if record.get("prev_hash") != prev_hash:
            return VerifyResult(checked, seq, f"event {seq} does not follow event {seq - 1}")
        if compute_hash(prev_hash, record) != record.get("hash"):
            return VerifyResult(checked, seq, f"event {seq} was altered")
        prev_hash = record["hash"]
        expected_seq += 1
        checked += 1
    if head is not None and (head["seq"] != expected_seq - 1 or head["hash"] != prev_hash):
        return VerifyResult(
            checked,
            expected_seq,
            f"the trail ends at event {expected_seq - 1} but the chain "
            f"head records event {head['seq']}: events were removed from the end",
        )
    return VerifyResult(checked)


def verify_rows(
    rows: Iterable[tuple],
    head: Mapping | None = None,
    *,
    prev_hash: str = GENESIS_HASH,
    first_seq: int = 1,
) -> VerifyResult:
    """``verify_records`` over tuples in ``ROW_FIELDS`` order (the fast path).

    ``prev_hash``/``first_seq`` let a caller verify a stretch of the trail that starts
    after the genesis (the hash and number the stretch must continue from).
    """
    expected_seq = first_seq
    checked = 0
    for row in rows:
        seq = row[0]
        if seq != expected_seq:
            if seq > expected_seq:
                return VerifyResult(checked, expected_seq, f"event {expected_seq} is missing")
            return VerifyResult(checked, seq, f"event {seq} is out of order")
        if row[12] != prev_hash:
            return VerifyResult(checked, seq, f"event {seq} does not follow event {seq - 1}")
        prev_hash = row[13]
        if row_hash(row[12], row) != prev_hash:
            return VerifyResult(checked, seq, f"event {seq} was altered")
        expected_seq += 1
        checked += 1
    if head is not None and (head["seq"] != expected_seq - 1 or head["hash"] != prev_hash):
        return VerifyResult(
            checked,
            expected_seq,
            f"the trail ends at event {expected_seq - 1} but the chain "
            f"head records event {head['seq']}: events were removed from the end",
        )
    return VerifyResult(checked)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: chain.py EXPORT.jsonl", file=sys.stderr)
        return 2
    head = None
    records = []
    with open(argv[1], encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            item = json.loads(line)
            if item.get("type") == "head":
                head = item
            else:
                records.append(item)
    if head is None:
        print("0 events checked")
        print("BROKEN: the export has no chain-head line, so its end cannot be checked")
        return 1
    result = verify_records(records, head)
    print(f"{result.checked} events checked")
    if not result.ok:
        print(f"BROKEN at sequence {result.broken_seq}: {result.problem}")
        return 1
    print("chain intact")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
