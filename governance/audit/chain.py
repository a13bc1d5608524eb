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
``/public/audit/keys.json``), this verifier checks that every event is signed with a
known key and checks the Ed25519 signatures at every 256th event (``--stride N``), the
first and last events, each key change and each checkpoint's event; since an event's
hash covers every event before it, a good signature vouches for all of them, so a
rewritten history needs the private key as well as the database (``--every-signature``
checks each one: see ``verify_rows`` for what the stride does not promise); given
checkpoints (lines
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
import itertools
import json
import operator
import os
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


def _row_text_generic(row: tuple) -> str:
    """The canonical text of a row through the (C) JSON encoder: any value types."""
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
    return "".join(_ENCODER(record, 0)) if _ENCODER is not None else _CANONICAL(record)


# The canonical text of the hashed fields with their keys sorted, for rows whose values
# have the usual types (strings, integers or None for the two ids, changes a dict or its
# JSON text). ``_quote`` is the C string encoder ``canonical_json`` uses.
_TEMPLATE = (
    '{"actor":%s,"actor_id":%s,"changes":%s,"organisation_id":%s,"reason":%s,'
    '"request_id":%s,"seq":%d,"target_id":%s,"target_label":%s,"target_type":%s,'
    '"timestamp":%s,"verb":%s}'
)
_quote = json.encoder.encode_basestring
_INT_OR_NONE = (int, type(None))


def row_text(row: tuple) -> str:
    """The canonical serialisation of a row of ``ROW_FIELDS`` (timestamp formatted):
    the same text as ``canonical_json`` of the record's hashed fields.

    The usual row (string fields, integer or empty ids, ``changes`` a dict or its JSON
    text) is filled into a fixed template, keys already in sorted order; anything else
    goes through the JSON encoder.
    """
    seq, actor_id, org_id, changes = row[0], row[2], row[4], row[9]
    if type(seq) is int and type(actor_id) in _INT_OR_NONE and type(org_id) in _INT_OR_NONE:
        if type(changes) is str:
            changes = "{}" if changes == "{}" else _canonical_changes(changes)
        elif type(changes) is dict:
            changes = _encode(changes)
        else:
            return _row_text_generic(row)
        try:
            return _TEMPLATE % (
                _quote(row[3]),
                "null" if actor_id is None else actor_id,
                changes,
                "null" if org_id is None else org_id,
                _quote(row[10]),
                _quote(row[11]),
                seq,
                _quote(row[7]),
                _quote(row[8]),
                _quote(row[6]),
                _quote(row[1]),
                _quote(row[5]),
            )
        except TypeError:  # a string field holding something else
            pass
    return _row_text_generic(row)


def _encode(value) -> str:
    return "".join(_ENCODER(value, 0)) if _ENCODER is not None else _CANONICAL(value)


# Canonical forms of recent ``changes`` texts: most events record the same few status
# transitions ({"status": {"after": …, "before": …}}), so most rows need no JSON work.
_CHANGES_SEEN: dict[str, str] = {}
_CHANGES_SEEN_MAX = 4096


def _canonical_changes(text: str) -> str:
    """The canonical form of ``changes`` given as JSON text (as PostgreSQL returns it)."""
    found = _CHANGES_SEEN.get(text)
    if found is None:
        found = _encode(_scan(text, 0)[0])
        if len(_CHANGES_SEEN) >= _CHANGES_SEEN_MAX:
            _CHANGES_SEEN.clear()
        _CHANGES_SEEN[text] = found
    return found


def row_hash(prev_hash: str, row: tuple) -> str:
    """``compute_hash`` for a row of ``ROW_FIELDS`` (timestamp already formatted):
    the same bytes as ``canonical_json`` of the record, several times faster.
    ``changes`` may be a dict or its JSON text (as read from the database)."""
    return hashlib.sha256((prev_hash + row_text(row)).encode("utf-8")).hexdigest()


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

    def missing(self, key_id: str, signature: str) -> str:
        """What is wrong without any cryptography: no signature, or an unknown key."""
        if not signature:
            return "is not signed"
        if key_id not in self._keys:
            return f"is signed with an unknown key {key_id!r}"
        return ""

    def problem(self, key_id: str, signature: str, message: bytes) -> str:
        """Empty when the signature is good, else what is wrong with it."""
        from cryptography.exceptions import InvalidSignature

        missing = self.missing(key_id, signature)
        if missing:
            return missing
        key = self._keys[key_id]
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


# An export this long is verified in parallel stretches (``verify_export``).
PARALLEL_FROM_BYTES = 64 * 2**20

# Signatures are checked at every ``STRIDE``-th event (seq divisible by it), not at
# each one: see ``verify_rows``.
STRIDE = 256


@dataclass
class _Walk:
    """The signature and checkpoint side of a walk along the chain.

    ``pending`` holds the rows (hashes checked and linked) since the last event whose
    signature was checked and found good; a good signature on a later event vouches
    for all of them, since its hash covers every event before it.
    """

    signatures: Signatures | None
    checkpoints: dict[int, list[Mapping]] = field(default_factory=dict)
    stride: int = STRIDE
    first_seq: int = 1
    signed: int = 0
    matched: int = 0
    pending: list[tuple] = field(default_factory=list)

    @classmethod
    def make(cls, keys, checkpoints, stride: int, first_seq: int) -> _Walk:
        if stride < 1:
            raise ValueError("the signature stride must be at least 1")
        by_seq: dict[int, list[Mapping]] = {}
        for point in checkpoints or ():
            by_seq.setdefault(int(point["seq"]), []).append(point)
        if keys is not None and not isinstance(keys, Signatures):
            keys = Signatures(keys)
        return cls(keys, by_seq, stride, first_seq)

    def _signature_problem(self, row: tuple) -> str:
        self.signed += 1
        problem = self.signatures.problem(row[15] or "", row[14] or "", event_message(row[13]))
        return f"event {row[0]} {problem}: it was altered or forged" if problem else ""

    def first_bad(self, upto: int) -> tuple[int, str] | None:
        """The first pending row before index ``upto`` whose signature fails."""
        for row in self.pending[:upto]:
            problem = self._signature_problem(row)
            if problem:
                return row[0], problem
        return None

    def settle(self, index: int) -> tuple[int, str] | None:
        """Check the signature of ``pending[index]``: good, it vouches for the rows up to
        it (dropped); bad, the first bad signature at or before it is the break."""
        row = self.pending[index]
        problem = self._signature_problem(row)
        if problem:
            broken = self.first_bad(index) or (row[0], problem)
            self.pending.clear()
            return broken
        del self.pending[: index + 1]
        return None

    def checkpoint_problem(self, seq: int, event_hash: str) -> str:
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
        self, broken_seq: int | None = None, problem: str = "", *, walked: int | None = None
    ) -> VerifyResult:
        """The outcome. ``walked``: the events checked intact (by default those before
        ``broken_seq``). A break is preceded by any bad signature among the rows before
        it not yet vouched for (as checking every signature in order would find)."""
        if broken_seq is not None and self.pending:
            earlier = self.first_bad(len(self.pending))
            if earlier and earlier[0] < broken_seq:
                (broken_seq, problem), walked = earlier, None
        self.pending.clear()
        if walked is None:
            walked = broken_seq - self.first_seq
        return VerifyResult(walked, broken_seq, problem, self.signed, self.matched)


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
    stride: int = STRIDE,
) -> VerifyResult:
    """Walk ``records`` (in stored order, the export's vocabulary) and report the first
    break in the chain: ``verify_rows`` over the records' fields.

    ``head`` (``{"seq": …, "hash": …}``), when given, is the chain head the writer keeps:
    it reveals events removed from the end of the trail. ``keys`` (public keys by id),
    when given, makes signatures count; ``checkpoints`` are signed chain heads the trail
    must pass through.
    """
    rows = (tuple(record.get(name) for name in ROW_FIELDS) for record in records)
    return verify_rows(rows, head, keys=keys, checkpoints=checkpoints, stride=stride)


def verify_rows(
    rows: Iterable[tuple],
    head: Mapping | None = None,
    *,
    prev_hash: str = GENESIS_HASH,
    first_seq: int = 1,
    keys=None,
    checkpoints: Iterable[Mapping] | None = None,
    stride: int = STRIDE,
) -> VerifyResult:
    """Walk tuples in ``ROW_FIELDS`` order and report the first break in the chain.

    Every event's number, link (``prev_hash``) and hash are checked, and with ``keys``
    that it is signed with a known key. The Ed25519 signature itself is checked at every
    event whose seq is a multiple of ``stride``, at the first event and wherever the
    ``key_id`` changes (and the event before), at each checkpoint's event and at the last
    event: since an event's hash covers every event before it, a good signature on event
    N vouches for the recomputed, linked events up to N. When a checked signature fails,
    the events since the last good one are checked one by one, so the break named is
    the first bad signature, as checking each one (``stride=1``) would name it. What a
    stride does not promise: a bad signature on an event whose hash is right and is
    vouched for by a later good signature (the history is intact; its signature field
    alone was damaged) is only reported with ``stride=1``.

    ``prev_hash``/``first_seq`` let a caller verify a stretch of the trail that starts
    after the genesis (the hash and number the stretch must continue from).
    """
    walk = _Walk.make(keys, checkpoints, stride, first_seq)
    signatures, points, pending = walk.signatures, walk.checkpoints, walk.pending
    known = signatures._keys if signatures is not None else {}
    last_key = None
    expected_seq = first_seq
    for row in rows:
        seq = row[0]
        if seq != expected_seq:
            if seq > expected_seq:
                return walk.result(expected_seq, f"event {expected_seq} is missing")
            walked = expected_seq - first_seq
            return walk.result(seq, f"event {seq} is out of order", walked=walked)
        if row[12] != prev_hash:
            return walk.result(seq, f"event {seq} does not follow event {seq - 1}")
        prev_hash = row[13]
        if row_hash(row[12], row) != prev_hash:
            return walk.result(seq, f"event {seq} was altered")
        if signatures is not None:
            key_id = row[15]
            if not row[14] or key_id not in known:
                problem = signatures.missing(key_id or "", row[14] or "")
                return walk.result(seq, f"event {seq} {problem}: it was altered or forged")
            pending.append(row)
            if key_id != last_key:
                if len(pending) > 1:
                    broken = walk.settle(len(pending) - 2)  # the old key's last event
                    if broken:
                        return walk.result(*broken)
                broken = walk.settle(len(pending) - 1)
                last_key = key_id
            elif not seq % stride or seq in points:
                broken = walk.settle(len(pending) - 1)
            else:
                broken = None
            if broken:
                return walk.result(*broken)
        if seq in points:
            problem = walk.checkpoint_problem(seq, prev_hash)
            if problem:
                return walk.result(seq, problem)
        expected_seq += 1
    walked = expected_seq - first_seq
    if pending:
        broken = walk.settle(len(pending) - 1)  # the last event is always checked
        if broken:
            return walk.result(*broken)
    problem = _head_problem(head, expected_seq, prev_hash)
    if problem:
        return walk.result(expected_seq, problem)
    if head is not None:
        beyond = walk.end_problem(expected_seq - 1)
        if beyond:
            return walk.result(*beyond, walked=walked)
    return walk.result(walked=walked)


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


def _export_lines(path):
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield line


def _read_export(path) -> tuple[dict | None, dict | None, list[dict]]:
    """First pass over an export: its filtered, head and checkpoint lines (the only lines
    with a ``"type"`` key; an event's text holds ``"type"`` only escaped)."""
    filtered = head = None
    points = []
    for line in _export_lines(path):
        if '"type"' not in line:
            continue
        item = json.loads(line)
        kind = item.get("type")
        if kind == "filtered":
            filtered = item
        elif kind == "head":
            head = item
        elif kind == "checkpoint":
            points.append(item)
    return filtered, head, points


def _export_rows(path, start: int = 0, stop: int | None = None, last: list | None = None):
    """Second pass: the events as ``ROW_FIELDS`` tuples, one line at a time; with
    ``start``/``stop``, those of the lines starting in that byte range. ``last[0]`` is
    kept at the latest row given."""
    get = operator.itemgetter(*ROW_FIELDS[:12])
    loads = json.loads
    with open(path, "rb") as handle:
        if start:
            handle.seek(start - 1)
            handle.readline()  # the rest of the line begun before ``start``
        where = handle.tell()
        for line in handle:
            if stop is not None and where >= stop:
                return
            where += len(line)
            if not line.strip():
                continue
            item = loads(line)
            if "type" in item:
                continue
            try:
                row = get(item)
            except KeyError:
                row = tuple(item.get(name) for name in ROW_FIELDS[:12])
            row = (*row, item.get("prev_hash"), item.get("hash"), item.get("signature"),
                   item.get("key_id"))  # fmt: skip
            if last is not None:
                last[0] = row
            yield row


def _verify_export_part(task) -> tuple[tuple | None, tuple | None, VerifyResult]:
    """A worker: verify the events of one byte range of the export from the stored hash
    before its first event (the previous range ends there). Returns its first and last
    rows and the result."""
    path, start, stop, keys, checkpoints, stride, head = task
    last: list = [None]
    rows = _export_rows(path, start, stop, last)
    first = next(rows, None)
    if first is None:
        return None, None, VerifyResult(0)
    result = verify_rows(
        itertools.chain((first,), rows),
        head,
        prev_hash=first[12],
        first_seq=first[0] if type(first[0]) is int else 1,
        keys=keys,
        checkpoints=checkpoints,
        stride=stride,
    )
    return first, last[0], result


def verify_export(
    path, head, *, keys=None, checkpoints=(), stride: int = STRIDE, workers: int = 1
) -> VerifyResult:
    """``verify_rows`` over an export's events, in ``workers`` processes each verifying a
    stretch of the file. Where two stretches do not join (the seq or hash at the seam)
    or any stretch is broken, the whole file is walked again in one process, so the
    answer is the one a single walk gives."""
    size = os.path.getsize(path)
    if workers > 1 and size >= PARALLEL_FROM_BYTES:
        bounds = [size * i // workers for i in range(workers + 1)]
        tasks = [
            (path, bounds[i], bounds[i + 1], keys, list(checkpoints), stride,
             head if i == workers - 1 else None)
            for i in range(workers)
        ]  # fmt: skip
        import multiprocessing

        with multiprocessing.Pool(workers) as pool:
            parts = pool.map(_verify_export_part, tasks)
        joined, previous, total = True, None, VerifyResult(0)
        for first, last, result in parts:
            if first is None:
                continue
            if previous is not None and (first[0] != previous[0] + 1 or first[12] != previous[13]):
                joined = False
            joined = joined and result.ok
            total.checked += result.checked
            total.signatures_checked += result.signatures_checked
            total.checkpoints_matched += result.checkpoints_matched
            previous = last
        if joined and previous is not None:
            return total
    signatures = Signatures(keys) if keys is not None else None
    return verify_rows(
        _export_rows(path), head, keys=signatures, checkpoints=checkpoints, stride=stride
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="chain.py", description="Verify an audit export.")
    parser.add_argument("export", help="the JSON-lines export (manage.py export_audit)")
    parser.add_argument("--keys", help="the published keys.json: check the signatures")
    parser.add_argument(
        "--checkpoints", action="append", default=[], help="JSON lines of published checkpoints"
    )
    parser.add_argument(
        "--stride",
        type=int,
        default=STRIDE,
        help=f"check the signature of every N-th event (default {STRIDE}), as well as the "
        "first and last, each key change and each checkpoint's event",
    )
    parser.add_argument(
        "--every-signature", action="store_true", help="check every event's signature"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes verifying stretches of an export of 64 MiB or more (default 1)",
    )
    args = parser.parse_args(argv[1:])
    if args.stride < 1:
        parser.error("--stride must be at least 1")
    filtered, head, checkpoints = _read_export(args.export)
    for path in args.checkpoints:
        checkpoints.extend(read_checkpoints(path))
    if filtered is not None:
        records = [json.loads(line) for line in _export_lines(args.export)]
        return _main_filtered([r for r in records if "type" not in r], filtered, args.keys)
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
    stride = 1 if args.every_signature else args.stride
    keys = load_keys(args.keys) if args.keys else None
    workers = max(args.workers, 1)
    result = verify_export(
        args.export, head, keys=keys, checkpoints=checkpoints, stride=stride, workers=workers
    )
    print(f"{result.checked} events checked")
    if signatures is None:
        print("signatures NOT checked: pass --keys keys.json (the published public keys)")
    else:
        every = "every event" if stride == 1 else f"every {stride}th event and key change"
        print(f"{result.signatures_checked} signatures checked ({every})")
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
    # run as a script, this file's folder comes first on the path: its neighbours (the
    # application's selectors.py) must not shadow the standard library's modules
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        sys.path.pop(0)
    sys.exit(main(sys.argv))
