"""Pack jobs and pack files over the API with a token: the ``status_url`` that
generate-packs answers and a members' pack ``download_url`` work for the same token
(no session, no redirect to the sign-in page); other callers get a JSON 404."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from governance.meetings.services import agenda
from governance.tokens.services import api_token_issue

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    _, key = api_token_issue(actor=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def meeting(ics, board, make_meeting):
    m = make_meeting(days=-1)
    agenda.item_add(actor=ics["secretariat"], meeting=m, title="Performance", purpose="assurance")
    return m


@pytest.fixture
def generated(ics, meeting, private_root, django_capture_on_commit_callbacks):
    api = token_client(ics["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/meetings/{meeting.pk}/generate-packs/")
    assert response.status_code == 202, response.content
    return api, response.json()


def test_job_status_url_answers_the_same_token(generated):
    api, jobs = generated
    assert sorted(j["variant"] for j in jobs) == ["members", "public"]
    for job in jobs:
        assert job["status_url"] == f"/api/v1/jobs/{job['id']}/"
        status = api.get(job["status_url"])
        assert status.status_code == 200, status.content
        body = status.json()
        assert body["id"] == job["id"] and body["status"] == "done"
        assert body["result_url"] == f"/api/v1/jobs/{job['id']}/download/"
        pdf = api.get(body["result_url"])
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_members_pack_download_url_serves_the_pdf_to_a_token(generated, ics, meeting):
    api, _ = generated
    pack = api.get(f"/api/v1/meetings/{meeting.pk}/pack/").json()
    assert pack["variant"] == "members"
    assert pack["download_url"] == f"/api/v1/packs/{pack['id']}/download/"
    response = api.get(pack["download_url"], HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200  # not a redirect to the sign-in page
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    from governance.audit.models import ReadAccess

    assert ReadAccess.objects.filter(user=ics["secretariat"], how="api").exists()


def test_other_callers_get_json_404_for_jobs_and_members_packs(generated, ics, meeting):
    _, jobs = generated
    pack_id = (
        token_client(ics["secretariat"]).get(f"/api/v1/meetings/{meeting.pk}/pack/").json()["id"]
    )
    outsider = token_client(ics["outsider"])
    for url in (
        jobs[0]["status_url"],
        f"/api/v1/jobs/{jobs[0]['id']}/download/",
        f"/api/v1/packs/{pack_id}/download/",
    ):
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")
        assert "detail" in response.json()
    anonymous = APIClient().get(jobs[0]["status_url"])
    assert anonymous.status_code == 401
    assert APIClient().get(f"/api/v1/packs/{pack_id}/download/").status_code == 404
    assert outsider.get("/api/v1/jobs/99999999/").status_code == 404
