"""The app's own job runner (no broker): the click returns at once, progress rises, the
result downloads, a failure shows its reason and Retry runs it again, and no job runs
twice when two runners race for it (PostgreSQL)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from governance.audit.models import AuditEvent
from governance.organisations.models import OrganisationKind, Role
from governance.packs import jobs, runner
from governance.packs.models import JobStatus, RenderJob

GATED = "tests.gated"
FLAKY = "tests.flaky"
COUNTED = "tests.counted"
PDF = b"%PDF-1.4\n% a tiny stand-in for a pack\n%%EOF\n"


class Gate:
    """Holds a job at two points until the test lets it go on."""

    def __init__(self):
        self.first = threading.Event()
        self.second = threading.Event()

    def job(self, job, report_progress):
        report_progress(5, "Reading appendices")
        assert self.first.wait(20), "the test never opened the first gate"
        report_progress(40, "Rendered 1 of 2 items")
        assert self.second.wait(20), "the test never opened the second gate"
        report_progress(85, "Merging appendices")
        return jobs.JobResult("gated.pdf", PDF, 1)


class Flaky:
    """Fails the first time with a reason a person can act on, then succeeds."""

    def __init__(self):
        self.calls = 0

    def job(self, job, report_progress):
        self.calls += 1
        if self.calls == 1:
            raise jobs.JobFailed("Item 4's appendix is not a PDF.")
        return jobs.JobResult("flaky.pdf", PDF, 1)


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.runs: dict[int, list[str]] = {}

    def job(self, job, report_progress):
        with self.lock:
            self.runs.setdefault(job.pk, []).append(threading.current_thread().name)
        time.sleep(0.05)
        return jobs.JobResult("counted.pdf", PDF, 1)


@pytest.fixture
def gate():
    g = Gate()
    jobs.register_job(GATED, g.job, label=lambda job: "Members' pack")
    yield g
    g.first.set()
    g.second.set()
    jobs.unregister_job(GATED)


@pytest.fixture
def flaky():
    f = Flaky()
    jobs.register_job(FLAKY, f.job, label=lambda job: "Public pack")
    yield f
    jobs.unregister_job(FLAKY)


@pytest.fixture
def threaded(settings, flushable_audit_table, tmp_path):
    """Jobs go to the runner threads, as in production without a broker."""
    settings.PACK_JOBS_INLINE = False
    settings.CELERY_BROKER_URL = ""
    settings.PACK_JOBS_THREADS = 2
    settings.PACKS_PRIVATE_ROOT = str(tmp_path / "private")
    runner.enable()  # as governance/wsgi.py does in a web process
    yield
    runner.disable()
    runner.stop()
    assert runner.running() == 0


@pytest.fixture
def people(icb, make_org, make_user):
    trust = make_org("Acute Trust", OrganisationKind.NHS_TRUST)
    return {
        "creator": make_user(icb, Role.SECRETARIAT),
        "auditor": make_user(trust, Role.AUDITOR),
        "member": make_user(trust, Role.MEMBER),
    }


def wait_for(job_id, condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = RenderJob.objects.get(pk=job_id)
        if condition(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never got there: {RenderJob.objects.get(pk=job_id)!r}")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_enqueue_returns_before_the_job_runs_and_progress_rises(threaded, gate, people):
    started = time.monotonic()
    job = jobs.job_enqueue(actor=people["creator"], kind=GATED, params={"variant": "members"})
    took = time.monotonic() - started
    assert took < 2.0
    job.refresh_from_db()
    assert job.status in (JobStatus.QUEUED, JobStatus.RUNNING)  # not finished at "response"
    assert runner.running() == 2

    client = client_for(people["creator"])
    status_url = reverse("packs:job-status", args=[job.pk])
    first = wait_for(job.pk, lambda j: j.progress == 5)
    assert first.status == JobStatus.RUNNING and first.message == "Reading appendices"
    page = client.get(reverse("packs:job", args=[job.pk])).content.decode()
    assert "Generating 1 file" in page and "Reading appendices (5%)" in page
    assert client.get(status_url).json()["result_url"] is None

    gate.first.set()
    second = wait_for(job.pk, lambda j: j.progress == 40)
    assert second.message == "Rendered 1 of 2 items"
    body = client.get(status_url).json()
    assert (body["status"], body["progress"], body["label"]) == ("running", 40, "Members' pack")

    gate.second.set()
    done = wait_for(job.pk, lambda j: j.status == JobStatus.DONE)
    assert done.progress == 100
    body = client.get(status_url).json()
    assert body["result_url"] == reverse("packs:job-download", args=[job.pk])
    download = client.get(body["result_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    page = client.get(reverse("packs:job", args=[job.pk])).content.decode()
    assert "1 file ready" in page and "Download Members&#x27; pack (PDF)" in page


def test_failure_shows_the_reason_and_retry_runs_it_again(threaded, flaky, people):
    job = jobs.job_enqueue(actor=people["creator"], kind=FLAKY)
    failed = wait_for(job.pk, lambda j: j.status == JobStatus.FAILED)
    assert failed.message == "Item 4's appendix is not a PDF."

    page_url = reverse("packs:job", args=[job.pk])
    retry_url = reverse("packs:job-retry", args=[job.pk])
    creator = client_for(people["creator"])
    page = creator.get(page_url).content.decode()
    assert "1 file failed" in page
    assert "It failed: Item 4&#x27;s appendix is not a PDF." in page
    assert "Retry Public pack" in page and retry_url in page
    assert creator.get(reverse("packs:job-status", args=[job.pk])).json()["retry_url"] == retry_url

    # the auditor follows the job but may not retry it; others do not even see it
    auditor = client_for(people["auditor"])
    assert "Retry" not in auditor.get(page_url).content.decode()
    assert auditor.post(retry_url).status_code == 403
    assert client_for(people["member"]).post(retry_url).status_code == 404
    assert Client().post(retry_url).status_code == 302  # to the sign-in page
    assert RenderJob.objects.get(pk=job.pk).status == JobStatus.FAILED

    response = creator.post(retry_url, {"next": "https://elsewhere.example/"})
    assert response.status_code == 302 and response["Location"] == page_url
    done = wait_for(job.pk, lambda j: j.status == JobStatus.DONE)
    assert flaky.calls == 2 and done.result_name == "flaky.pdf"
    verbs = list(
        AuditEvent.objects.filter(target_type="packs.renderjob", target_id=str(job.pk))
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs == ["job.enqueue", "job.start", "job.fail", "job.retry", "job.start", "job.done"]

    # a finished job is not retried
    creator.post(retry_url)
    assert RenderJob.objects.get(pk=job.pk).status == JobStatus.DONE
    assert flaky.calls == 2


def test_retry_service_refuses_wrong_people_and_states(
    people, flaky, django_capture_on_commit_callbacks
):
    from django.core.exceptions import PermissionDenied, ValidationError

    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue(actor=people["creator"], kind=FLAKY)
    assert RenderJob.objects.get(pk=job.pk).status == JobStatus.FAILED
    with pytest.raises(PermissionDenied):
        jobs.job_retry(actor=people["auditor"], job_id=job.pk)
    with pytest.raises(PermissionDenied):
        jobs.job_retry(actor=people["member"], job_id=job.pk)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.job_retry(actor=people["creator"], job_id=job.pk)
    assert RenderJob.objects.get(pk=job.pk).status == JobStatus.DONE
    with pytest.raises(ValidationError):
        jobs.job_retry(actor=people["creator"], job_id=job.pk)


def test_outside_a_web_process_jobs_run_inline(
    settings, people, flaky, django_capture_on_commit_callbacks
):
    """A manage.py command (e.g. seed_demo) has no runner: its jobs run after its commit,
    so it never exits with them half done."""
    settings.PACK_JOBS_INLINE = False
    settings.CELERY_BROKER_URL = ""
    assert not runner.enabled()
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue(actor=people["creator"], kind=FLAKY)
    assert RenderJob.objects.get(pk=job.pk).status == JobStatus.FAILED
    assert runner.running() == 0


def test_the_group_sentence():
    from governance.packs.templatetags.job_tags import summary

    assert summary(["queued", "running"]) == "Generating 2 packs"
    assert summary(["done", "running"]) == "Generating 2 packs"
    assert summary(["done", "done"]) == "2 packs ready"
    assert summary(["done"]) == "1 pack ready"
    assert summary(["done", "failed"]) == "1 pack ready, 1 failed"
    assert summary(["failed", "failed"]) == "2 packs failed"


@pytest.mark.postgres
def test_two_runners_never_run_a_job_twice(people, flushable_audit_table, settings):
    """Ten queued jobs, two runners racing from a barrier: each job runs exactly once."""
    assert connection.vendor == "postgresql"
    counter = Counter()
    jobs.register_job(COUNTED, counter.job)
    try:
        settings.PACK_JOBS_INLINE = True  # queue without dispatching: the runners take them
        ids = []
        for _ in range(10):
            job = RenderJob.objects.create(kind=COUNTED, created_by=people["creator"])
            ids.append(job.pk)
        barrier = threading.Barrier(2)
        errors = []

        def run():
            try:
                barrier.wait(5)
                while jobs.job_run_next() is not None:
                    pass
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=run, name=f"runner-{n}") for n in (1, 2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors
        assert sorted(counter.runs) == ids
        assert all(len(names) == 1 for names in counter.runs.values())
        assert set(RenderJob.objects.values_list("status", flat=True)) == {JobStatus.DONE}

        # and a race for one job: exactly one claim wins
        job = RenderJob.objects.create(kind=COUNTED, created_by=people["creator"])
        barrier = threading.Barrier(2)
        claims = []

        def claim():
            try:
                barrier.wait(5)
                claims.append(jobs._claim(job.pk))
            finally:
                connection.close()

        threads = [threading.Thread(target=claim) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sum(1 for c in claims if c is not None) == 1
        assert (
            AuditEvent.objects.filter(
                verb="job.start", target_type="packs.renderjob", target_id=str(job.pk)
            ).count()
            == 1
        )
    finally:
        jobs.unregister_job(COUNTED)
