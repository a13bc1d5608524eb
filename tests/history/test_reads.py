"""Who viewed what: every view and download of a confidential record writes one read
record (who, what, when, how, request id); public records and refused requests write
none; "Who has seen this?" is for auditors and the ICB secretariat only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse

from decisions import services
from decisions.attachment_services import proposal_attach
from governance.audit.models import ReadAccess
from governance.audit.reads import record_read
from governance.meetings.models import PackVariant, PackVersion, Part
from governance.meetings.services import agenda, packs, papers
from governance.packs.models import JobStatus
from tests.meetings.conftest import board, make_meeting, make_pdf, people  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PACKS_PRIVATE_ROOT = str(tmp_path / "private")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _reads(**filters) -> list[tuple]:
    return list(
        ReadAccess.objects.filter(**filters).values_list("user__username", "how", "target_type")
    )


@pytest.fixture
def confidential(ics, make_proposal):
    p = make_proposal(
        "50000", is_confidential=True, exemption_reason="Commercial negotiations in progress"
    )
    proposal_attach(
        actor=ics["proposer"],
        proposal=p,
        uploaded_file=SimpleUploadedFile("case.pdf", make_pdf(1), "application/pdf"),
    )
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    return p


def test_confidential_proposal_page_download_and_api_are_recorded(ics, confidential):
    p = confidential
    client = _client(ics["council_sign"])
    assert client.get(reverse("decisions:proposal-detail", args=[p.pk])).status_code == 200
    attachment = p.attachments.get()
    url = reverse("decisions:proposal-attachment", args=[p.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    api = client.get(f"/api/v1/proposals/{p.pk}/", HTTP_X_REQUEST_ID="req-test-0001")
    assert api.status_code == 200
    assert _reads() == [
        ("council_sign", "page", "decisions.proposal"),
        ("council_sign", "download", "decisions.proposalattachment"),
        ("council_sign", "api", "decisions.proposal"),
    ]
    last = ReadAccess.objects.last()
    assert last.organisation == ics["council"] and last.target_label.startswith(p.reference)
    assert last.request_id == "req-test-0001"


def test_public_proposal_views_are_not_recorded(ics, make_proposal):
    p = make_proposal("50000")
    services.proposal_submit(actor=ics["proposer"], proposal=p)
    client = _client(ics["council_sign"])
    assert client.get(reverse("decisions:proposal-detail", args=[p.pk])).status_code == 200
    assert client.get(f"/api/v1/proposals/{p.pk}/").status_code == 200
    assert _reads() == []


def test_an_outsider_refused_writes_no_read_record(ics, confidential):
    p = confidential
    client = _client(ics["outsider"])
    attachment = p.attachments.get()
    for url in (
        reverse("decisions:proposal-detail", args=[p.pk]),
        reverse("decisions:proposal-attachment", args=[p.pk, attachment.pk]),
        f"/api/v1/proposals/{p.pk}/",
        reverse("history:detail", args=["proposal", p.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert ReadAccess.objects.count() == 0


@pytest.fixture
def part2_meeting(ics, board, make_meeting, django_capture_on_commit_callbacks):  # noqa: F811
    sec = ics["secretariat"]
    m = make_meeting(days=5)
    public = agenda.item_add(actor=sec, meeting=m, title="Winter plan", purpose="approval")
    private = agenda.item_add(
        actor=sec,
        meeting=m,
        title="Acquisition of Calder Mills",
        purpose="decision",
        part=Part.PRIVATE,
        exemption_reason="commercial interests (FOIA s43)",
    )
    for item in (public, private):
        paper = papers.paper_create(actor=sec, item=item)
        papers.paper_update(actor=sec, paper=paper, executive_summary="<p>Summary.</p>")
        papers.appendix_add(
            actor=sec, paper=paper, title="Business case", data=make_pdf(1), filename="case.pdf"
        )
    with django_capture_on_commit_callbacks(execute=True):
        jobs = packs.packs_generate(actor=sec, meeting=m)
    for job in jobs:
        job.refresh_from_db()
        assert job.status == JobStatus.DONE, job.message
    m.public_item, m.private_item = public, private
    return m


def test_part2_paper_appendix_and_members_pack_are_recorded_not_public_ones(
    ics,
    people,  # noqa: F811
    part2_meeting,
):
    m = part2_meeting
    member = _client(people["nec1"])
    private_appendix = m.private_item.paper.appendices.get()
    public_appendix = m.public_item.paper.appendices.get()
    members_pack = PackVersion.objects.get(meeting=m, variant=PackVariant.MEMBERS)
    public_pack = PackVersion.objects.get(meeting=m, variant=PackVariant.PUBLIC)
    for url in (
        reverse("meetings:paper", args=[m.public_item.pk]),
        reverse("meetings:appendix", args=[public_appendix.pk]),
        reverse("meetings:pack-download", args=[public_pack.pk]),
    ):
        response = member.get(url)
        assert response.status_code == 200, url
    assert _reads() == []
    for url in (
        reverse("meetings:paper", args=[m.private_item.pk]),
        reverse("meetings:appendix", args=[private_appendix.pk]),
        reverse("meetings:pack-download", args=[members_pack.pk]),
    ):
        assert member.get(url).status_code == 200, url
    assert _reads() == [
        ("nec1", "page", "meetings.paper"),
        ("nec1", "download", "meetings.paperappendix"),
        ("nec1", "download", "meetings.packversion"),
    ]
    # a partner organisation's signatory who is not on the board is refused: no record
    outsider = _client(ics["vcse_sign"])
    for url in (
        reverse("meetings:paper", args=[m.private_item.pk]),
        reverse("meetings:appendix", args=[private_appendix.pk]),
        reverse("meetings:pack-download", args=[members_pack.pk]),
    ):
        assert outsider.get(url).status_code in (403, 404), url
    assert ReadAccess.objects.count() == 3


def test_who_has_seen_this_is_for_auditors_and_the_icb_secretariat_only(
    ics,
    people,  # noqa: F811
    part2_meeting,
):
    m = part2_meeting
    _client(people["nec1"]).get(reverse("meetings:paper", args=[m.private_item.pk]))
    url = reverse("history:detail", args=["meeting-item", m.private_item.pk])
    members_pack = PackVersion.objects.get(meeting=m, variant=PackVariant.MEMBERS)
    _client(people["nec2"]).get(reverse("meetings:pack-download", args=[members_pack.pk]))
    for user in (ics["auditor"], ics["secretariat"]):
        page = _client(user).get(url).content.decode()
        assert "Who has seen this?" in page
        assert "Olu Adeyemi" in page and "Viewed the page" in page
        assert "Fiona Grant" in page and "Downloaded" in page  # the members' pack
    member_page = _client(people["chair"]).get(url)
    assert member_page.status_code == 200
    assert "Who has seen this?" not in member_page.content.decode()


def test_read_records_are_append_only(ics, confidential):
    read = record_read(user=ics["auditor"], target=confidential, how="page")
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        ReadAccess.objects.filter(pk=read.pk).update(how="api")
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        ReadAccess.objects.filter(pk=read.pk).delete()
    with pytest.raises(ValueError):
        record_read(user=ics["auditor"], target=confidential, how="glance")
    assert ReadAccess.objects.get().how == "page"


def test_a_members_pack_downloaded_from_its_job_is_recorded(ics, part2_meeting):
    m = part2_meeting
    members = PackVersion.objects.get(meeting=m, variant=PackVariant.MEMBERS)
    public = PackVersion.objects.get(meeting=m, variant=PackVariant.PUBLIC)
    client = _client(ics["secretariat"])
    for version in (public, members):
        response = client.get(reverse("packs:job-download", args=[version.job_id]))
        assert response.status_code == 200
    assert _reads() == [("sec", "download", "packs.renderjob")]
    page = _client(ics["auditor"]).get(
        reverse("history:detail", args=["meeting-item", m.private_item.pk])
    )
    assert page.content.decode().count(">Downloaded<") == 1
