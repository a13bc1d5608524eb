"""The BAF report as a job: it shows each reader what they may see, so a render is the
reader's own (never handed to another reader), and its page is theirs (and auditors')."""

from __future__ import annotations

import pytest

from governance.packs.models import RenderJob
from governance.risks.report_jobs import BAF_REPORT
from tests.packs.helpers import fetch_report

pytestmark = pytest.mark.django_db


def test_each_reader_gets_their_own_render(
    client, rics, registered_risk, django_capture_on_commit_callbacks
):
    registered_risk(title="Shared finance risk")
    client.force_login(rics["council_sign"])
    fetch_report(client, "/risks/report.pdf?status=all", django_capture_on_commit_callbacks)
    council_job = RenderJob.objects.get(kind=BAF_REPORT)
    assert council_job.params["filters"] == {"status": "all"}

    client.force_login(rics["outsider"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/risks/report.pdf?status=all")
    assert response.status_code == 303  # not the council's render: a new one
    assert response["Location"] != f"/jobs/{council_job.pk}/"
    for path in ("", "status/", "download/"):
        assert client.get(f"/jobs/{council_job.pk}/{path}").status_code == 404, path

    client.force_login(rics["auditor"])  # reads every risk: may follow any render
    assert client.get(f"/jobs/{council_job.pk}/").status_code == 200
    assert RenderJob.objects.filter(kind=BAF_REPORT).count() == 2
