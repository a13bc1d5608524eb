"""A report job over the API follows the web's one rule (``jobs.job_may_view``): any
reader of the report may follow it and download its file, not only who started it; an
outsider gets 404, as on the web."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from budgets import report_jobs
from governance.packs.models import JobStatus, RenderJob
from tests.budgets.test_report_jobs import login  # noqa: F401

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_another_reader_of_the_fund_follows_the_report_job_by_api(login, parties, fund):  # noqa: F811
    assert login(parties["manager"]).get(f"/funds/{fund.pk}/report.pdf").status_code == 303
    job = RenderJob.objects.get(kind=report_jobs.FUND_REPORT, params__fund=fund.pk)
    assert job.status == JobStatus.DONE and job.created_by == parties["manager"]
    reader = _api(parties["trust_sign"])  # a party to the fund, who did not start it
    status = reader.get(f"/api/v1/jobs/{job.pk}/")
    assert status.status_code == 200, status.content
    assert status.json()["result_url"] == f"/api/v1/jobs/{job.pk}/download/"
    download = reader.get(f"/api/v1/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    for path in (f"/api/v1/jobs/{job.pk}/", f"/api/v1/jobs/{job.pk}/download/"):
        refused = _api(parties["outsider"]).get(path)
        assert refused.status_code == 404 and refused.json()["detail"]
