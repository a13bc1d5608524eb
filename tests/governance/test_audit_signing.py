"""Forgery needs more than the database: signed events, published checkpoints, key
rotation, and the verifiers (``verify_audit`` and the offline ``chain.py``) naming the
first bad event or the checkpoint a rewritten history contradicts.

The attacks of issue 15 run on SQLite (triggers dropped) and on PostgreSQL (as the table
owner, triggers disabled: the same tests under ``DATABASE_URL``), plus the application's
own role appending a correctly hashed event and moving the head (no trigger stops it).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from governance.audit import chain, signing
from governance.audit.models import AuditEvent, ChainHead, Checkpoint
from governance.audit.selectors import verify_chain
from governance.audit.services import audit_record, checkpoint_publish
from governance.organisations.models import OrganisationKind, Role

CHAIN_PY = Path(__file__).resolve().parents[2] / "governance" / "audit" / "chain.py"


def new_key_b64() -> str:
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode()


@pytest.fixture
def fresh_keys(settings):
    """Let a test change the key settings; the cached keys are forgotten either side."""
    signing.reset_cache()
    yield settings
    signing.reset_cache()


@pytest.fixture
def trail(make_org, make_user):
    """Seven signed events; returns the number of the last one."""
    a = make_org("Alpha Trust", OrganisationKind.NHS_TRUST, "RA1")
    b = make_org("Beta Council", OrganisationKind.LOCAL_AUTHORITY, "E08000012")
    make_user(a, Role.SIGNATORY)
    make_user(b, Role.SECRETARIAT)
    make_user(a, Role.MEMBER)
    make_user(b, Role.AUDITOR)
    make_user(a, Role.MEMBER)
    n = ChainHead.objects.get().seq
    assert n == 7
    return n


def rewrite(tamper, from_seq: int, *, label: str, key: signing.SigningKey | None = None) -> None:
    """Change event ``from_seq``'s label, recompute every later hash and the head, as an
    attacker with the database would; with ``key`` also re-sign (a stolen key)."""
    prev = AuditEvent.objects.get(seq=from_seq - 1).hash if from_seq > 1 else chain.GENESIS_HASH
    events = list(AuditEvent.objects.filter(seq__gte=from_seq).order_by("seq"))
    for event in events:
        if event.seq == from_seq:
            event.target_label = label
        event.prev_hash = prev
        event.hash = chain.compute_hash(prev, event.as_record())
        signature = key.sign_hash(event.hash) if key else event.signature
        tamper(
            "UPDATE audit_auditevent SET target_label = %s, prev_hash = %s, hash = %s, "
            "signature = %s WHERE seq = %s",
            [event.target_label, event.prev_hash, event.hash, signature, event.seq],
        )
        prev = event.hash
    last = events[-1]
    tamper(
        "UPDATE audit_chainhead SET seq = %s, hash = %s, prev_hash = %s WHERE id = 1",
        [last.seq, last.hash, last.prev_hash],
    )


def export(tmp_path) -> Path:
    path = tmp_path / "audit.jsonl"
    call_command("export_audit", output=str(path), stderr=StringIO())
    return path


def keys_file(tmp_path) -> Path:
    path = tmp_path / "keys.json"
    path.write_text(signing.keys_json())
    return path


def run_chain_py(*args) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, str(CHAIN_PY), *map(str, args)], capture_output=True, text=True
    )


def verify_command(*args) -> str:
    out = StringIO()
    call_command("verify_audit", *args, workers=1, stdout=out)
    return out.getvalue()


# --- every event is signed -----------------------------------------------------------


def test_every_event_is_signed_with_the_deployment_key(trail):
    key = signing.signing_key()
    for event in AuditEvent.objects.all():
        assert event.key_id == key.key_id
        assert event.signature
        assert not chain.Signatures(signing.public_keys()).problem(
            event.key_id, event.signature, chain.event_message(event.hash)
        )
        assert event.as_record()["signature"] == event.signature
    result = verify_chain(workers=1, stride=1)
    assert result.ok, result.problem
    assert result.signatures_checked == result.checked == trail
    # by default: the first event (a new key) and the last; the count is what was checked
    result = verify_chain(workers=1)
    assert (result.ok, result.checked, result.signatures_checked) == (True, trail, 2)


def test_the_key_id_is_the_start_of_the_public_keys_sha256():
    key = signing.signing_key()
    assert len(key.key_id) == 16
    assert key.key_id == chain.key_id_for(key.public_raw)


def test_the_signing_key_is_never_stored_in_the_database(trail):
    private_pem = (
        signing.signing_key()
        .private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    body = private_pem.splitlines()[1]
    dumped = json.dumps([e.as_record() for e in AuditEvent.objects.all()])
    assert body not in dumped


# --- the three attacks of issue 15 ---------------------------------------------------


def test_attack_a_changed_row_with_recomputed_hashes_and_head_fails_at_that_seq(
    trail, tamper, tmp_path
):
    """(a) with the SQLite triggers dropped (or, on PostgreSQL, as the table owner with
    its triggers disabled): the hashes are consistent again, the signatures are not."""
    rewrite(tamper, 4, label="Someone else entirely")
    result = verify_chain(workers=1)
    assert result.broken_seq == 4
    assert "signature that does not match" in result.problem
    with pytest.raises(CommandError, match="broken at sequence 4"):
        verify_command()
    # offline, with the published public keys alone
    done = run_chain_py(export(tmp_path), "--keys", keys_file(tmp_path))
    assert done.returncode == 1, done.stdout
    assert "BROKEN at sequence 4" in done.stdout
    # without the keys the consistent hashes pass, and chain.py says it did not look
    done = run_chain_py(export(tmp_path))
    assert done.returncode == 0
    assert "signatures NOT checked" in done.stdout


@pytest.mark.postgres
def test_attack_b_table_owner_rewrite_is_caught_on_postgresql(trail, tamper, on_postgres):
    """(b) as the PostgreSQL table owner: ``ALTER TABLE … DISABLE TRIGGER USER``, then
    the same rewrite; the signature of event 3 names it."""
    assert on_postgres
    rewrite(tamper, 3, label="Rewritten by the owner")
    result = verify_chain(workers=1)
    assert (result.broken_seq, result.ok) == (3, False)
    assert "signature that does not match" in result.problem


def test_attack_c_app_role_appends_a_hashed_event_and_moves_the_head(trail, raw_sql):
    """(c) the application's role may INSERT and move the head (no trigger stops it):
    a correctly hashed event without a valid signature is caught at its number."""
    head = ChainHead.objects.get()
    last = AuditEvent.objects.get(seq=head.seq)
    record = {**last.as_record(), "seq": head.seq + 1, "target_label": "Approved £2.4m"}
    forged_hash = chain.compute_hash(head.hash, record)
    raw_sql(
        "INSERT INTO audit_auditevent (seq, timestamp, actor_id, actor_label, "
        "organisation_id, verb, target_type, target_id, target_label, changes, reason, "
        "request_id, prev_hash, hash, signature, key_id) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            head.seq + 1,
            last.timestamp,
            last.actor_id,
            last.actor_label,
            last.organisation_id,
            last.verb,
            last.target_type,
            last.target_id,
            "Approved £2.4m",
            chain.canonical_json(last.changes),
            last.reason,
            last.request_id,
            head.hash,
            forged_hash,
            last.signature,  # a real signature, copied from another event
            last.key_id,
        ],
    )
    raw_sql(
        "UPDATE audit_chainhead SET seq = %s, hash = %s, prev_hash = %s WHERE id = 1",
        [head.seq + 1, forged_hash, head.hash],
    )
    result = verify_chain(workers=1)
    assert result.broken_seq == head.seq + 1
    assert "signature that does not match" in result.problem


def test_an_unsigned_event_is_named(trail, tamper):
    tamper("UPDATE audit_auditevent SET signature = '' WHERE seq = 5")
    result = verify_chain(workers=1)
    assert result.broken_seq == 5
    assert "is not signed" in result.problem


# --- checkpoints ----------------------------------------------------------------------


def test_a_consistent_rewrite_with_the_key_is_caught_by_a_published_checkpoint(
    trail, tamper, superuser, tmp_path
):
    """Even re-signed (the key stolen too), a rewrite contradicts the checkpoint that was
    published before it; both verifiers name that checkpoint."""
    point = checkpoint_publish(actor=superuser)
    outside = tmp_path / "checkpoints.jsonl"
    outside.write_text(chain.canonical_json(point.as_record()) + "\n")
    assert verify_chain(workers=1).checkpoints_matched == 1
    rewrite(tamper, 2, label="A consistent new history", key=signing.signing_key())
    # the database's own copy of the checkpoint is gone too: only the outside copy is left
    tamper("DELETE FROM audit_checkpoint")
    result = verify_chain(workers=1)
    assert result.ok  # hashes and signatures are all consistent now
    with pytest.raises(CommandError) as exc:
        verify_command("--checkpoints", str(outside))
    message = str(exc.value)
    assert f"broken at sequence {point.seq}" in message
    assert f"contradicts the checkpoint at event {point.seq} signed at {point.signed_at_text}" in (
        message
    )
    done = run_chain_py(export(tmp_path), "--keys", keys_file(tmp_path), "--checkpoints", outside)
    assert done.returncode == 1
    assert f"contradicts the checkpoint at event {point.seq}" in done.stdout


def test_a_checkpoint_beyond_the_end_reveals_removed_events(trail, tamper, superuser):
    point = checkpoint_publish(actor=superuser)
    last = AuditEvent.objects.get(seq=point.seq - 1)
    tamper("DELETE FROM audit_auditevent WHERE seq >= %s", [point.seq])
    tamper(
        "UPDATE audit_chainhead SET seq = %s, hash = %s, prev_hash = %s WHERE id = 1",
        [last.seq, last.hash, last.prev_hash],
    )
    result = verify_chain(workers=1)
    assert result.broken_seq == point.seq
    assert "events were removed" in result.problem


def test_a_forged_checkpoint_is_refused(trail, superuser):
    point = checkpoint_publish(actor=superuser)
    forged = {**point.as_record(), "hash": "f" * 64}
    result = verify_chain(workers=1, checkpoints=[forged])
    assert result.broken_seq == point.seq
    assert "signature that does not match" in result.problem


def test_checkpoint_publish_signs_the_head_and_is_audited(trail, superuser):
    head = ChainHead.objects.get()
    point = checkpoint_publish(actor=superuser)
    assert (point.seq, point.hash) == (head.seq, head.hash)
    message = chain.checkpoint_message(point.seq, point.hash, point.signed_at_text)
    assert message.decode().startswith(f"ics-governance checkpoint\n{head.seq}\n{head.hash}\n")
    assert not chain.checkpoint_problems([point.as_record()], signing.public_keys())
    event = AuditEvent.objects.get(seq=head.seq + 1)
    assert (event.verb, event.actor) == ("audit.checkpoint_published", superuser)
    assert point.text() == (
        f"Audit trail checkpoint: event {head.seq}, hash {head.hash}, signed with key "
        f"{point.key_id} at {point.signed_at_text}"
    )


def test_publish_checkpoint_command_and_export_lines(trail, tmp_path):
    out = StringIO()
    call_command("publish_checkpoint", stdout=out)
    assert out.getvalue().startswith(f"Audit trail checkpoint: event {trail},")
    lines = [json.loads(line) for line in export(tmp_path).read_text().splitlines()]
    points = [line for line in lines if line.get("type") == "checkpoint"]
    assert [p["seq"] for p in points] == [trail]
    done = run_chain_py(export(tmp_path), "--keys", keys_file(tmp_path))
    assert done.returncode == 0, done.stdout
    assert "1 of 1 checkpoints matched" in done.stdout


def test_checkpoint_publish_rejects_an_unknown_occasion(trail):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        checkpoint_publish(occasion="whenever")
    assert not Checkpoint.objects.exists()


# --- key rotation ---------------------------------------------------------------------


def test_events_signed_by_a_retired_key_still_verify(trail, fresh_keys, superuser, tmp_path):
    old = signing.signing_key()
    old_public = base64.b64encode(old.public_raw).decode()
    fresh_keys.AUDIT_SIGNING_KEY = new_key_b64()
    signing.reset_cache()
    # rotated without publishing the old key: the old events are "unknown key"
    with transaction.atomic():
        audit_record(actor=superuser, verb="test.rotated", target=superuser)
    result = verify_chain(workers=1)
    assert result.broken_seq == 1
    assert f"unknown key '{old.key_id}'" in result.problem
    # with the retired public key published alongside: every event verifies
    fresh_keys.AUDIT_PUBLIC_KEYS = [old_public]
    signing.reset_cache()
    new_id = signing.signing_key().key_id
    assert new_id != old.key_id
    result = verify_chain(workers=1)
    assert result.ok, result.problem
    assert set(AuditEvent.objects.values_list("key_id", flat=True)) == {old.key_id, new_id}
    document = signing.keys_document()
    assert [(k["key_id"], k["current"]) for k in document["keys"]] == [
        (new_id, True),
        (old.key_id, False),
    ]
    done = run_chain_py(export(tmp_path), "--keys", keys_file(tmp_path))
    assert done.returncode == 0, done.stdout


def test_a_keys_file_adds_retired_keys(trail, fresh_keys, tmp_path):
    published = keys_file(tmp_path)
    fresh_keys.AUDIT_SIGNING_KEY = new_key_b64()
    fresh_keys.AUDIT_PUBLIC_KEYS_FILE = str(published)
    signing.reset_cache()
    assert verify_chain(workers=1).ok


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_bad_key_setting_names_the_variable(fresh_keys, value):
    from django.core.exceptions import ImproperlyConfigured

    fresh_keys.AUDIT_SIGNING_KEY = value
    with pytest.raises(ImproperlyConfigured, match="AUDIT_SIGNING_KEY"):
        signing.signing_key()


def test_a_pem_key_file_is_read(fresh_keys, tmp_path):
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "audit.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    fresh_keys.AUDIT_SIGNING_KEY_FILE = str(path)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert signing.signing_key().key_id == chain.key_id_for(raw)


# --- the deploy check -----------------------------------------------------------------


def test_deploy_check_requires_a_configured_key_with_debug_off(fresh_keys):
    from governance.audit.checks import signing_key_check

    fresh_keys.DEBUG = False
    assert [e.id for e in signing_key_check()] == ["audit.E001"]
    fresh_keys.AUDIT_SIGNING_KEY = new_key_b64()
    assert signing_key_check() == []
    fresh_keys.AUDIT_SIGNING_KEY = "garbage"
    signing.reset_cache()
    assert [e.id for e in signing_key_check()] == ["audit.E002"]


def test_without_a_configured_key_a_dev_key_file_is_generated_once(fresh_keys, tmp_path):
    fresh_keys.AUDIT_DEV_KEY_FILE = tmp_path / "keys" / "dev.pem"
    first = signing.signing_key().key_id
    signing.reset_cache()
    assert signing.signing_key().key_id == first
    assert (tmp_path / "keys" / "dev.pem").stat().st_mode & 0o077 == 0
