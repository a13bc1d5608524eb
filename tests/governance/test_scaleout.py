"""Scale-out rests on PostgreSQL and Celery, nothing home-made: two gunicorn servers and
two Celery workers (separate processes) against one PostgreSQL and one Redis.

Meeting packs are queued and rendered by the workers while every partner's sign-off is
sent to BOTH servers at the same moment. Every result must exist exactly once: one
decision per sign-off (the other server's request refused, never a 500), every proposal
past its join, each pack job started and finished once (its message also delivered
twice), one pack version per meeting and variant, and an intact audit chain.

Needs PostgreSQL (marked ``postgres``) and CELERY_TEST_BROKER_URL (CI starts Redis);
uses loopback ports 8110-8111.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from governance.audit.models import AuditEvent
from governance.signoffs.models import SignOff
from governance.tokens.services import api_token_issue
from tests.decisions.conftest import (  # noqa: F401 - fixtures
    decision_type,
    finance_post,
    fpc,
    ics,
    make_proposal,
    sord_board,
    sord_v1,
)
from tests.meetings.conftest import board, make_meeting, make_pdf, people  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")
PROJECT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PORTS = (8110, 8111)
N_PROPOSALS = 6  # x 3 partners = 18 sign-offs, each sent to both servers
N_MEETINGS = 3  # x 2 variants = 6 pack jobs


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_until_up(port: int, procs: list, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for proc in procs:
            assert proc.poll() is None, f"a process exited early ({proc.args})"
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/health/?format=json", timeout=5
            ) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"gunicorn on {port} did not come up in {seconds} s")


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def cluster(settings, tmp_path, monkeypatch):
    """Two gunicorn servers and two Celery workers on this test's database."""
    if not BROKER:
        pytest.skip("CELERY_TEST_BROKER_URL is not set (CI sets it to a throwaway Redis)")
    if not (BIN / "gunicorn").exists():
        pytest.skip("gunicorn is not installed")
    from governance.celery import app
    from tests.packs.helpers import reset_broker_connections

    media, private = tmp_path / "media", tmp_path / "private"
    settings.MEDIA_ROOT, settings.PACKS_PRIVATE_ROOT = str(media), str(private)
    # Workers and servers check passwords with the default hashers; tokens are used here.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="governance.settings",
        DATABASE_URL=database_url(),
        SECRET_KEY=settings.SECRET_KEY,  # token fingerprints are keyed on it
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        CELERY_BROKER_URL=BROKER,
        CELERY_RESULT_BACKEND="",
        MEDIA_ROOT=str(media),
        PACKS_PRIVATE_ROOT=str(private),
        API_TOKEN_RATE="10000/minute",
        LOG_LEVEL="WARNING",
    )
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")
    keys = ("broker_url", "task_always_eager", "result_backend")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=BROKER, task_always_eager=False, result_backend=None)
    settings.CELERY_BROKER_URL = BROKER
    reset_broker_connections(app)
    app.control.purge()
    logs = tmp_path / "logs"
    logs.mkdir()
    procs: list[subprocess.Popen] = []
    try:
        for n, port in enumerate(PORTS, 1):
            procs.append(
                subprocess.Popen(  # noqa: S603
                    [BIN / "gunicorn", "governance.wsgi:application", "--bind",
                     f"127.0.0.1:{port}", "--workers", "2", "--timeout", "120"],
                    cwd=PROJECT, env=env, stdout=open(logs / f"web{n}.log", "w"),  # noqa: SIM115
                    stderr=subprocess.STDOUT,
                )
            )
        for n in (1, 2):
            procs.append(
                subprocess.Popen(  # noqa: S603
                    [BIN / "celery", "-A", "governance", "worker", "--pool", "solo",
                     "--hostname", f"scaleout{n}@%h", "--without-gossip", "--without-mingle",
                     "--loglevel", "WARNING"],
                    cwd=PROJECT, env=env, stdout=open(logs / f"worker{n}.log", "w"),  # noqa: SIM115
                    stderr=subprocess.STDOUT,
                )
            )
        for port in PORTS:
            wait_until_up(port, procs)
        yield {"app": app, "logs": logs}
    finally:
        stop(procs)
        app.conf.update(saved)
        reset_broker_connections(app)


def decide(port: int, key: str, signoff_id: int) -> tuple[int, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/signoffs/{signoff_id}/decide/",
        data=b'{"outcome": "approve", "comment": "Agreed for our organisation."}',
        headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()[:300]


def queue_meeting_packs(ics, make_meeting) -> list:  # noqa: F811 - the fixtures
    from governance.meetings.services import agenda, packs, papers

    sec = ics["secretariat"]
    jobs = []
    for n in range(N_MEETINGS):
        meeting = make_meeting(days=10 + n)
        item = agenda.item_add(
            actor=sec, meeting=meeting, title=f"Urgent and emergency care recovery {n + 1}",
            purpose="assurance",
        )
        paper = papers.paper_create(actor=sec, item=item)
        papers.paper_update(
            actor=sec, paper=paper, executive_summary="<p>Four-hour performance.</p>",
            body="<p>Ambulance handovers within 45 minutes rose to 78%.</p>" * 30,
        )
        papers.appendix_add(
            actor=sec, paper=paper, title="Dashboard", data=make_pdf(2), filename="uec.pdf"
        )
        papers.paper_approve(actor=sec, paper=paper)
        jobs += packs.packs_generate(actor=sec, meeting=meeting)  # sent to the workers
    return jobs


def test_two_servers_and_two_workers_give_every_result_once(
    cluster, ics, make_proposal, make_meeting  # noqa: F811
):
    from decisions import services as proposals
    from governance.packs.models import JobStatus, RenderJob
    from governance.packs.tasks import run_render_job

    signer_of = {ics[o].pk: ics[f"{o}_sign"] for o in ("trust", "council", "vcse")}
    keys = {user.pk: api_token_issue(actor=user)[1] for user in signer_of.values()}
    created = []
    for n in range(N_PROPOSALS):
        proposal = make_proposal("180000", title=f"Discharge to assess beds, phase {n + 1}")
        proposals.proposal_submit(actor=ics["proposer"], proposal=proposal)
        proposals.proposal_review(actor=ics["secretariat"], proposal=proposal, accept=True)
        created.append(proposal)
    pending = list(SignOff.objects.filter(subject_id__in=[p.pk for p in created], status="pending"))
    assert len(pending) == N_PROPOSALS * 3

    started = time.monotonic()
    jobs = queue_meeting_packs(ics, make_meeting)
    for job in jobs:  # a redelivered message must not run a job twice
        run_render_job.delay(job.pk)

    # every sign-off sent to both servers at the same moment
    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = {
            (s.pk, port): pool.submit(decide, port, keys[signer_of[s.organisation_id].pk], s.pk)
            for s in pending
            for port in PORTS
        }
        codes = {key: future.result() for key, future in futures.items()}
    decided_in = time.monotonic() - started

    # Each sign-off: decided once (the other server refused), or cancelled because the
    # proposal's outcome was already settled by the others (the join stops early).
    final = dict(SignOff.objects.filter(pk__in=[s.pk for s in pending]).values_list("pk", "status"))
    approvals = Counter(
        e.changes["signoff"] for e in AuditEvent.objects.filter(verb="signoff.approved")
    )
    for s in pending:
        pair = sorted(codes[(s.pk, port)] for port in PORTS)
        assert all(code < 500 for code, _ in pair), (s.pk, pair)
        if final[s.pk] == "approved":
            assert pair[0][0] == 200 and 400 <= pair[1][0] < 500, (s.pk, pair)
            assert approvals[s.pk] == 1, s.pk
        else:
            assert final[s.pk] == "cancelled", (s.pk, final[s.pk])
            assert [code for code, _ in pair] == [400, 400] and "cancelled" in pair[0][1]
            assert approvals[s.pk] == 0
    assert sum(approvals.values()) == list(final.values()).count("approved") >= 2 * N_PROPOSALS
    for proposal in created:
        proposal.refresh_from_db()
        assert proposal.status == "ready_for_decision", proposal.status

    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if all(j.is_finished for j in RenderJob.objects.filter(pk__in=[j.pk for j in jobs])):
            break
        time.sleep(0.5)
    finished = list(RenderJob.objects.filter(pk__in=[j.pk for j in jobs]))
    assert all(j.status == JobStatus.DONE for j in finished), [
        (j.pk, j.status, j.message) for j in finished
    ]
    for job in finished:
        for verb in ("job.start", "job.done"):
            assert AuditEvent.objects.filter(verb=verb, target_id=str(job.pk)).count() == 1
    from governance.meetings.models import PackVersion

    versions = list(PackVersion.objects.values_list("meeting_id", "variant", "number"))
    assert len(versions) == len(jobs) == len(set(versions))
    assert {number for _, _, number in versions} == {1}
    call_command("verify_audit")  # one chain, appended to by four processes and this one
    print(f"\n{len(pending)} sign-offs x 2 servers decided in {decided_in:.1f} s; "
          f"{len(jobs)} pack jobs done in {time.monotonic() - started:.1f} s")
    assert settings.CELERY_BROKER_URL == BROKER
