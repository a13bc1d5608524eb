"""The meeting pack job on Celery with a real Redis broker gives the same pack as the
in-process path. Needs CELERY_TEST_BROKER_URL (CI starts redis-server); skipped without."""

from __future__ import annotations

import dataclasses
import os
import time

import pytest

from governance.audit.models import Checkpoint
from governance.meetings import packbuild, selectors
from governance.meetings.models import Part
from governance.meetings.services import agenda, packs, papers
from governance.packs.engine import render_pack
from governance.packs.models import JobStatus, RenderJob
from tests.meetings.conftest import make_pdf
from tests.meetings.packhelpers import outline, page_texts

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")


@pytest.fixture
def celery_worker(settings, monkeypatch):
    if not BROKER:
        pytest.skip("CELERY_TEST_BROKER_URL is not set (CI sets it to a throwaway Redis)")
    from celery.contrib.testing.worker import start_worker

    import governance.packs.tasks  # noqa: F401 - registers the task on the app
    from governance.celery import app
    from tests.packs.helpers import reset_broker_connections

    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")
    keys = ("broker_url", "task_always_eager", "result_backend")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=BROKER, task_always_eager=False, result_backend=None)
    settings.CELERY_BROKER_URL = BROKER
    reset_broker_connections(app)
    app.control.purge()
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=60
        ):
            yield app
    finally:
        app.conf.update(saved)
        reset_broker_connections(app)


def wait_for(job_ids, seconds: float = 180) -> list[RenderJob]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        jobs = list(RenderJob.objects.filter(pk__in=job_ids))
        if all(j.is_finished for j in jobs):
            return jobs
        time.sleep(0.2)
    raise AssertionError(f"jobs {job_ids} did not finish in {seconds} s")


@pytest.mark.django_db(transaction=True)
def test_meeting_packs_on_celery_match_in_process(celery_worker, ics, make_meeting, private_root):
    sec = ics["secretariat"]
    m = make_meeting(days=12)
    open_item = agenda.item_add(actor=sec, meeting=m, title="Performance", purpose="assurance")
    closed = agenda.item_add(
        actor=sec,
        meeting=m,
        title="Contract award",
        purpose="decision",
        part=Part.PRIVATE,
        exemption_reason="commercial interests",
    )
    for item in (open_item, closed):
        paper = papers.paper_create(actor=sec, item=item)
        papers.paper_update(
            actor=sec,
            paper=paper,
            executive_summary="<p>Summary.</p>",
            body="<p>Body text.</p>" * 40,
        )
        papers.appendix_add(
            actor=sec, paper=paper, title="Annex", data=make_pdf(3), filename="a.pdf"
        )
        papers.paper_approve(actor=sec, paper=paper)
    queued = packs.packs_generate(actor=sec, meeting=m)  # committed: goes to the worker
    finished = wait_for([j.pk for j in queued])
    assert all(j.status == JobStatus.DONE for j in finished), [j.message for j in finished]
    for variant in ("members", "public"):
        version = selectors.latest_pack(m, variant)
        with version.file.open("rb") as fh:
            celery_pdf = fh.read()
        # the job prints the checkpoint it published on the last page: the same note here
        last = " ".join(page_texts(celery_pdf)[-1].split())
        point = next(
            p for p in Checkpoint.objects.all() if f"event {p.seq}, hash {p.hash}," in last
        )
        spec = packbuild.build_spec(m, variant, version=1).spec
        local = render_pack(dataclasses.replace(spec, closing_note=point.text()))
        assert version.page_count == local.page_count
        assert {str(k) for k in version.item_pages} == {str(i.pk) for i in m.items.all()}
        assert page_texts(celery_pdf) == page_texts(local.pdf)
        assert outline(celery_pdf) == outline(local.pdf)
