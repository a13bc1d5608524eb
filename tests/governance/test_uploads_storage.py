"""Uploads end to end: proposal attachments and paper appendices are checked by the one
PDF check, kept in the private storage (never under MEDIA_ROOT, no URL) and served only
by the permission-checked views; a hostile file is refused next to the field and
leaves nothing behind (no file, no row, no audit event)."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from decisions.attachment_services import proposal_attach
from decisions.models import ProposalAttachment
from governance import storage
from governance.audit.models import AuditEvent
from governance.meetings.models import PaperAppendix
from governance.meetings.services import agenda, committees, papers
from tests.decisions.conftest import (  # noqa: F401
    decision_type,
    finance_post,
    fpc,
    ics,
    make_proposal,
    sord_board,
    sord_v1,
)
from tests.governance.test_uploads import outline_javascript, plain, with_raw_stream, zeros_deflated
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def roots(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PACKS_PRIVATE_ROOT = str(tmp_path / "private")
    return {"media": tmp_path / "media", "private": tmp_path / "private" / "uploads"}


def pdf(pages: int = 2) -> bytes:
    out = io.BytesIO()
    plain(pages).save(out)
    return out.getvalue()


def make_paper(sec, icb):
    board = committees.committee_create(
        actor=sec, name="ICB Board", kind="board", organisation=icb, quorum_min_members=3
    )
    meeting = agenda.meeting_create(actor=sec, committee=board, start=at(20), location="HQ")
    item = agenda.item_add(actor=sec, meeting=meeting, title="Finance report", purpose="noting")
    return papers.paper_create(actor=sec, item=item)


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_attachment_is_kept_privately_and_served_only_to_readers(ics, make_proposal, roots):  # noqa: F811
    proposal = make_proposal()
    data = pdf(2)
    attachment = proposal_attach(
        actor=ics["proposer"],
        proposal=proposal,
        uploaded_file=SimpleUploadedFile("Costs.pdf", data, "application/pdf"),
    )
    stored = files_under(roots["private"])
    assert len(stored) == 1 and stored[0].read_bytes() == data
    assert files_under(roots["media"]) == []
    with pytest.raises(ValueError, match="no URL"):
        _ = attachment.file.url

    url = f"/proposals/{proposal.pk}/attachments/{attachment.pk}/"
    response = login(ics["proposer"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert login(ics["outsider"]).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the sign-in page


def test_an_appendix_is_kept_privately_and_served_only_to_readers(ics, roots):  # noqa: F811
    sec = ics["secretariat"]
    paper = make_paper(sec, ics["icb"])
    data = pdf(3)
    appendix = papers.appendix_add(
        actor=sec, paper=paper, title="Month 6 position", data=data, filename="m6.pdf"
    )
    assert appendix.pages == 3
    assert [p.read_bytes() for p in files_under(roots["private"])] == [data]
    assert files_under(roots["media"]) == []
    response = login(sec).get(f"/meetings/appendices/{appendix.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert Client().get(f"/meetings/appendices/{appendix.pk}/").status_code == 302


@pytest.mark.parametrize(
    "build, message",
    [
        (outline_javascript, "scripts, actions, forms or embedded files"),
        (
            lambda: with_raw_stream(zeros_deflated(300 * 1048576), pikepdf.Name.FlateDecode),
            "too large once decompressed",
        ),
        (lambda: b"MZ\x90\x00" + bytes(500), "this is not a PDF"),
    ],
    ids=["javascript", "bomb", "executable"],
)
def test_a_hostile_attachment_is_refused_on_the_page_and_leaves_nothing(
    ics,  # noqa: F811
    make_proposal,  # noqa: F811
    roots,
    build,
    message,
):
    proposal = make_proposal()
    before = AuditEvent.objects.count()
    response = login(ics["proposer"]).post(
        f"/proposals/{proposal.pk}/attachments/",
        {"attach-attachment": SimpleUploadedFile("paper.pdf", build(), "application/pdf")},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ProposalAttachment.objects.count() == 0
    assert files_under(roots["private"]) == [] and files_under(roots["media"]) == []
    assert AuditEvent.objects.count() == before


def test_a_hostile_appendix_is_refused_by_the_service(ics, roots):  # noqa: F811
    sec = ics["secretariat"]
    paper = make_paper(sec, ics["icb"])
    with pytest.raises(ValidationError) as info:
        papers.appendix_add(
            actor=sec, paper=paper, title="x", data=outline_javascript(), filename="x.pdf"
        )
    assert "/JavaScript" in str(info.value)
    assert PaperAppendix.objects.count() == 0
    assert files_under(roots["private"]) == []


def test_files_uploaded_before_the_change_move_to_private_storage(ics, make_proposal, roots):  # noqa: F811
    proposal = make_proposal()
    data = pdf(1)
    name = f"proposals/{proposal.reference}/0123456789abcdef.pdf"
    default_storage.save(name, ContentFile(data))  # where earlier versions kept it
    ProposalAttachment.objects.create(
        proposal=proposal,
        file=name,
        original_name="old.pdf",
        size=len(data),
        sha256="0" * 64,
        pages=1,
        uploaded_by=ics["proposer"],
    )
    assert storage.move_to_private_storage(ProposalAttachment) == 1
    assert not default_storage.exists(name)
    assert (roots["private"] / name).read_bytes() == data
    assert storage.move_to_private_storage(ProposalAttachment) == 0  # idempotent
