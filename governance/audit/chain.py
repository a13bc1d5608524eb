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

Signatures and checkpoints. Each event's hash is signed with the deployment's Ed25519
key (the message is ``EVENT_PREFIX`` + the hex hash); each event names its ``key_id``
(the first 16 hex digits of the SHA-256 of the raw public key). A checkpoint is a
signed statement of the chain head: the text ``"ics-governance checkpoint\n<seq>\n<hash>
\n<signed at>"``. Given the published public keys (``--keys keys.json``, from
``/public/audit/keys.json``), this verifier checks every signature, so a rewritten
history needs the private key as well as the database; given checkpoints (lines
``{"type": "checkpoint", ...}`` in the export and/or ``--checkpoints FILE``), it checks
the chain passes through every one and names the checkpoint a rewrite contradicts:

    python3 governance/audit/chain.py audit.jsonl --keys keys.json --checkpoints cp.jsonl

Hash checking needs only the standard library; checking signatures imports the
``cryptography`` package (``pip install cryptography``).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime
import decimal
import hashlib
import json
import sys
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

GENESIS_HASH = "0" * 64
EVENT_PREFIX = b"ics-governance event\n"
CHECKPOINT_PREFIX = "ics-governance checkpoint\n"

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


# The order of a row for ``row_hash``/``verify_rows``: the hashed fields, the hashes, then
# the signature of the hash and the id of the key that made it.
ROW_FIELDS = (*HASHED_FIELDS, "prev_hash", "hash", "signature", "key_id")


def key_id_for(public_raw: bytes) -> str:
    """A public key's id: the first 16 hex digits of SHA-256 of its 32 raw bytes."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def event_message(event_hash: str) -> bytes:
    """What an event's signature signs."""
    return EVENT_PREFIX + event_hash.encode("ascii")


def checkpoint_message(seq: int, head_hash: str, signed_at: str) -> bytes:
    """What a checkpoint's signature signs (``signed_at`` as written in the checkpoint)."""
    return f"{CHECKPOINT_PREFIX}{seq}\n{head_hash}\n{signed_at}".encode()


def load_keys(path) -> dict[str, bytes]:
    """Public keys by id from a published ``keys.json`` (``{"keys": [{"public_key": b64}]}``)."""
    with open(path, encoding="utf-8") as handle:
        return load_keys_document(json.load(handle))


def load_keys_document(document: Mapping) -> dict[str, bytes]:
    """Public keys by id from the parsed ``keys.json``."""
    keys = {}
    for entry in document.get("keys", []):
        raw = base64.b64decode(entry["public_key"], validate=True)
        keys[key_id_for(raw)] = raw
    return keys


class Signatures:
    """Checks Ed25519 signatures against known public keys (imports ``cryptography``)."""

    def __init__(self, keys: Mapping[str, bytes]):
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        self._keys = {kid: Ed25519PublicKey.from_public_bytes(raw) for kid, raw in keys.items()}

    def problem(self, key_id: str, signature: str, message: bytes) -> str:
        """Empty when the signature is good, else what is wrong with it."""
        from cryptography.exceptions import InvalidSignature

        if not signature:
            return "is not signed"
        key = self._keys.get(key_id)
        if key is None:
            return f"is signed with an unknown key {key_id!r}"
        try:
            key.verify(base64.b64decode(signature, validate=True), message)
        except (InvalidSignature, ValueError, binascii.Error):
            return f"has a signature that does not match (key {key_id})"
        return ""


@dataclass
class VerifyResult:
    checked: int
    broken_seq: int | None = None
    problem: str = ""
    signatures_checked: int = 0
    checkpoints_matched: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


@dataclass
class _Walk:
    """State shared by the record and row walkers: signatures and checkpoints."""

    signatures: Signatures | None
    checkpoints: dict[int, list[Mapping]] = field(default_factory=dict)
    signed: int = 0
    matched: int = 0

    @classmethod
    def make(cls, keys, checkpoints) -> _Walk:
        by_seq: dict[int, list[Mapping]] = {}
        for point in checkpoints or ():
            by_seq.setdefault(int(point["seq"]), []).append(point)
        if isinstance(keys, Signatures) or keys is None:
            return cls(keys, by_seq)
        return cls(Signatures(keys), by_seq)

    def event_problem(self, seq: int, event_hash: str, signature, key_id) -> str:
        if self.signatures is not None:
            problem = self.signatures.problem(
                key_id or "", signature or "", event_message(event_hash)
            )
            if problem:
                return f"event {seq} {problem}: it was altered or forged"
            self.signed += 1
        for point in self.checkpoints.get(seq, ()):
            if point["hash"] != event_hash:
                return (
                    f"event {seq} contradicts {describe_checkpoint(point)}: "
                    "the history was rewritten"
                )
            self.matched += 1
        return ""

    def end_problem(self, last_seq: int) -> tuple[int, str] | None:
        beyond = [p for seq, points in self.checkpoints.items() if seq > last_seq for p in points]
        if not beyond:
            return None
        point = min(beyond, key=lambda p: int(p["seq"]))
        return int(point["seq"]), (
            f"the trail ends at event {last_seq} but {describe_checkpoint(point)} "
            "records a later event: events were removed"
        )

    def result(
        self, checked: int, broken_seq: int | None = None, problem: str = ""
    ) -> VerifyResult:
        return VerifyResult(checked, broken_seq, problem, self.signed, self.matched)


def describe_checkpoint(point: Mapping) -> str:
    return f"the checkpoint at event {point['seq']} signed at {point.get('signed_at', '?')}"


def checkpoint_problems(checkpoints: Iterable[Mapping], keys) -> list[tuple[int, str]]:
    """``(seq, problem)`` for each checkpoint whose own signature fails (a forged
    checkpoint proves nothing)."""
    signatures = keys if isinstance(keys, Signatures) else Signatures(keys)
    problems = []
    for point in checkpoints:
        message = checkpoint_message(int(point["seq"]), point["hash"], point["signed_at"])
        problem = signatures.problem(point.get("key_id", ""), point.get("signature", ""), message)
        if problem:
            problems.append((int(point["seq"]), f"{describe_checkpoint(point)} {problem}"))
    return problems


def _head_problem(head, expected_seq: int, prev_hash: str) -> str:
    if head is not None and (head["seq"] != expected_seq - 1 or head["hash"] != prev_hash):
        return (
            f"the trail ends at event {expected_seq - 1} but the chain "
            f"head records event {head['seq']}: events were removed from the end"
        )
    return ""


def verify_records(
    records: Iterable[Mapping],
    head: Mapping | None = None,
    *,
    keys=None,
    checkpoints: Iterable[Mapping] | None = None,
) -> VerifyResult:
    """Walk ``records`` (in stored order) and report the first break in the chain.

    ``head`` (``{"seq": …, "hash": …}``), when given, is the chain head the writer keeps:
    it reveals events removed from the end of the trail. ``keys`` (public keys by id),
    when given, makes every event's signature count; ``checkpoints`` are signed chain
    heads the trail must pass through.
    """
    walk = _Walk.make(keys, checkpoints)
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for record in records:
        seq = record["seq"]
        if seq != expected_seq:
            if seq > expected_seq:
                return walk.result(checked, expected_seq, f"event {expected_seq} is missing")
            return walk.result(checked, seq, f"event {seq} is out of order")
        if record.get("prev_hash") != prev_hash:
            return walk.result(checked, seq, f"event {seq} does not follow event {seq - 1}")
        if compute_hash(prev_hash, record) != record.get("hash"):
            return walk.result(checked, seq, f"event {seq} was altered")
        problem = walk.event_problem(
            seq, record["hash"], record.get("signature"), record.get("key_id")
        )
        if problem:
            return walk.result(checked, seq, problem)
        prev_hash = record["hash"]
        expected_seq += 1
        checked += 1
    return _finish(walk, checked, head, expected_seq, prev_hash)


def _finish(walk: _Walk, checked: int, head, expected_seq: int, prev_hash: str) -> VerifyResult:
    problem = _head_problem(head, expected_seq, prev_hash)
    if problem:
        return walk.result(checked, expected_seq, problem)
    if head is not None:
        beyond = walk.end_problem(expected_seq - 1)
        if beyond:
            return walk.result(checked, *beyond)
    return walk.result(checked)


def verify_rows(
    rows: Iterable[tuple],
    head: Mapping | None = None,
    *,
    prev_hash: str = GENESIS_HASH,
    first_seq: int = 1,
    keys=None,
    checkpoints: Iterable[Mapping] | None = None,
) -> VerifyResult:
    """``verify_records`` over tuples in ``ROW_FIELDS`` order (the fast path).

    ``prev_hash``/``first_seq`` let a caller verify a stretch of the trail that starts
    after the genesis (the hash and number the stretch must continue from).
    """
    walk = _Walk.make(keys, checkpoints)
    check_each = walk.signatures is not None or bool(walk.checkpoints)
    expected_seq = first_seq
    checked = 0
    for row in rows:
        seq = row[0]
        if seq != expected_seq:
            if seq > expected_seq:
                return walk.result(checked, expected_seq, f"event {expected_seq} is missing")
            return walk.result(checked, seq, f"event {seq} is out of order")
        if row[12] != prev_hash:
            return walk.result(checked, seq, f"event {seq} does not follow event {seq - 1}")
        prev_hash = row[13]
        if row_hash(row[12], row) != prev_hash:
            return walk.result(checked, seq, f"event {seq} was altered")
        if check_each:
            problem = walk.event_problem(seq, prev_hash, row[14], row[15])
            if problem:
                return walk.result(checked, seq, problem)
        expected_seq += 1
        checked += 1
    return _finish(walk, checked, head, expected_seq, prev_hash)


def verify_each(records: Iterable[Mapping], keys=None) -> VerifyResult:
    """A filtered export (some events, not the chain): each event's own hash against its
    ``prev_hash`` and fields, its signature when ``keys`` are given (which proves the
    event on its own), and, where two exported events are consecutive, their link."""
    signatures = None
    if keys is not None:
        signatures = keys if isinstance(keys, Signatures) else Signatures(keys)
    checked = signed = 0
    previous = None
    for record in records:
        seq = record["seq"]
        if compute_hash(record.get("prev_hash", ""), record) != record.get("hash"):
            return VerifyResult(checked, seq, f"event {seq} was altered", signed)
        follows = previous is not None and previous["seq"] + 1 == seq
        if follows and record["prev_hash"] != previous["hash"]:
            return VerifyResult(
                checked, seq, f"event {seq} does not follow event {seq - 1}", signed
            )
        if signatures is not None:
            problem = signatures.problem(
                record.get("key_id") or "",
                record.get("signature") or "",
                event_message(record["hash"]),
            )
            if problem:
                return VerifyResult(checked, seq, f"event {seq} {problem}", signed)
            signed += 1
        previous = record
        checked += 1
    return VerifyResult(checked, signatures_checked=signed)


def read_checkpoints(path) -> list[dict]:
    """Checkpoint lines (``{"type": "checkpoint", ...}``) from a JSON-lines file."""
    points = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                item = json.loads(line)
                if item.get("type", "checkpoint") == "checkpoint":
                    points.append(item)
    return points


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="chain.py", description="Verify an audit export.")
    parser.add_argument("export", help="the JSON-lines export (manage.py export_audit)")
    parser.add_argument("--keys", help="the published keys.json: check every signature")
    parser.add_argument(
        "--checkpoints", action="append", default=[], help="JSON lines of published checkpoints"
    )
    args = parser.parse_args(argv[1:])
    head = None
    filtered = None
    records = []
    checkpoints: list[dict] = []
    with open(args.export, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            item = json.loads(line)
            kind = item.get("type")
            if kind == "filtered":
                filtered = item
            elif kind == "head":
                head = item
            elif kind == "checkpoint":
                checkpoints.append(item)
            else:
                records.append(item)
    for path in args.checkpoints:
        checkpoints.extend(read_checkpoints(path))
    if filtered is not None:
        return _main_filtered(records, filtered, args.keys)
    if head is None:
        print("0 events checked")
        print("BROKEN: the export has no chain-head line, so its end cannot be checked")
        return 1
    signatures = Signatures(load_keys(args.keys)) if args.keys else None
    if signatures is not None:
        forged = checkpoint_problems(checkpoints, signatures)
        if forged:
            print(f"BROKEN at sequence {forged[0][0]}: {forged[0][1]}")
            return 1
    rows = (tuple(record.get(name) for name in ROW_FIELDS) for record in records)
    result = verify_rows(rows, head, keys=signatures, checkpoints=checkpoints)
    print(f"{result.checked} events checked")
    if signatures is None:
        print("signatures NOT checked: pass --keys keys.json (the published public keys)")
    else:
        print(f"{result.signatures_checked} signatures checked")
    print(f"{result.checkpoints_matched} of {len(checkpoints)} checkpoints matched")
    if not result.ok:
        print(f"BROKEN at sequence {result.broken_seq}: {result.problem}")
        return 1
    print("chain intact")
    return 0


def _main_filtered(records: list[dict], filtered: Mapping, keys_path) -> int:
    """A filtered export is some events, not the chain: each is checked on its own."""
    print(
        f"filtered export ({canonical_json(filtered.get('filters', {}))}): "
        "each event checked on its own, not the chain"
    )
    signatures = Signatures(load_keys(keys_path)) if keys_path else None
    result = verify_each(records, signatures)
    print(f"{result.checked} events checked")
    if signatures is None:
        print("signatures NOT checked: pass --keys keys.json (the published public keys)")
    else:
        print(f"{result.signatures_checked} signatures checked")
    if not result.ok:
        print(f"BROKEN at sequence {result.broken_seq}: {result.problem}")
        return 1
    print("every event intact")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
