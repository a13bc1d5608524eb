"""The fund report rendered off the request (governance.packs.reports): started once,
reused while nothing changes, shown only to the fund's readers, its failure explained
with a retry; a read, so no audit event, and auditors may start one."""

from __future__ import annotations

import pytest
from django.test import Client

from budgets import report_jobs, services
from budgets.reports import pdf as fund_pdf
from governance.audit.models import AuditEvent
from governance.packs.models import JobStatus, RenderJob
from governance.pdf import ReportRenderError

pytestmark = pytest.mark.django_db


class Reader:
    """A signed-in browser whose requests' jobs start when the request's work commits
    (in a test the test's own transaction holds the commit back)."""

    def __init__(self, user, on_commit):
        self.client, self.on_commit = Client(), on_commit
        if user is not None:
            self.client.force_login(user)

    def get(self, path, *args, **kwargs):
        with self.on_commit(execute=True):
            return self.client.get(path, *args, **kwargs)

    def post(self, path, *args, **kwargs):
        with self.on_commit(execute=True):
            return self.client.post(path, *args, **kwargs)


@pytest.fixture
def login(django_capture_on_commit_callbacks):
    return lambda user=None: Reader(user, django_capture_on_commit_callbacks)


@pytest.fixture
def renders(monkeypatch):
    """Count the real renders of the fund report."""
    calls = []
    real = fund_pdf.render_report

    def counted(report):
        calls.append(report)
        return real(report)

    monkeypatch.setattr(fund_pdf, "render_report", counted)
    return calls


def report_jobs_of(fund):
    return RenderJob.objects.filter(kind=report_jobs.FUND_REPORT, params__fund=fund.pk)


def test_report_job_started_then_reused_until_the_fund_changes(login, parties, fund, renders):
    url = f"/funds/{fund.pk}/report.pdf"
    manager = login(parties["manager"])
    first = manager.get(url)
    assert first.status_code == 303
    job = report_jobs_of(fund).get()
    assert first["Location"] == f"/jobs/{job.pk}/"
    page = manager.get(first["Location"]).content.decode()
    assert "Fund report: Better Care Fund" in page
    assert f'href="/jobs/{job.pk}/download/"' in page and "Ready" in page
    assert job.created_by == parties["manager"] and job.status == JobStatus.DONE

    again = manager.get(url)  # the same content: the finished render, at once
    assert again.status_code == 200 and again["Content-Type"] == "application/pdf"
    assert b"".join(again.streaming_content).startswith(b"%PDF")
    assert again["X-Render-Job"] == str(job.pk)
    assert f"{fund.reference}-report-" in again["Content-Disposition"]
    # the report does not depend on its reader: another party's reader gets the same file
    other_reader = login(parties["trust_sign"]).get(url)
    assert other_reader.status_code == 200 and other_reader["X-Render-Job"] == str(job.pk)
    assert len(renders) == 1 and report_jobs_of(fund).count() == 1

    services.scheme_line_add(
        actor=parties["council_sec"], fund=fund, code="S3", name="Falls service", budget="50000"
    )
    changed = manager.get(url)  # a governed change since: a new render
    assert changed.status_code == 303
    assert report_jobs_of(fund).count() == 2 and len(renders) == 2
    assert manager.get(url)["X-Render-Job"] != str(job.pk)


def test_a_render_older_than_the_cache_age_is_not_reused(login, parties, fund, settings, renders):
    settings.REPORT_CACHE_MINUTES = 0
    manager = login(parties["manager"])
    assert manager.get(f"/funds/{fund.pk}/report.pdf").status_code == 303
    assert manager.get(f"/funds/{fund.pk}/report.pdf").status_code == 303
    assert report_jobs_of(fund).count() == 2 and len(renders) == 2


def test_report_jobs_are_reads_auditors_may_start_one_and_nothing_is_audited(login, parties, fund):
    before = AuditEvent.objects.count()
    auditor = login(parties["auditor"])
    response = auditor.get(f"/funds/{fund.pk}/report.pdf")
    assert response.status_code == 303
    job = report_jobs_of(fund).get()
    assert job.created_by == parties["auditor"] and job.status == JobStatus.DONE
    assert auditor.get(f"/jobs/{job.pk}/").status_code == 200
    assert auditor.get(f"/funds/{fund.pk}/report.pdf").status_code == 200
    assert AuditEvent.objects.count() == before  # a render cache, not a governance record
    assert auditor.post(f"/funds/{fund.pk}/report.pdf").status_code == 403  # read-only role


def test_other_organisation_cannot_open_the_job_or_the_pdf(login, parties, fund):
    manager = login(parties["manager"])
    manager.get(f"/funds/{fund.pk}/report.pdf")
    job = report_jobs_of(fund).get()
    outsider = login(parties["outsider"])
    assert outsider.get(f"/funds/{fund.pk}/report.pdf").status_code == 404
    for path in ("", "status/", "download/"):
        assert outsider.get(f"/jobs/{job.pk}/{path}").status_code == 404, path
    assert outsider.post(f"/jobs/{job.pk}/retry/").status_code == 404
    assert login().get(f"/jobs/{job.pk}/status/").status_code == 404
    assert report_jobs_of(fund).count() == 1  # the refused request started nothing
    status = login(parties["trust_sign"]).get(f"/jobs/{job.pk}/status/").json()
    assert status["status"] == "done" and status["result_url"] == f"/jobs/{job.pk}/download/"


def test_a_failed_render_shows_its_reason_and_a_retry(login, parties, fund, monkeypatch):
    def broken(report):
        raise ReportRenderError("the renderer ran out of memory")

    monkeypatch.setattr(fund_pdf, "render_report", broken)
    reader = login(parties["trust_sign"])
    response = reader.get(f"/funds/{fund.pk}/report.pdf")
    assert response.status_code == 303
    job = report_jobs_of(fund).get()
    assert job.status == JobStatus.FAILED
    page = reader.get(response["Location"]).content.decode()
    assert "It failed: The report could not be rendered (the renderer ran out of memory)" in page
    assert f'action="/jobs/{job.pk}/retry/"' in page  # any reader of the report may retry
    # asking again joins the failed render (its page says why) rather than piling up jobs
    assert reader.get(f"/funds/{fund.pk}/report.pdf")["Location"] == f"/jobs/{job.pk}/"

    monkeypatch.undo()
    retried = reader.post(f"/jobs/{job.pk}/retry/", {"next": f"/jobs/{job.pk}/"})
    assert retried.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result_pages >= 1
    assert reader.get(f"/funds/{fund.pk}/report.pdf").status_code == 200
    assert not AuditEvent.objects.filter(verb__startswith="job.").exists()


def test_a_bad_date_is_refused_before_any_job(login, parties, fund):
    manager = login(parties["manager"])
    assert manager.get(f"/funds/{fund.pk}/report.pdf?as_at=31-03-2027").status_code == 404
    assert not report_jobs_of(fund).exists()
    assert manager.get(f"/funds/{fund.pk}/report.pdf?as_at=2027-03-31").status_code == 303
    assert report_jobs_of(fund).get().params["as_at"] == "2027-03-31"
