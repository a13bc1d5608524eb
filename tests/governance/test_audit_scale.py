"""The audit trail at scale: the bulk append for seeding, the fast verifier, and the
one-statement append on PostgreSQL agreeing with the stdlib hash."""

from __future__ import annotations

import datetime
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from governance.audit import chain, selectors
from governance.audit.models import AuditEvent, ChainHead
from governance.audit.selectors import verify_chain
from governance.audit.services import audit_bulk_append, audit_record

CHAIN_PY = Path(__file__).resolve().parents[2] / "governance" / "audit" / "chain.py"
LONDON = datetime.timezone(datetime.timedelta(hours=1))


def awkward_text(rnd: random.Random) -> str:
    """Strings that stress the canonical form: quotes, escapes, control characters,
    non-ASCII, emoji and a lookalike of the ``"seq":`` key."""
    pieces = ['"', "\\", "\n", "\t", "\x01", "é", "€", "😀", "{}", ":", ",", '"seq":0', "a"]
    return "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))


def bulk_records(n: int, *, seed: int = 7):
    rnd = random.Random(seed)
    start = datetime.datetime(2025, 4, 1, 9, 0, tzinfo=LONDON)
    for i in range(n):
        yield {
            "timestamp": start + datetime.timedelta(minutes=i, microseconds=rnd.randint(0, 999)),
            "actor_id": None,
            "actor": "seed",
            "organisation_id": None,
            "verb": rnd.choice(["proposal.submitted", "signoff.approved", "risk.reviewed"]),
            "target_type": "decisions.proposal",
            "target_id": str(1000 + i),
            "target_label": awkward_text(rnd),
            "changes": rnd.choice(
                [{}, {"status": {"before": "draft", "after": "submitted"}, "seq": 0}]
            ),
            "reason": awkward_text(rnd),
        }


def test_row_hash_agrees_with_compute_hash_on_awkward_records():
    rnd = random.Random(3)
    for n in range(1, 500):
        record = {
            "seq": n,
            "timestamp": chain.format_timestamp(datetime.datetime.now(datetime.UTC)),
            "actor_id": rnd.choice([None, 4, 98765]),
            "actor": awkward_text(rnd),
            "organisation_id": rnd.choice([None, 12]),
            "verb": awkward_text(rnd),
            "target_type": awkward_text(rnd),
            "target_id": awkward_text(rnd),
            "target_label": awkward_text(rnd),
            "changes": rnd.choice([{}, {"b": [1, "2.50", None], "a": {awkward_text(rnd): True}}]),
            "reason": awkward_text(rnd),
            "request_id": awkward_text(rnd),
        }
        row = tuple(record[name] for name in chain.ROW_FIELDS[:12])
        assert chain.row_hash("f" * 64, row) == chain.compute_hash("f" * 64, record)


@pytest.mark.django_db
def test_bulk_append_continues_the_chain_and_verifies(superuser, tmp_path):
    with transaction.atomic():
        audit_record(actor=superuser, verb="user.poked", target=superuser)
    before = AuditEvent.objects.count()
    assert audit_bulk_append(bulk_records(120), batch_size=50) == 120
    head = ChainHead.objects.get()
    assert head.seq == before + 120
    assert head.hash == AuditEvent.objects.get(seq=head.seq).hash
    assert head.prev_hash == AuditEvent.objects.get(seq=head.seq - 1).hash
    result = verify_chain()
    assert result.ok, result.problem
    assert result.checked == before + 120
    # An ordinary write after the bulk load carries on from its head.
    with transaction.atomic():
        event = audit_record(actor=superuser, verb="user.poked", target=superuser)
    assert (event.seq, event.prev_hash) == (head.seq + 1, head.hash)
    path = tmp_path / "audit.jsonl"
    call_command("export_audit", output=str(path), stderr=None)
    done = subprocess.run(  # noqa: S603 (our own verifier on our own export)
        [sys.executable, str(CHAIN_PY), str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout
    assert f"{before + 121} events checked" in done.stdout


@pytest.mark.django_db
def test_bulk_append_of_nothing_leaves_the_head(superuser):
    with transaction.atomic():
        audit_record(actor=superuser, verb="user.poked", target=superuser)
    head = ChainHead.objects.values("seq", "hash").get()
    assert audit_bulk_append(iter(())) == 0
    assert ChainHead.objects.values("seq", "hash").get() == head


@pytest.mark.django_db
def test_fast_verifier_finds_an_edit_in_a_bulk_loaded_trail(tamper):
    audit_bulk_append(bulk_records(60), batch_size=25)
    tamper("UPDATE audit_auditevent SET target_label = 'edited' WHERE seq = 37")
    result = verify_chain()
    assert (result.ok, result.broken_seq, result.checked) == (False, 37, 36)
    assert "altered" in result.problem


@pytest.mark.postgres
@pytest.mark.django_db
def test_one_statement_append_hashes_as_the_stdlib_verifier_does(superuser):
    rnd = random.Random(11)
    for _ in range(40):
        with transaction.atomic():
            audit_record(
                actor=superuser,
                verb="user.poked",
                target=superuser,
                changes={"note": awkward_text(rnd), "amount": "1250000.00", "seq": 0},
                reason=awkward_text(rnd),
                target_label=awkward_text(rnd) or "x",
            )
    for event in AuditEvent.objects.order_by("seq"):
        assert chain.compute_hash(event.prev_hash, event.as_record()) == event.hash
    assert verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_verification_reports_the_first_break(flushable_audit_table, monkeypatch):
    monkeypatch.setattr(selectors, "PARALLEL_FROM", 100)
    monkeypatch.setattr(selectors, "CHUNK", 64)
    audit_bulk_append(bulk_records(1000), batch_size=300)
    result = verify_chain(workers=3)
    assert (result.ok, result.checked) == (True, 1000), result.problem
    with transaction.atomic(), connection.cursor() as cursor:  # as an attacker would
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute("UPDATE audit_auditevent SET reason = 'edited' WHERE seq IN (700, 900)")
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    result = verify_chain(workers=3)
    assert (result.ok, result.broken_seq) == (False, 700)
