"""The Celery path with a real Redis broker renders the same pack as the in-process path.

Needs CELERY_TEST_BROKER_URL (CI starts redis-server and sets it); skipped without it.
A worker runs in a thread of this process (celery.contrib.testing). The queue is purged
first; a stray message for a job that does not exist, or is already taken, does nothing.
"""

from __future__ import annotations

import os
import time

import pytest

from governance.packs import jobs
from governance.packs.models import JobStatus, RenderJob
from tests.packs import helpers, jobkinds

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")


@pytest.fixture
def celery_worker(settings, monkeypatch):
    if not BROKER:
        pytest.skip("CELERY_TEST_BROKER_URL is not set (CI sets it to a throwaway Redis)")
    from celery.contrib.testing.worker import start_worker

    import governance.packs.tasks  # noqa: F401 - registers the task on the app
    from governance.celery import app

    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")  # CI runs `manage.py check` on its own
    keys = ("broker_url", "task_always_eager", "result_backend")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=BROKER, task_always_eager=False, result_backend=None)
    settings.CELERY_BROKER_URL = BROKER
    helpers.reset_broker_connections(app)
    app.control.purge()
    jobs.register_job(jobkinds.PACK_KIND, jobkinds.build_pack)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=60
        ):
            yield app
    finally:
        jobs.unregister_job(jobkinds.PACK_KIND)
        app.conf.update(saved)
        helpers.reset_broker_connections(app)


def wait_for(job_id: int, seconds: float = 180) -> RenderJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = RenderJob.objects.get(pk=job_id)
        if job.is_finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish in {seconds} s: {job.status}")


@pytest.mark.django_db(transaction=True)
def test_celery_and_in_process_render_the_same_pack(celery_worker, settings, superuser):
    params = {"variant": "members", "items": 12}
    queued = jobs.job_enqueue(actor=superuser, kind=jobkinds.PACK_KIND, params=params)
    via_celery = wait_for(queued.pk)
    assert via_celery.status == JobStatus.DONE, via_celery.message
    assert via_celery.started_at and via_celery.duration_ms is not None

    settings.CELERY_BROKER_URL = ""  # now the embedded default: no broker
    in_process = jobs.job_enqueue(actor=superuser, kind=jobkinds.PACK_KIND, params=params)
    in_process.refresh_from_db()
    assert in_process.status == JobStatus.DONE, in_process.message

    with via_celery.result.open("rb") as handle:
        celery_pdf = handle.read()
    with in_process.result.open("rb") as handle:
        local_pdf = handle.read()
    assert via_celery.result_pages == in_process.result_pages
    assert len(helpers.reader(celery_pdf).pages) == via_celery.result_pages
    assert helpers.page_texts(celery_pdf) == helpers.page_texts(local_pdf)
    assert helpers.outline(celery_pdf) == helpers.outline(local_pdf)
    assert via_celery.result_meta == in_process.result_meta
