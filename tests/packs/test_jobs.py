"""Background jobs: the in-process path, failures, permissions on status and download."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from governance.audit.models import AuditEvent
from governance.organisations.models import OrganisationKind, Role
from governance.packs import jobs
from governance.packs.models import JobStatus, RenderJob
from tests.packs import helpers, jobkinds

pytestmark = pytest.mark.urls("tests.packs.urls")


@pytest.fixture(autouse=True)
def kinds():
    jobs.register_job(jobkinds.PACK_KIND, jobkinds.build_pack)
    jobs.register_job(jobkinds.FAILING_KIND, jobkinds.failing)
    jobs.register_job(jobkinds.CRASHING_KIND, jobkinds.crashing)
    jobs.register_job(jobkinds.BAD_APPENDIX_KIND, jobkinds.bad_appendix)
    yield
    for kind in (
        jobkinds.PACK_KIND,
        jobkinds.FAILING_KIND,
        jobkinds.CRASHING_KIND,
        jobkinds.BAD_APPENDIX_KIND,
    ):
        jobs.unregister_job(kind)


@pytest.fixture
def people(icb, make_org, make_user):
    trust = make_org("Acute Trust", OrganisationKind.NHS_TRUST)
    return {
        "creator": make_user(trust, Role.MEMBER),
        "secretariat": make_user(icb, Role.SECRETARIAT),
        "auditor": make_user(trust, Role.AUDITOR),
        "other": make_user(trust, Role.SIGNATORY),
        "trust_secretariat": make_user(trust, Role.SECRETARIAT),
        "lapsed": make_user(icb, Role.SECRETARIAT, end_date=datetime.date(2021, 1, 1)),
    }


def enqueue(django_capture_on_commit_callbacks, actor, kind, params=None):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue(actor=actor, kind=kind, params=params or {})
    job.refresh_from_db()
    return job


def test_in_process_job_renders_the_pack(people, django_capture_on_commit_callbacks, settings):
    settings.CELERY_BROKER_URL = ""
    job = enqueue(
        django_capture_on_commit_callbacks,
        people["creator"],
        jobkinds.PACK_KIND,
        {"variant": "members", "items": 6},
    )
    assert job.status == JobStatus.DONE
    assert job.progress == 100
    assert job.started_at and job.finished_at and job.duration_ms is not None
    assert job.result_name == "test-pack-members.pdf"
    pdf = job.result.read()
    job.result.close()
    assert pdf.startswith(b"%PDF-")
    assert len(helpers.reader(pdf).pages) == job.result_pages
    assert job.result_bytes == len(pdf)
    assert job.result_meta["item_pages"]["1"] == 3
    verbs = list(
        AuditEvent.objects.filter(target_type="packs.renderjob", target_id=str(job.pk))
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs == ["job.enqueue", "job.start", "job.done"]


def test_nothing_runs_before_commit(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.job_enqueue(actor=people["creator"], kind=jobkinds.FAILING_KIND, params={})
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and len(callbacks) == 1


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (jobkinds.FAILING_KIND, "The meeting has no agenda yet."),
        (jobkinds.CRASHING_KIND, "RuntimeError: disk on fire"),
        (jobkinds.BAD_APPENDIX_KIND, "Item 1, appendix A (Plan) is not a readable PDF"),
    ],
)
def test_failures_are_recorded_with_a_message(
    people, django_capture_on_commit_callbacks, kind, message
):
    job = enqueue(django_capture_on_commit_callbacks, people["creator"], kind)
    assert job.status == JobStatus.FAILED
    assert message in job.message
    assert job.finished_at is not None and not job.result
    assert AuditEvent.objects.filter(target_id=str(job.pk), verb="job.fail").exists()


def test_bad_requests_write_nothing(people):
    with pytest.raises(ValidationError) as unknown:
        jobs.job_enqueue(actor=people["creator"], kind="no.such.kind", params={})
    assert "kind" in unknown.value.message_dict
    with pytest.raises(ValidationError) as bad_params:
        jobs.job_enqueue(
            actor=people["creator"],
            kind=jobkinds.PACK_KIND,
            params={"when": datetime.date(2026, 1, 1)},
        )
    assert "params" in bad_params.value.message_dict
    with pytest.raises(ValidationError):
        jobs.job_enqueue(actor=people["creator"], kind=jobkinds.PACK_KIND, params=["x"])
    assert RenderJob.objects.count() == 0


def test_a_job_runs_only_once(people, django_capture_on_commit_callbacks):
    job = enqueue(django_capture_on_commit_callbacks, people["creator"], jobkinds.FAILING_KIND)
    assert jobs.job_run(job.pk) is None
    assert jobs.job_run(987654) is None
    assert AuditEvent.objects.filter(target_id=str(job.pk), verb="job.start").count() == 1


def test_registry_refuses_a_second_function_for_a_kind():
    jobs.register_job(jobkinds.PACK_KIND, jobkinds.build_pack)  # same again: fine
    with pytest.raises(ValueError, match="already registered"):
        jobs.register_job(jobkinds.PACK_KIND, jobkinds.failing)
    assert jobkinds.PACK_KIND in jobs.registered_kinds()


def test_unreachable_broker_fails_the_job(people, django_capture_on_commit_callbacks, settings):
    from governance.celery import app

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    saved = {
        k: app.conf[k]
        for k in (
            "broker_url",
            "task_always_eager",
            "task_publish_retry",
            "broker_connection_timeout",
            "broker_connection_retry",
            "broker_connection_max_retries",
        )
    }
    app.conf.update(
        broker_url="redis://127.0.0.1:1/0",
        task_always_eager=False,
        task_publish_retry=False,
        broker_connection_timeout=1,
        broker_connection_retry=False,
        broker_connection_max_retries=0,
    )
    helpers.reset_broker_connections(app)
    try:
        job = enqueue(django_capture_on_commit_callbacks, people["creator"], jobkinds.FAILING_KIND)
    finally:
        app.conf.update(saved)
        helpers.reset_broker_connections(app)
    assert job.status == JobStatus.FAILED
    assert "job queue could not be reached" in job.message


@pytest.fixture
def done_job(people, django_capture_on_commit_callbacks):
    return enqueue(
        django_capture_on_commit_callbacks, people["creator"], jobkinds.PACK_KIND, {"items": 2}
    )


@pytest.mark.parametrize("who", ["creator", "secretariat", "auditor"])
def test_status_and_download_for_creator_secretariat_and_auditors(done_job, people, who):
    client = Client()
    client.force_login(people[who])
    status = client.get(reverse("packs:job-status", args=[done_job.pk]))
    assert status.status_code == 200
    body = status.json()
    assert body["status"] == "done" and body["progress"] == 100
    assert body["result_url"] == reverse("packs:job-download", args=[done_job.pk])
    assert status["Cache-Control"].startswith("max-age=0")
    download = client.get(body["result_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["other", "trust_secretariat", "lapsed", None])
def test_everyone_else_gets_404(done_job, people, who):
    client = Client()
    if who:
        client.force_login(people[who])
    assert client.get(reverse("packs:job-status", args=[done_job.pk])).status_code == 404
    assert client.get(reverse("packs:job-download", args=[done_job.pk])).status_code == 404


def test_download_is_404_until_done(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = jobs.job_enqueue(actor=people["creator"], kind=jobkinds.PACK_KIND, params={})
    client = Client()
    client.force_login(people["creator"])
    body = client.get(reverse("packs:job-status", args=[job.pk])).json()
    assert body["status"] == "queued" and body["result_url"] is None
    assert client.get(reverse("packs:job-download", args=[job.pk])).status_code == 404
    assert client.post(reverse("packs:job-status", args=[job.pk])).status_code == 405


def test_progress_template_renders(done_job):
    from django.template.loader import render_to_string

    html = render_to_string("packs/job_progress.html", {"job": done_job})
    assert reverse("packs:job-status", args=[done_job.pk]) in html
    assert reverse("packs:job-download", args=[done_job.pk]) in html


def test_stale_jobs_are_failed(people, django_capture_on_commit_callbacks):
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        old = jobs.job_enqueue(actor=people["creator"], kind=jobkinds.PACK_KIND, params={})
        fresh = jobs.job_enqueue(actor=people["creator"], kind=jobkinds.PACK_KIND, params={})
    RenderJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert jobs.jobs_fail_stale(older_than=datetime.timedelta(hours=1)) == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == JobStatus.FAILED and "did not finish" in old.message
    assert fresh.status == JobStatus.QUEUED


def test_fail_stale_jobs_command(people, django_capture_on_commit_callbacks, capsys):
    from django.core.management import CommandError, call_command
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        old = jobs.job_enqueue(actor=people["creator"], kind=jobkinds.PACK_KIND, params={})
    RenderJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=90)
    )
    call_command("fail_stale_jobs", "--minutes", "120")
    old.refresh_from_db()
    assert old.status == JobStatus.QUEUED
    call_command("fail_stale_jobs", "--minutes", "60")
    old.refresh_from_db()
    assert old.status == JobStatus.FAILED
    assert "1 stale job(s) marked failed" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("fail_stale_jobs", "--minutes", "0")
