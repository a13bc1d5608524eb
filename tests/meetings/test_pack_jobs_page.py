"""After "Generate packs" the meeting page follows the two pack jobs: "Generating 2 packs"
while they run, "2 packs ready" with download links when done, the reason and a Retry
button when one fails (static/js/jobs.js updates the same markup without a refresh)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from governance.meetings.services import agenda
from governance.packs.models import JobStatus, RenderJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(ics, board, make_meeting, private_root):
    m = make_meeting(days=10)
    agenda.item_add(actor=ics["secretariat"], meeting=m, title="Winter plan", purpose="approval")
    return m


def generate(client, meeting, capture, execute):
    with capture(execute=execute):
        response = client.post(reverse("meetings:packs-generate", args=[meeting.pk]))
    assert response.status_code == 302
    return response["Location"]


def test_the_page_follows_the_jobs_until_both_packs_are_ready(
    ics, meeting, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(ics["secretariat"])
    # queued (the runner has not started them yet)
    url = generate(client, meeting, django_capture_on_commit_callbacks, execute=False)
    jobs = list(RenderJob.objects.order_by("pk"))
    assert len(jobs) == 2 and {j.status for j in jobs} == {JobStatus.QUEUED}
    assert url == (
        reverse("meetings:meeting", args=[meeting.pk]) + f"?jobs={jobs[0].pk},{jobs[1].pk}#packs"
    )
    page = client.get(url).content.decode()
    assert "Generating 2 packs" in page
    assert "Members&#x27; pack" in page and "Public pack" in page
    assert page.count('class="app-job"') == 2
    assert reverse("packs:job-status", args=[jobs[0].pk]) in page
    assert "js/jobs.js" in page

    # once run, a refresh shows them ready, with their downloads
    from governance.packs.jobs import job_run

    for job in jobs:
        job_run(job.pk)
    page = client.get(url).content.decode()
    assert "2 packs ready" in page and "Generating" not in page
    for job in jobs:
        assert reverse("packs:job-download", args=[job.pk]) in page


def test_a_failed_pack_shows_why_and_can_be_retried(
    ics, meeting, django_capture_on_commit_callbacks
):
    from governance.packs.jobs import job_fail

    client = Client()
    client.force_login(ics["secretariat"])
    url = generate(client, meeting, django_capture_on_commit_callbacks, execute=False)
    first, _second = RenderJob.objects.order_by("pk")
    job_fail(job_id=first.pk, message="Item 1's appendix is not a PDF.")
    page = client.get(url).content.decode()
    assert "It failed: Item 1&#x27;s appendix is not a PDF." in page
    assert reverse("packs:job-retry", args=[first.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("packs:job-retry", args=[first.pk]), {"next": url.split("#")[0]}
        )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == JobStatus.DONE  # retried (inline in tests)


def test_other_peoples_job_ids_are_ignored(ics, meeting, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(ics["secretariat"])
    url = generate(client, meeting, django_capture_on_commit_callbacks, execute=False)
    outsider = Client()
    outsider.force_login(ics["trust_sign"])
    page = outsider.get(url).content.decode()
    assert "Generating 2 packs" not in page
