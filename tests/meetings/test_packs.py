"""Board packs: built from the agenda and papers, rendered by the pack engine in a job,
read back with pypdf; late papers give a supplementary and a re-issued pack."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from governance.meetings import packbuild, selectors
from governance.meetings.models import AgendaItem, PackKind, PackVersion, Part
from governance.meetings.services import agenda, committees, packs, papers
from governance.packs.models import JobStatus
from tests.meetings.conftest import SECRET, make_pdf
from tests.meetings.packhelpers import everything_readable, outline, page_texts, reader

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PACKS_PRIVATE_ROOT = str(tmp_path / "private")


def write_paper(sec, item, summary, body="", appendix_pages=0, appendix_text="Appendix page"):
    paper = papers.paper_create(actor=sec, item=item)
    papers.paper_update(
        actor=sec,
        paper=paper,
        purpose=f"<p>Purpose of {item.title}</p>",
        recommendation="<p>The board is asked to approve.</p>",
        executive_summary=f"<p>{summary}</p>",
        body=body,
    )
    if appendix_pages:
        papers.appendix_add(
            actor=sec,
            paper=paper,
            title="Business case",
            data=make_pdf(appendix_pages, appendix_text),
            filename="case.pdf",
        )
    return papers.paper_approve(actor=sec, paper=paper)


@pytest.fixture
def meeting_with_papers(ics, board, make_meeting):
    sec = ics["secretariat"]
    committees.committee_update(actor=sec, committee=board, papers_due_days=0)
    m = make_meeting(days=5)
    finance = agenda.item_add(
        actor=sec, meeting=m, title="Finance report month 7", purpose="assurance", presenter="CFO"
    )
    deal = agenda.item_add(
        actor=sec,
        meeting=m,
        title=f"Acquisition {SECRET}",
        purpose="decision",
        part=Part.PRIVATE,
        exemption_reason="commercial interests (FOIA s43)",
    )
    plan = agenda.item_add(actor=sec, meeting=m, title="Winter plan", purpose="approval")
    write_paper(sec, finance, "Spending is on plan.", "<p>" + "Detail. " * 400 + "</p>", 2)
    write_paper(sec, deal, f"We propose {SECRET}.", f"<p>{SECRET}</p>", 1, SECRET)
    # (refetched: adding Part 1 items after a Part 2 item moves the Part 2 item down)
    m.items_by_name = {
        k: AgendaItem.objects.get(pk=v.pk)
        for k, v in {"finance": finance, "deal": deal, "plan": plan}.items()
    }
    committees.committee_update(actor=sec, committee=board, papers_due_days=10)
    return m


def generate(ics, meeting, capture):
    with capture(execute=True):
        jobs = packs.packs_generate(actor=ics["secretariat"], meeting=meeting)
    for job in jobs:
        job.refresh_from_db()
        assert job.status == JobStatus.DONE, job.message
    return jobs


def pdf_of(version: PackVersion) -> bytes:
    with version.file.open("rb") as fh:
        return fh.read()


def test_public_spec_holds_no_part2_text(meeting_with_papers):
    built = packbuild.build_spec(meeting_with_papers, "public")
    assert SECRET not in repr(built.spec)
    deal = meeting_with_papers.items_by_name["deal"]
    item = next(i for i in built.spec.items if i.number == str(deal.position))
    assert item.part == 2 and item.title == "Confidential item"
    assert "FOIA s43" in item.withheld_reason and not item.appendices and not item.cover_sheet
    members = packbuild.build_spec(meeting_with_papers, "members")
    assert SECRET in repr(members.spec)


def test_packs_render_with_page_numbers_that_agree(
    ics, meeting_with_papers, django_capture_on_commit_callbacks
):
    m = meeting_with_papers
    generate(ics, m, django_capture_on_commit_callbacks)
    m.refresh_from_db()
    assert m.status == "issued"
    members = selectors.latest_pack(m, "members")
    public = selectors.latest_pack(m, "public")
    assert (members.kind, members.number, public.kind) == ("full", 1, "full")

    for version in (members, public):
        data = pdf_of(version)
        r = reader(data)
        assert len(r.pages) == version.page_count
        texts = page_texts(data)
        bookmarks = dict(outline(data))
        items = {str(i.pk): i for i in m.items.all()}
        assert set(version.item_pages) == set(items)
        # each item starts on the page the app records, as the outline and agenda say
        for item_id, page in version.item_pages.items():
            item = items[item_id]
            title = item.public_title if version.variant == "public" else item.title
            title = (
                "Confidential item" if (item.is_part2 and version.variant == "public") else title
            )
            starts = texts[page - 1]
            assert f"{item.position}." in starts or title[:20] in starts, (item_id, page)
            assert any(
                t.startswith(f"{item.position}. ") and p == page for t, p in bookmarks.items()
            ), (item.position, page, bookmarks)
        agenda_text = "\n".join(texts[:3])
        for page in version.item_pages.values():
            assert re.search(rf"\b{page}\b", agenda_text)
        # footers
        assert f"Page 1 of {version.page_count}" in texts[0]
        assert f"Page {version.page_count} of {version.page_count}" in texts[-1]

    # the appendix pages are in the members' pack only for the Part 2 item
    assert members.page_count > public.page_count
    assert SECRET in everything_readable(pdf_of(members))


def test_public_pack_never_contains_part2_content(
    ics, meeting_with_papers, django_capture_on_commit_callbacks
):
    generate(ics, meeting_with_papers, django_capture_on_commit_callbacks)
    public = pdf_of(selectors.latest_pack(meeting_with_papers, "public"))
    text = everything_readable(public)
    assert "ZEBRA" not in text and "OCELOT" not in text and "Calder Mills" not in text
    assert "Confidential item" in text and "FOIA s43" in text
    assert b"ZEBRA" not in public and b"OCELOT" not in public


def test_late_paper_gives_supplementary_and_reissue(
    ics, meeting_with_papers, django_capture_on_commit_callbacks
):
    m = meeting_with_papers
    sec = ics["secretariat"]
    generate(ics, m, django_capture_on_commit_callbacks)
    first = selectors.latest_pack(m, "members")
    late = write_paper(sec, m.items_by_name["plan"], "Winter plan, late.", "<p>Beds.</p>")
    assert late.is_late  # due 10 days before a meeting 5 days away
    assert packs.plan(m, "members") == [
        (PackKind.SUPPLEMENTARY, {m.items_by_name["plan"].pk}),
        (PackKind.REISSUE, None),
    ]
    generate(ics, m, django_capture_on_commit_callbacks)
    versions = list(PackVersion.objects.filter(meeting=m, variant="members").order_by("number"))
    assert [(v.number, v.kind) for v in versions] == [
        (1, "full"),
        (2, "supplementary"),
        (3, "reissue"),
    ]
    supp = versions[1]
    assert list(supp.item_pages) == [str(m.items_by_name["plan"].pk)]
    supp_text = "\n".join(page_texts(pdf_of(supp)))
    assert (
        "Winter plan" in supp_text
        and "Finance report" not in supp_text.split("Agenda")[-1][:0] + ""
    )
    assert pdf_of(first)  # the old version is kept
    # the public variant too (the late paper is Part 1)
    public = [
        v.kind for v in PackVersion.objects.filter(meeting=m, variant="public").order_by("number")
    ]
    assert public == ["full", "supplementary", "reissue"]
    # nothing new: the packs are up to date and are not generated again
    assert packs.plan(m, "members") == [(PackKind.REISSUE, None)]
    assert packs.is_current(m, "members") and packs.is_current(m, "public")
    with pytest.raises(ValidationError):
        packs.packs_generate(actor=sec, meeting=m)
    # reordering the agenda makes them out of date: a plain re-issue
    agenda.item_move(actor=sec, item=m.items_by_name["plan"], to_position=1)
    assert not packs.is_current(m, "members")
    generate(ics, m, django_capture_on_commit_callbacks)
    assert selectors.latest_pack(m, "members").kind == "reissue"
    assert selectors.latest_pack(m, "members").number == 4


def test_wrong_person_cannot_generate(ics, meeting_with_papers):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        packs.packs_generate(actor=ics["trust_sign"], meeting=meeting_with_papers)


def test_cancelled_meeting_and_busy_generation_refused(ics, meeting_with_papers):
    sec = ics["secretariat"]
    packs.packs_generate(actor=sec, meeting=meeting_with_papers)  # queued, not yet run
    with pytest.raises(ValidationError):
        packs.packs_generate(actor=sec, meeting=meeting_with_papers)
    agenda.meeting_cancel(actor=sec, meeting=meeting_with_papers, reason="Storm")
    with pytest.raises(ValidationError):
        packs.packs_generate(actor=sec, meeting=meeting_with_papers)
