"""Streamed exports of the audit trail (page and API): the whole trail verifies offline,
a filtered one says so and each of its events checks on its own; one changed byte fails."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.audit import chain, exports
from governance.audit.models import AuditEvent
from governance.audit.services import audit_bulk_append
from tests.governance.test_audit_explorer import trail_fixture  # noqa: F401


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _body(response) -> str:
    assert response.streaming, "exports are streamed"
    return b"".join(response.streaming_content).decode("utf-8")


def _jsonl(text: str) -> tuple[list[dict], dict | None, list[dict]]:
    records, head, others = [], None, []
    for line in text.splitlines():
        item = json.loads(line)
        if item.get("type") == "head":
            head = item
        elif "type" in item:
            others.append(item)
        else:
            records.append(item)
    return records, head, others


def _change_one_byte(text: str, needle: str) -> str:
    at = text.index(needle)
    return text[:at] + needle.replace("Pennine", "Pennind", 1) + text[at + len(needle) :]


@pytest.mark.parametrize("url", ["/audit/export.jsonl", "/api/v1/audit/events/export.jsonl"])
def test_the_whole_trail_as_json_lines_verifies_offline_and_fails_after_one_changed_byte(
    trail, tmp_path, url
):
    response = _client(trail["people"]["auditor"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/jsonl")
    assert "audit-trail-" in response["Content-Disposition"]
    assert "filtered" not in response["Content-Disposition"]
    text = _body(response)
    records, head, others = _jsonl(text)
    assert [r["seq"] for r in records] == list(range(1, AuditEvent.objects.count() + 1))
    assert head["seq"] == records[-1]["seq"] and head["hash"] == records[-1]["hash"]
    assert not [o for o in others if o["type"] != "checkpoint"]
    assert all(r["prev_hash"] and r["hash"] for r in records)
    assert chain.verify_records(records, head).ok
    good = tmp_path / "trail.jsonl"
    good.write_text(text, encoding="utf-8")
    assert chain.main(["chain.py", str(good)]) == 0

    bad = tmp_path / "changed.jsonl"
    bad.write_text(_change_one_byte(text, "Director, Pennine Care"), encoding="utf-8")
    assert chain.main(["chain.py", str(bad)]) == 1
    altered = next(r["seq"] for r in records if r["target_label"] == "Director, Pennine Care")
    result = chain.verify_records(_jsonl(bad.read_text(encoding="utf-8"))[0], head)
    assert not result.ok and result.broken_seq == altered


def test_a_filtered_export_says_so_and_each_event_checks_on_its_own(trail):
    north = trail["north"]
    response = _client(trail["people"]["auditor"]).get(
        "/audit/export.jsonl", {"organisation": north.pk, "kind": "area:deputy"}
    )
    assert "-filtered.jsonl" in response["Content-Disposition"]
    text = _body(response)
    first = json.loads(text.splitlines()[0])
    assert first["type"] == "filtered"
    assert first["filters"] == {"organisation": str(north.pk), "kind": "area:deputy"}
    records, head, _ = _jsonl(text)
    assert [(r["verb"], r["target_id"]) for r in records] == [
        ("deputy.appointed", "4"),
        ("deputy.ended", "4"),
    ]
    assert head is not None  # the head it was taken against, for reference
    assert exports.verify_each(records).ok
    assert not chain.verify_records(records, head).ok  # not one chain: it has gaps
    records[1]["reason"] = "Back earlz"
    result = exports.verify_each(records)
    assert not result.ok and result.broken_seq == records[1]["seq"]


def test_the_whole_trail_as_csv_reads_back_exactly_and_verifies(trail):
    # a label a spreadsheet would run as a formula, and one starting with an apostrophe
    audit_bulk_append(
        {
            "timestamp": datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC),
            "actor": "seed",
            "verb": "organisation.updated",
            "target_type": "organisations.organisation",
            "target_id": "1",
            "target_label": label,
            "changes": {"name": {"before": "A", "after": "£1,350,000 — B"}},
        }
        for label in ('=HYPERLINK("http://evil.example")', "'=quoted", "-5")
    )
    response = _client(trail["people"]["icb_sec"]).get("/audit/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = _body(response)
    assert text.startswith("\ufeff")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    lines = text.splitlines(keepends=True)
    header = lines[0].lstrip("\ufeff").strip().split(",")
    assert header[:2] == ["type", "seq"]
    assert {"prev_hash", "hash", "when_uk", "person", "organisation", "what"} <= set(header)
    records, head, filtered = exports.records_from_csv(lines)
    assert not filtered
    labels = [r["target_label"] for r in records[-3:]]
    assert labels == ['=HYPERLINK("http://evil.example")', "'=quoted", "-5"]  # exact values
    assert chain.verify_records(records, head).ok
    changed = "".join(lines).replace("Director, Pennine Care", "Director, Pennind Care", 1)
    records, head, _ = exports.records_from_csv(changed.splitlines(keepends=True))
    assert not chain.verify_records(records, head).ok


def test_a_partner_secretariat_export_is_its_own_and_marked_filtered(trail):
    response = _client(trail["people"]["north_sec"]).get("/audit/export.csv")
    assert response.status_code == 200
    records, _, filtered = exports.records_from_csv(_body(response).splitlines(keepends=True))
    assert filtered and records
    assert {r["organisation_id"] for r in records} == {trail["north"].pk}
    assert exports.verify_each(records).ok


def test_exports_are_refused_to_people_without_a_trail_role(trail):
    member = _client(trail["people"]["north_member"])
    assert member.get("/audit/export.csv").status_code == 403
    assert member.get("/audit/export.jsonl").status_code == 403
    # the API export is for auditors and the ICB secretariat only
    north_sec = _client(trail["people"]["north_sec"])
    assert north_sec.get("/api/v1/audit/events/export.jsonl").status_code == 403
    assert Client().get("/audit/export.csv").status_code == 302  # to sign in


def test_a_bad_filter_sends_the_exporter_back_to_the_form(trail):
    response = _client(trail["people"]["auditor"]).get(
        "/audit/export.csv", {"date_from": "31/02/2026"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/audit/?date_from=")
    api = _client(trail["people"]["auditor"]).get(
        "/api/v1/audit/events/export.csv", {"date_from": "31/02/2026"}
    )
    assert api.status_code == 400 and "date_from" in api.json()["errors"]


def test_exports_read_keyset_chunks_not_offsets(trail, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 7)
    total = AuditEvent.objects.count()
    client = _client(trail["people"]["auditor"])
    with CaptureQueriesContext(connection) as queries:
        text = _body(client.get("/audit/export.jsonl"))
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "audit_auditevent"' in q["sql"]]
    assert len(_jsonl(text)[0]) == total
    assert len(reads) == total // 7 + 1  # one bounded read a chunk
    assert all("LIMIT 7" in sql and "OFFSET" not in sql for sql in reads)


@pytest.mark.slow  # CI runs it once, on the PostgreSQL pass
def test_a_streamed_export_of_100000_events_verifies_offline_and_fails_after_one_changed_byte(
    superuser, tmp_path
):
    """The issue's test: 100,000 events with awkward text (quotes, escapes, control
    characters, emoji), exported through the page, verified by chain.py as a separate
    stdlib-only process; one byte changed in the middle is caught at its event."""
    import subprocess
    import sys

    from tests.governance.test_audit_scale import CHAIN_PY, bulk_records

    audit_bulk_append(bulk_records(100_000))
    total = AuditEvent.objects.count()
    path = tmp_path / "trail.jsonl"
    response = _client(superuser).get("/audit/export.jsonl")
    with path.open("wb") as handle:
        for chunk in response.streaming_content:
            handle.write(chunk)
    run = [sys.executable, str(CHAIN_PY), str(path)]
    ok = subprocess.run(run, capture_output=True, text=True, check=False)  # noqa: S603
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"{total} events checked" in ok.stdout and "chain intact" in ok.stdout

    lines = path.read_bytes().splitlines(keepends=True)
    middle = json.loads(lines[60_000])
    at = lines[60_000].index(b'"target_id":"') + len(b'"target_id":"')
    changed = bytearray(lines[60_000])
    changed[at] = ord("9") if changed[at] != ord("9") else ord("8")  # one digit, one byte
    lines[60_000] = bytes(changed)
    path.write_bytes(b"".join(lines))
    broken = subprocess.run(run, capture_output=True, text=True, check=False)  # noqa: S603
    assert broken.returncode == 1
    assert f"BROKEN at sequence {middle['seq']}" in broken.stdout


def test_chain_py_checks_a_filtered_export_event_by_event_with_signatures(trail, tmp_path, capsys):
    from governance.audit import signing

    response = _client(trail["people"]["auditor"]).get(
        "/audit/export.jsonl", {"organisation": trail["north"].pk}
    )
    text = _body(response)
    keys = tmp_path / "keys.json"
    keys.write_text(signing.keys_json(), encoding="utf-8")
    good = tmp_path / "filtered.jsonl"
    good.write_text(text, encoding="utf-8")
    assert chain.main(["chain.py", str(good), "--keys", str(keys)]) == 0
    out = capsys.readouterr().out
    assert "filtered export" in out and "every event intact" in out
    checked = len(text.splitlines()) - 1 - text.count('"type":"head"')
    assert f"{checked} signatures checked" in out
    # the last event re-hashed after a change passes the hashes but not its signature
    lines = text.splitlines()
    last = max(i for i, line in enumerate(lines) if "type" not in json.loads(line))
    record = json.loads(lines[last])
    record["reason"] = "changed"
    record["hash"] = chain.compute_hash(record["prev_hash"], record)
    lines[last] = json.dumps(record)
    bad = tmp_path / "forged.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert chain.main(["chain.py", str(bad)]) == 0  # hashes alone cannot tell
    assert chain.main(["chain.py", str(bad), "--keys", str(keys)]) == 1
    out = capsys.readouterr().out
    assert f"BROKEN at sequence {record['seq']}" in out and "signature" in out
