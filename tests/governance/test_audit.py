"""The audit trail: one event per change, same transaction, tamper-evident chain."""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from governance.audit import chain
from governance.audit.models import AuditEvent, ChainHead
from governance.audit.selectors import events_for, verify_chain
from governance.audit.services import AuditError, audit_record
from governance.organisations import services
from governance.organisations.models import Membership, Organisation, OrganisationKind, Role

CHAIN_PY = Path(__file__).resolve().parents[2] / "governance" / "audit" / "chain.py"
START = datetime.date(2020, 1, 1)


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-seq").first()


def broken_at(message: str, seq: int) -> bool:
    return re.search(rf"sequence {seq}\b", message) is not None


def run_verify() -> str:
    """``verify_audit``'s message: raises CommandError on a break."""
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


@pytest.fixture
def trail(make_org, make_user):
    """A small trail of seven events; returns the number of the last one."""
    a = make_org("Alpha Trust", OrganisationKind.NHS_TRUST, "RA1")
    b = make_org("Beta Council", OrganisationKind.LOCAL_AUTHORITY, "E08000012")
    make_org("Gamma PCN", OrganisationKind.PCN, "U12345")
    make_user(a, Role.SIGNATORY)
    make_user(b, Role.SECRETARIAT)
    make_user(a, Role.MEMBER)
    make_user(b, Role.AUDITOR)
    n = AuditEvent.objects.count()
    assert n == 7
    return n


# --- one event per change -------------------------------------------------------------


def test_organisation_create_and_update_write_events(superuser):
    org = services.organisation_create(
        actor=superuser, name=" Alpha Trust ", identifier=" ra1 ", kind="nhs_trust", reason="New"
    )
    created = last_event()
    assert created.verb == "organisation.created"
    assert created.actor == superuser
    assert created.actor_label == "root"
    assert created.organisation == org
    assert (created.target_type, created.target_id) == ("organisations.organisation", str(org.pk))
    assert created.reason == "New"
    assert created.changes == {
        "name": {"before": None, "after": "Alpha Trust"},
        "identifier": {"before": None, "after": "RA1"},
        "kind": {"before": None, "after": "nhs_trust"},
        "is_active": {"before": None, "after": True},
    }

    services.organisation_update(
        actor=superuser, organisation=org, name="Alpha NHS Trust", reason="Renamed"
    )
    updated = last_event()
    assert updated.seq == created.seq + 1
    assert updated.verb == "organisation.updated"
    assert updated.changes == {"name": {"before": "Alpha Trust", "after": "Alpha NHS Trust"}}
    assert updated.prev_hash == created.hash
    assert list(events_for(org).values_list("verb", flat=True)) == [
        "organisation.created",
        "organisation.updated",
    ]
    # A no-op update records nothing.
    services.organisation_update(actor=superuser, organisation=org, name="Alpha NHS Trust")
    assert last_event() == updated


def test_membership_lifecycle_events(superuser, make_org, make_user):
    org = make_org("Alpha Trust")
    user = make_user()
    m = services.membership_create(
        actor=superuser, user=user, organisation=org, role=Role.SIGNATORY, start_date=START
    )
    ev = last_event()
    assert (ev.verb, ev.organisation, ev.actor) == ("membership.created", org, superuser)
    assert ev.target_type == "organisations.membership"
    assert ev.changes["role"] == {"before": None, "after": "signatory"}
    assert ev.changes["user"] == {"before": None, "after": user.pk}
    assert ev.changes["start_date"] == {"before": None, "after": "2020-01-01"}

    services.membership_update(actor=superuser, membership=m, role=Role.MEMBER, reason="Moved")
    ev = last_event()
    assert ev.verb == "membership.updated"
    assert ev.changes == {"role": {"before": "signatory", "after": "member"}}
    assert ev.reason == "Moved"

    services.membership_end(actor=superuser, membership=m, end_date=datetime.date(2024, 5, 1))
    ev = last_event()
    assert ev.verb == "membership.ended"
    assert ev.changes == {"end_date": {"before": None, "after": "2024-05-01"}}


# --- same transaction -----------------------------------------------------------------


class Boom(Exception):
    pass


def test_failure_after_audit_rolls_back_change_and_event(superuser, make_org):
    make_org("Existing Trust")
    events, head = AuditEvent.objects.count(), ChainHead.objects.get().seq
    with pytest.raises(Boom), transaction.atomic():
        services.organisation_create(
            actor=superuser, name="Doomed Trust", identifier="RD1", kind="nhs_trust"
        )
        assert AuditEvent.objects.count() == events + 1
        raise Boom
    assert not Organisation.objects.filter(name="Doomed Trust").exists()
    assert AuditEvent.objects.count() == events
    assert ChainHead.objects.get().seq == head
    # The next event continues the chain without a gap.
    make_org("Next Trust")
    assert last_event().seq == head + 1
    assert verify_chain().ok


def test_failure_to_audit_rolls_back_the_change(superuser, make_org, monkeypatch):
    make_org("Existing Trust")
    orgs, events = Organisation.objects.count(), AuditEvent.objects.count()

    def broken(**kwargs):
        raise AuditError("disk full")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(AuditError):
        services.organisation_create(
            actor=superuser, name="Unaudited Trust", identifier="RU1", kind="nhs_trust"
        )
    assert (Organisation.objects.count(), AuditEvent.objects.count()) == (orgs, events)


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_is_refused(superuser, flushable_audit_table):
    with pytest.raises(AuditError, match="inside"):
        audit_record(actor=superuser, verb="user.poked", target=superuser)
    assert AuditEvent.objects.count() == 0
    with transaction.atomic():
        event = audit_record(actor=superuser, verb="user.poked", target=superuser)
    assert (event.seq, event.prev_hash) == (1, chain.GENESIS_HASH)
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", [1, 2])  # the second runs after the first one's flush
def test_triggers_live_in_transactional_tests(superuser, flushable_audit_table, attempt):
    with transaction.atomic():
        audit_record(actor=superuser, verb="user.poked", target=superuser)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(reason="edited")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().reason == ""


# --- verify_audit -----------------------------------------------------------------------


def test_verify_audit_passes_on_clean_chain(trail):
    out = run_verify()
    assert f"{trail} events checked" in out
    assert "intact" in out


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("reason", "Nothing to see here"),
        ("changes", '{"name": {"before": null, "after": "Evil Trust"}}'),
        ("verb", "organisation.deleted"),
        ("target_label", "Someone else"),
        ("actor_label", "mallory"),
        ("request_id", "forged"),
        ("hash", "f" * 64),
        ("prev_hash", "e" * 64),
    ],
)
def test_verify_audit_detects_edited_row(trail, tamper, column, value):
    assert tamper(f"UPDATE audit_auditevent SET {column} = %s WHERE seq = 4", [value]) == 1  # noqa: S608
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert broken_at(str(exc.value), 4), str(exc.value)


def test_verify_audit_detects_edited_timestamp(trail, tamper):
    ev = AuditEvent.objects.get(seq=3)
    stamp = ev.timestamp - datetime.timedelta(days=1)
    tamper("UPDATE audit_auditevent SET timestamp = %s WHERE seq = 3", [stamp])
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert broken_at(str(exc.value), 3)


def test_verify_audit_detects_deleted_row(trail, tamper):
    assert tamper("DELETE FROM audit_auditevent WHERE seq = 3") == 1
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert broken_at(str(exc.value), 3)
    assert "missing" in str(exc.value)


def test_verify_audit_detects_reordered_rows(trail, tamper):
    tamper("UPDATE audit_auditevent SET seq = 1000 WHERE seq = 3")
    tamper("UPDATE audit_auditevent SET seq = 3 WHERE seq = 4")
    tamper("UPDATE audit_auditevent SET seq = 4 WHERE seq = 1000")
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert broken_at(str(exc.value), 3)


def test_verify_audit_detects_tail_truncation(trail, tamper):
    assert tamper("DELETE FROM audit_auditevent WHERE seq = %s", [trail]) == 1
    # What is left is a perfectly consistent chain; only the head reveals the loss.
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert broken_at(str(exc.value), trail)
    assert "removed from the end" in str(exc.value)


def test_verify_audit_detects_rewritten_head(trail, raw_sql):
    raw_sql("UPDATE audit_chainhead SET seq = seq + 1")
    with pytest.raises(CommandError) as exc:
        run_verify()
    assert broken_at(str(exc.value), trail + 1)


# --- append-only at the database ------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'edited' WHERE seq = 2",
        "UPDATE audit_auditevent SET seq = seq + 100",
        "DELETE FROM audit_auditevent WHERE seq = 2",
        "DELETE FROM audit_auditevent",
    ],
)
def test_trigger_rejects_update_and_delete(trail, raw_sql, sql):
    before = list(AuditEvent.objects.values_list("seq", "reason", "hash"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw_sql(sql)
    assert list(AuditEvent.objects.values_list("seq", "reason", "hash")) == before


def test_trigger_rejects_orm_update_and_delete(trail):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(reason="edited")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.get(seq=1).delete()
    assert AuditEvent.objects.count() == trail
    assert verify_chain().ok


# --- export, verified with the standard library only ------------------------------------


def verify_export(path: Path) -> subprocess.CompletedProcess:
    # -I -S: isolated, no site-packages: the verifier must not need the application.
    return subprocess.run(  # noqa: S603
        [sys.executable, "-I", "-S", str(CHAIN_PY), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=path.parent,
    )


@pytest.fixture
def export(trail, tmp_path) -> Path:
    path = tmp_path / "audit.jsonl"
    call_command("export_audit", output=str(path), stderr=None)
    return path


def test_export_verifies_with_stdlib_only(export, trail):
    lines = export.read_text(encoding="utf-8").splitlines()
    assert len(lines) == trail + 1
    assert json.loads(lines[-1]) == {
        "type": "head",
        "seq": trail,
        "hash": AuditEvent.objects.get(seq=trail).hash,
    }
    result = verify_export(export)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{trail} events checked" in result.stdout
    assert "chain intact" in result.stdout


def test_export_detects_one_edited_line(export):
    lines = export.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[4])
    assert record["seq"] == 5
    record["reason"] = "Edited after export"
    lines[4] = chain.canonical_json(record)
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = verify_export(export)
    assert result.returncode == 1
    assert "BROKEN at sequence 5" in result.stdout


def test_export_detects_dropped_last_event(export, trail):
    lines = export.read_text(encoding="utf-8").splitlines()
    del lines[-2]  # the last event, keeping the head line
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = verify_export(export)
    assert result.returncode == 1
    assert f"BROKEN at sequence {trail}" in result.stdout


def test_export_without_head_line_is_rejected(export):
    lines = export.read_text(encoding="utf-8").splitlines()
    export.write_text("\n".join(lines[:-2]) + "\n", encoding="utf-8")
    assert verify_export(export).returncode != 0


def test_export_to_stdout_matches_file(export, capsys):
    call_command("export_audit")
    assert capsys.readouterr().out == export.read_text(encoding="utf-8")


# --- request id ---------------------------------------------------------------------------
# Through the Manage area's "add a person" page (the admin is read-only).


@pytest.fixture
def admin_add_membership(client, superuser, make_org):
    org = make_org("Request Trust")
    client.force_login(superuser)
    url = f"/manage/organisations/{org.pk}/people/add/"
    counter = {"n": 0}

    def post(**headers):
        counter["n"] += 1
        data = {
            "first_name": "Pat",
            "last_name": f"Clerk{counter['n']}",
            "email": f"pat.clerk{counter['n']}@example.org",
            "role": "member",
            "job_title": "Clerk",
            "start_date": "2020-01-01",
            "end_date": "",
            "reason": "Changed in the app",
        }
        return client.post(url, data, headers=headers)

    return post


def test_request_id_reaches_events_written_during_the_request(admin_add_membership, superuser):
    response = admin_add_membership(**{"X-Request-ID": "req-42.abc_X"})
    assert response.status_code == 302, response.content[:2000]
    assert response["X-Request-ID"] == "req-42.abc_X"
    event = last_event()
    assert event.verb == "membership.created"
    assert event.request_id == "req-42.abc_X"
    assert event.reason == "Changed in the app"
    assert event.actor == superuser
    assert verify_chain().ok


@pytest.mark.parametrize("bad", ["has space", "x" * 65, "semi;colon", "<script>"])
def test_malformed_request_id_is_replaced(admin_add_membership, bad):
    response = admin_add_membership(**{"X-Request-ID": bad})
    assert response.status_code == 302
    event = last_event()
    assert event.verb == "membership.created"
    assert re.fullmatch(r"[0-9a-f]{32}", event.request_id)
    assert response["X-Request-ID"] == event.request_id


def test_request_id_is_generated_and_does_not_leak_out_of_the_request(
    admin_add_membership, superuser
):
    first = admin_add_membership()["X-Request-ID"]
    assert last_event().request_id == first
    second = admin_add_membership()["X-Request-ID"]
    assert last_event().request_id == second != first
    services.organisation_create(actor=superuser, name="Later", identifier="RL1", kind="nhs_trust")
    assert last_event().request_id == ""
    assert Membership.objects.count() == 2
