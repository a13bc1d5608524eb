"""The public keys and checkpoints pages, the Atom feed, background verification runs,
and a 100,000-event export verified offline with signatures (PostgreSQL pass)."""

from __future__ import annotations

import base64
import datetime
import json
import re
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from governance.audit import chain, signing
from governance.audit.models import ChainHead, Checkpoint, VerificationRun, VerificationStatus
from governance.audit.selectors import latest_verification
from governance.audit.services import audit_bulk_append, checkpoint_publish, verification_start
from governance.organisations.models import OrganisationKind, Role

CHAIN_PY = Path(__file__).resolve().parents[2] / "governance" / "audit" / "chain.py"
ATOM = "{http://www.w3.org/2005/Atom}"

pytestmark = pytest.mark.django_db


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """``verification_start`` with its job run as the transaction commits (inline)."""

    def run(actor):
        with django_capture_on_commit_callbacks(execute=True):
            started = verification_start(actor=actor)
        started.refresh_from_db()
        return started

    return run


@pytest.fixture
def people(make_org, make_user, icb):
    trust = make_org("Alpha Trust", OrganisationKind.NHS_TRUST, "RA1")
    return {
        "auditor": make_user(trust, Role.AUDITOR),
        "icb_sec": make_user(icb, Role.SECRETARIAT),
        "member": make_user(trust, Role.MEMBER),
        "trust_sec": make_user(trust, Role.SECRETARIAT),
    }


def test_keys_json_publishes_the_public_key_only(client):
    response = client.get("/public/audit/keys.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    key = signing.signing_key()
    assert document["algorithm"] == "Ed25519"
    assert document["keys"] == [
        {
            "key_id": key.key_id,
            "public_key": base64.b64encode(key.public_raw).decode(),
            "current": True,
        }
    ]
    assert "PRIVATE" not in response.content.decode()
    # the same document chain.py --keys reads
    assert list(chain.load_keys_document(document)) == [key.key_id]


def test_checkpoints_page_feed_and_json_lines(client, superuser):
    empty = client.get("/public/checkpoints/")
    assert empty.status_code == 200
    assert "No checkpoints published yet" in empty.content.decode()
    first = checkpoint_publish(actor=superuser)
    second = checkpoint_publish()
    page = client.get("/public/checkpoints/").content.decode()
    for point in (first, second):
        assert point.hash in page and point.signature in page
    assert signing.signing_key().key_id in page
    assert page.index(f"checkpoint-{second.pk}") < page.index(f"checkpoint-{first.pk}")

    feed = client.get("/public/checkpoints.atom")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("application/atom+xml")
    entries = ElementTree.fromstring(feed.content).findall(f"{ATOM}entry")  # noqa: S314
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        f"Checkpoint at event {second.seq}",
        f"Checkpoint at event {first.seq}",
    ]
    assert second.signature in entries[0].find(f"{ATOM}summary").text

    lines = client.get("/public/checkpoints.jsonl").content.decode().splitlines()
    assert [json.loads(line) for line in lines] == [second.as_record(), first.as_record()]


def test_the_public_pages_need_no_sign_in_and_refuse_writes(client):
    for path in ("/public/checkpoints/", "/public/audit/keys.json", "/public/checkpoints.atom"):
        assert client.get(path).status_code == 200
        assert client.post(path).status_code in (200, 405)
    assert not Checkpoint.objects.exists()


def test_verification_start_runs_in_the_background_and_records_the_result(people, start):
    run = start(people["auditor"])
    assert run.status == VerificationStatus.PASSED
    assert run.started_by == people["auditor"]
    # signatures checked: the first event's (a new key) and the last's (stride 256)
    assert (run.events_checked > 2, run.signatures_checked) == (True, 2)
    assert run.finished_at >= run.started_at
    assert run.broken_seq is None and run.problem == ""
    assert latest_verification() == run
    from governance.packs.models import RenderJob

    job = RenderJob.objects.get(kind="audit.verify")
    assert job.params == {"run": run.pk}


def test_verification_start_counts_checkpoints(people, superuser, start):
    checkpoint_publish(actor=superuser)
    checkpoint_publish(actor=superuser)
    run = start(people["icb_sec"])
    assert (run.status, run.checkpoints_matched) == (VerificationStatus.PASSED, 2)


@pytest.mark.parametrize("who", ["member", "trust_sec"])
def test_verification_start_is_for_whole_trail_readers_only(people, who):
    with pytest.raises(PermissionDenied):
        verification_start(actor=people[who])
    assert not VerificationRun.objects.exists()


def test_verify_audit_records_a_run_and_a_broken_trail_is_recorded(people, tamper, start):
    call_command("verify_audit", workers=1, stdout=StringIO())
    assert latest_verification().status == VerificationStatus.PASSED
    tamper("UPDATE audit_auditevent SET reason = 'changed' WHERE seq = 2")
    run = start(people["auditor"])
    assert (run.status, run.broken_seq) == (VerificationStatus.FAILED, 2)
    assert "event 2 was altered" in run.problem
    assert latest_verification() == run


def bulk(n: int):
    start = datetime.datetime(2025, 4, 1, 9, 0, tzinfo=datetime.UTC)
    verbs = ["proposal.submitted", "signoff.approved", "allocation.committed", "risk.reviewed"]
    for i in range(n):
        yield {
            "timestamp": start + datetime.timedelta(seconds=i),
            "actor_id": None,
            "actor": "seed",
            "organisation_id": None,
            "verb": verbs[i % 4],
            "target_type": "decisions.proposal",
            "target_id": str(i),
            "target_label": f"P-2025-{i:06d} Community diagnostics hub, Leeds",
            "changes": {"amount": {"before": None, "after": f"{125000 + i}.00"}},
            "reason": "",
        }


@pytest.mark.postgres
def test_an_export_of_100000_signed_events_verifies_offline_and_fails_after_one_byte(
    tmp_path, superuser
):
    started = time.monotonic()
    assert audit_bulk_append(bulk(100_000)) == 100_000
    appended = time.monotonic() - started
    checkpoint_publish(actor=superuser)
    path = tmp_path / "audit.jsonl"
    started = time.monotonic()
    call_command("export_audit", output=str(path), stderr=StringIO())
    exported = time.monotonic() - started
    keys = tmp_path / "keys.json"
    keys.write_text(signing.keys_json())
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(CHAIN_PY), str(path), "--keys", str(keys)],
        capture_output=True,
        text=True,
    )
    verified = time.monotonic() - started
    print(f"\n100k: bulk append {appended:.1f}s, export {exported:.1f}s, chain.py {verified:.1f}s")
    assert done.returncode == 0, done.stdout
    events = ChainHead.objects.get().seq
    assert events > 100_000  # the bulk, the checkpoint's own event, the fixtures' events
    assert f"{events} events checked\n" in done.stdout
    # signatures: every 256th event, the first, the last and the checkpoint's event
    signed = re.search(r"\n(\d+) signatures checked \(every 256th event", done.stdout)
    assert events // 256 < int(signed.group(1)) <= events // 256 + 3
    assert "1 of 1 checkpoints matched" in done.stdout
    data = bytearray(path.read_bytes())
    where = data.index(b"P-2025-050000")
    data[where + 7] = ord("9")  # one byte of one label
    path.write_bytes(bytes(data))
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(CHAIN_PY), str(path), "--keys", str(keys)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "BROKEN at sequence" in done.stdout
