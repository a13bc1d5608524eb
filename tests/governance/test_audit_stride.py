"""Stride signature verification (``chain.verify_rows(stride=…)``, ``verify_audit``,
``chain.py``): every hash and link is checked, Ed25519 signatures at every k-th event,
the first and last, each key change and each checkpoint's event; a rewritten history is
named exactly where checking every signature would name it.

Most cases walk signed rows built in memory (no database); the last ones go through
``verify_chain``, ``manage.py verify_audit`` and the offline ``chain.py``.
"""

from __future__ import annotations

import base64
import datetime
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from governance.audit import chain, signing
from governance.audit.models import AuditEvent
from governance.audit.selectors import verify_chain
from governance.audit.services import audit_bulk_append
from tests.governance.test_audit_scale import bulk_records

CHAIN_PY = Path(__file__).resolve().parents[2] / "governance" / "audit" / "chain.py"
START = datetime.datetime(2026, 4, 1, 9, 0, tzinfo=datetime.UTC)


class Key:
    def __init__(self):
        self.private = Ed25519PrivateKey.generate()
        self.public_raw = self.private.public_key().public_bytes_raw()
        self.key_id = chain.key_id_for(self.public_raw)

    def sign(self, event_hash: str) -> str:
        return base64.b64encode(self.private.sign(chain.event_message(event_hash))).decode()


def make_rows(n: int, keys: list[Key], *, rotate_at: int | None = None) -> list[tuple]:
    """``n`` signed rows in ``ROW_FIELDS`` order; the second key signs from ``rotate_at``."""
    rows, prev = [], chain.GENESIS_HASH
    for seq in range(1, n + 1):
        key = keys[1] if rotate_at and seq >= rotate_at else keys[0]
        fields = (
            seq,
            chain.format_timestamp(START + datetime.timedelta(minutes=seq)),
            3,
            "a.khan",
            7,
            "signoff.approved",
            "signoffs.signoff",
            str(500 + seq),
            f"Sign-off {seq} on DEC-2026-{seq:04d}",
            {"status": {"before": "pending", "after": "approved"}},
            "",
            "",
        )
        digest = chain.row_hash(prev, fields)
        rows.append((*fields, prev, digest, key.sign(digest), key.key_id))
        prev = digest
    return rows


def rewrite(rows: list[tuple], seq: int, label: str, *, key: Key | None = None) -> list[tuple]:
    """Change event ``seq``'s label and recompute every later hash (re-signing with
    ``key`` when given, else keeping the old signatures), as an attacker would."""
    out = rows[: seq - 1]
    prev = out[-1][13] if out else chain.GENESIS_HASH
    for row in rows[seq - 1 :]:
        fields = row[:12] if row[0] != seq else (*row[:8], label, *row[9:12])
        digest = chain.row_hash(prev, fields)
        out.append((*fields, prev, digest, key.sign(digest) if key else row[14], row[15]))
        prev = digest
    return out


def with_signature(rows: list[tuple], seq: int, signature: str) -> list[tuple]:
    return [(*row[:14], signature, row[15]) if row[0] == seq else row for row in rows]


def head_of(rows: list[tuple]) -> dict:
    return {"seq": rows[-1][0], "hash": rows[-1][13]}


def verify(rows, keys, *, stride, checkpoints=None):
    known = {key.key_id: key.public_raw for key in keys}
    return chain.verify_rows(
        iter(rows), head_of(rows), keys=known, checkpoints=checkpoints, stride=stride
    )


@pytest.fixture(scope="module")
def key():
    return Key()


@pytest.fixture(scope="module")
def rows(key):
    return make_rows(100, [key])


def test_an_intact_trail_checks_every_kth_signature_plus_the_first_and_last(rows, key):
    result = verify(rows, [key], stride=16)
    assert (result.ok, result.checked) == (True, 100)
    # 1 (first: a new key), 16, 32, 48, 64, 80, 96, and 100 (the last)
    assert result.signatures_checked == 8
    full = verify(rows, [key], stride=1)
    assert (full.ok, full.signatures_checked) == (True, 100)


@pytest.mark.parametrize("forged_seq", [2, 37, 47, 48, 49, 99, 100])
def test_a_forged_event_with_later_hashes_recomputed_is_named_exactly(rows, key, forged_seq):
    forged = rewrite(rows, forged_seq, "Approved £2.4m for the wrong provider")
    full = verify(forged, [key], stride=1)
    strided = verify(forged, [key], stride=16)
    assert (strided.broken_seq, strided.problem) == (full.broken_seq, full.problem)
    assert strided.broken_seq == forged_seq
    assert "signature that does not match" in strided.problem
    assert strided.checked == forged_seq - 1
    assert strided.signatures_checked < full.signatures_checked or forged_seq <= 2


def test_a_correctly_hashed_event_appended_at_the_end_is_caught(rows, key):
    """The last event's signature is always checked, whatever the stride."""
    forged = rewrite(rows, 100, "Approved £2.4m")
    result = verify(forged, [key], stride=256)
    assert result.broken_seq == 100
    # 1 (first), 100 (bad), then 2..99 searched one by one for an earlier bad one
    assert result.signatures_checked == 100


def test_an_edited_field_without_recomputed_hashes_is_named_by_the_hash(rows, key):
    edited = [(*r[:8], "edited", *r[9:]) if r[0] == 41 else r for r in rows]
    result = verify(edited, [key], stride=16)
    assert (result.broken_seq, result.problem, result.checked) == (41, "event 41 was altered", 40)


def test_a_bad_signature_at_a_stride_point_is_named(rows, key):
    other = rows[10][14]  # a real signature, of another event
    result = verify(with_signature(rows, 64, other), [key], stride=16)
    assert result.broken_seq == 64
    assert "signature that does not match" in result.problem


def test_a_bad_signature_on_a_vouched_event_is_only_found_checking_every_signature(rows, key):
    """What the stride does not promise: event 37's hash is right and event 48's good
    signature covers it, so the history is intact; its signature field alone is wrong.
    Checking every signature names it."""
    damaged = with_signature(rows, 37, rows[10][14])
    assert verify(damaged, [key], stride=16).ok
    full = verify(damaged, [key], stride=1)
    assert (full.broken_seq, full.ok) == (37, False)


def test_a_bad_signature_before_a_break_in_the_same_stretch_comes_first(rows, key):
    """Before any break, the stretch not yet vouched for is searched, so the answer is
    what checking every signature gives."""
    damaged = with_signature(rows, 35, rows[10][14])
    damaged = [(*r[:8], "edited", *r[9:]) if r[0] == 41 else r for r in damaged]
    full = verify(damaged, [key], stride=1)
    strided = verify(damaged, [key], stride=16)
    assert (strided.broken_seq, strided.problem) == (full.broken_seq, full.problem)
    assert strided.broken_seq == 35


def test_unsigned_events_and_unknown_keys_are_named_at_every_event(rows, key):
    """No cryptography needed for these, so they are checked at each event."""
    result = verify(with_signature(rows, 37, ""), [key], stride=16)
    assert (result.broken_seq, result.problem) == (37, "event 37 is not signed: it was "
                                                   "altered or forged")  # fmt: skip
    stranger = Key()
    foreign = [(*r[:15], stranger.key_id) if r[0] == 53 else r for r in rows]
    result = verify(foreign, [key], stride=16)
    assert result.broken_seq == 53
    assert f"unknown key '{stranger.key_id}'" in result.problem


def test_key_rotation_points_are_checked(key):
    new = Key()
    rows = make_rows(100, [key, new], rotate_at=41)
    result = verify(rows, [key, new], stride=64)
    # 1 (first), 40 and 41 (the old key's last event, the new key's first), 64, 100
    assert (result.ok, result.signatures_checked) == (True, 5)
    # a signature by the wrong key at the rotation is caught though 41 is no stride point
    forged = with_signature(rows, 41, rows[39][14])
    result = verify(forged, [key, new], stride=64)
    assert result.broken_seq == 41


def test_checkpoint_events_are_signature_points(rows, key):
    points = [{"seq": 37, "hash": rows[36][13], "signed_at": "x"}]
    result = verify(rows, [key], stride=64, checkpoints=points)
    # 1, 37 (the checkpoint), 64, 100
    assert (result.ok, result.signatures_checked, result.checkpoints_matched) == (True, 4, 1)
    moved = [{"seq": 37, "hash": rows[35][13], "signed_at": "2026-04-01T10:00:00.000000Z"}]
    result = verify(rows, [key], stride=64, checkpoints=moved)
    assert result.broken_seq == 37
    assert "contradicts the checkpoint at event 37" in result.problem


def test_a_resigned_rewrite_is_still_caught_only_by_a_checkpoint(rows, key):
    """With the key stolen, signatures prove nothing more; the checkpoint does."""
    forged = rewrite(rows, 20, "A consistent new history", key=key)
    assert verify(forged, [key], stride=16).ok
    point = [{"seq": 50, "hash": rows[49][13], "signed_at": "2026-04-01T10:00:00.000000Z"}]
    result = verify(forged, [key], stride=16, checkpoints=point)
    assert result.broken_seq == 50


def test_a_stride_below_one_is_refused(rows, key):
    with pytest.raises(ValueError, match="at least 1"):
        verify(rows, [key], stride=0)


def test_row_text_falls_back_to_the_encoder_for_unusual_values():
    base = chain.ROW_FIELDS[:12]
    record = {
        "seq": 5,
        "timestamp": "2026-04-01T09:00:00.000000Z",
        "actor_id": True,  # JSON true, not 1
        "actor": "x",
        "organisation_id": 1.5,
        "verb": None,
        "target_type": ["a"],
        "target_id": "7",
        "target_label": 'é\x01"',
        "changes": {"b": 1, "a": [None]},
        "reason": "",
        "request_id": "",
    }
    row = tuple(record[name] for name in base)
    assert chain.row_hash("0" * 64, row) == chain.compute_hash("0" * 64, record)
    assert chain.row_text(row) == chain.canonical_json(record)


# --- through the database, the command and the offline verifier ----------------------


@pytest.fixture
def loaded(db):
    assert audit_bulk_append(bulk_records(40), batch_size=16) == 40
    return 40


def test_verify_chain_names_a_forged_event_mid_stride(loaded, tamper):
    event = AuditEvent.objects.get(seq=13)
    tamper("UPDATE audit_auditevent SET target_label = 'forged' WHERE seq = 13")
    prev = AuditEvent.objects.get(seq=12).hash
    for later in AuditEvent.objects.filter(seq__gte=13).order_by("seq"):
        record = later.as_record()
        if later.seq == 13:
            assert record["target_label"] == "forged" != event.target_label
        digest = chain.compute_hash(prev, record)
        tamper(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
            [prev, digest, later.seq],
        )
        prev = digest
    tamper("UPDATE audit_chainhead SET hash = %s WHERE id = 1", [prev])
    result = verify_chain(workers=1, stride=16)
    assert (result.broken_seq, result.checked) == (13, 12)
    assert "signature that does not match" in result.problem
    full = verify_chain(workers=1, stride=1)
    assert (full.broken_seq, full.problem) == (result.broken_seq, result.problem)
    with pytest.raises(CommandError, match="broken at sequence 13"):
        call_command("verify_audit", workers=1, stride=16, stdout=StringIO())


def test_verify_audit_reports_the_signatures_it_checked(loaded, tamper, tmp_path):
    out = StringIO()
    call_command("verify_audit", workers=1, stride=16, stdout=out)
    assert "40 events checked\n4 signatures checked\n" in out.getvalue()  # 1, 16, 32, 40
    out = StringIO()
    call_command("verify_audit", "--every-signature", workers=1, stdout=out)
    assert "40 signatures checked" in out.getvalue()
    with pytest.raises(CommandError, match="at least 1"):
        call_command("verify_audit", workers=1, stride=0, stdout=StringIO())
    # a damaged signature on a vouched event: found by --every-signature only
    other = AuditEvent.objects.get(seq=3).signature
    tamper("UPDATE audit_auditevent SET signature = %s WHERE seq = 21", [other])
    call_command("verify_audit", workers=1, stdout=StringIO())
    with pytest.raises(CommandError, match="broken at sequence 21"):
        call_command("verify_audit", "--every-signature", workers=1, stdout=StringIO())
    # the offline verifier says the same
    export = tmp_path / "audit.jsonl"
    call_command("export_audit", output=str(export), stderr=StringIO())
    keys = tmp_path / "keys.json"
    keys.write_text(signing.keys_json())
    run = [sys.executable, str(CHAIN_PY), str(export), "--keys", str(keys)]
    done = subprocess.run(run, capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == 0, done.stdout
    assert "2 signatures checked (every 256th event and key change)" in done.stdout
    done = subprocess.run([*run, "--every-signature"], capture_output=True, text=True)  # noqa: S603
    assert done.returncode == 1
    assert "BROKEN at sequence 21: event 21 has a signature that does not match" in done.stdout


# --- the offline verifier in parallel stretches ---------------------------------------


def write_export(path: Path, rows: list[tuple]) -> dict:
    names = chain.ROW_FIELDS
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(chain.canonical_json(dict(zip(names, row, strict=True))) + "\n")
        head = {"type": "head", **head_of(rows)}
        handle.write(chain.canonical_json(head) + "\n")
    return head


@pytest.mark.parametrize("workers", [2, 3])
def test_an_export_verified_in_parallel_stretches_agrees_with_one_walk(
    rows, key, tmp_path, monkeypatch, workers
):
    monkeypatch.setattr(chain, "PARALLEL_FROM_BYTES", 0)
    known = {key.key_id: key.public_raw}
    path = tmp_path / "audit.jsonl"
    head = write_export(path, rows)
    result = chain.verify_export(path, head, keys=known, stride=16, workers=workers)
    assert (result.ok, result.checked) == (True, 100)
    # each stretch checks its own first and last signatures as well as every 16th
    assert 8 <= result.signatures_checked <= 8 + 2 * (workers - 1)
    for forged in (rewrite(rows, 61, "Approved £2.4m"), rewrite(rows, 3, "x")):
        head = write_export(path, forged)
        parallel = chain.verify_export(path, head, keys=known, stride=16, workers=workers)
        single = chain.verify_export(path, head, keys=known, stride=16, workers=1)
        assert (parallel.broken_seq, parallel.problem, parallel.checked) == (
            single.broken_seq,
            single.problem,
            single.checked,
        )
        assert not parallel.ok
    # an event removed at a seam: the stretches do not join, one walk names it
    head = write_export(path, [row for row in rows if row[0] != 51])
    result = chain.verify_export(path, head, keys=known, stride=16, workers=2)
    assert (result.broken_seq, result.problem) == (51, "event 51 is missing")
