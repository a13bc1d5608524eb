"""The meeting page follows its packs to the end without a reload: the job group polls
each job's status JSON (static/js/jobs.js) and, when they are over, swaps in the page's
refresh regions (the "Packs issued" table, the agenda's page numbers) fetched again.
Here: the markup hooks the script relies on, and the JSON it reads. (Browser journey 3
watches it happen in chromium.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.meetings.test_views import setup  # noqa: F401

pytestmark = pytest.mark.django_db


def region(html: str, region_id: str) -> str:
    match = re.search(rf'<div id="{region_id}" data-app-job-refresh>(.*?)\n\s*</div>', html, re.S)
    assert match, region_id
    return match.group(1)


def test_meeting_page_hooks_and_status_json(ics, setup, django_capture_on_commit_callbacks):  # noqa: F811
    meeting = setup["meeting"]
    client = Client()
    client.force_login(ics["secretariat"])
    url = reverse("meetings:meeting", args=[meeting.pk])
    before = client.get(url).content.decode()
    assert "No packs yet." in region(before, "pack-versions")
    assert "Page numbers are those" not in region(before, "agenda-region")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:packs-generate", args=[meeting.pk]))
    assert response.status_code == 302 and "jobs=" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    # the group the script follows: one status URL per pack, and the script itself
    status_urls = re.findall(r'data-status-url="(/jobs/\d+/status/)"', page)
    assert len(status_urls) == 2
    assert re.search(r'<script src="[^"]*js/jobs\.[^"]*js" defer></script>', page)
    assert "<script>" not in page  # no inline script (CSP)
    # what the script reads from each status URL once the pack is rendered
    for status_url in status_urls:
        status = client.get(status_url).json()
        assert status["status"] == "done" and status["progress"] == 100
        assert status["result_url"] == status_url.replace("status/", "download/")
    # what it swaps in: the same regions, now with the issued packs and page numbers
    issued = region(page, "pack-versions")
    assert "No packs yet." not in issued
    assert re.search(r"PDF<span class=\"nhsuk-u-visually-hidden\">: Members.*version 1", issued)
    assert "Page numbers are those of the members' pack, version 1" in region(page, "agenda-region")


def test_the_script_swaps_the_regions_when_the_group_is_over():
    script = (Path(settings.BASE_DIR) / "static" / "js" / "jobs.js").read_text()
    assert "[data-app-job-refresh][id]" in script and "replaceChild" in script
    assert 'setAttribute("data-refreshed", "1")' in script
