"""The rendered pack read back with pypdf: numbering, agenda page references, bookmarks,
appendices, metadata and the public variant's redaction."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfWriter

from governance.packs.engine import render_pack
from governance.packs.spec import (
    PackAppendix,
    PackError,
    PackItem,
    PackRenderTimeout,
    PackSpec,
)
from tests.packs import helpers
from tests.packs.conftest import (
    EXEMPTION,
    MEETING,
    SECRET,
    THREE_PAGE_APPENDIX,
    make_items,
    make_pdf,
    make_spec,
    paragraph,
)


def test_every_page_says_page_n_of_m(members_pack):
    _spec, pack = members_pack
    texts = helpers.page_texts(pack.pdf)
    assert len(texts) == pack.page_count
    assert pack.page_count > 20
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pack.page_count}" in text, f"footer missing on page {number}"


def test_item_pages_are_where_each_item_starts(members_pack):
    spec, pack = members_pack
    texts = helpers.page_texts(pack.pdf)
    assert list(pack.item_pages) == [item.number for item in spec.items]
    for item in spec.items:
        page = pack.item_pages[item.number]
        assert helpers.flat(texts[page - 1]).startswith(f"{item.number}. {item.title}")
        assert f"{item.number}. {item.title}" not in helpers.flat(texts[page - 2])
    assert sorted(pack.item_pages.values()) == list(pack.item_pages.values())


def test_agenda_page_references_equal_the_item_start_pages(members_pack):
    spec, pack = members_pack
    texts = helpers.page_texts(pack.pdf)
    agenda = next(text for text in texts if text.startswith("Agenda"))
    for item in spec.items:
        printed = helpers.agenda_page_refs(agenda, item.number, item.title)
        assert printed == pack.item_pages[item.number], item.number
    assert "Late paper" in agenda  # item 7 is late
    assert "Part 1: in public" in agenda and "Part 2: in private" in agenda


def test_bookmarks_for_every_item_and_appendix_point_to_the_right_pages(members_pack):
    spec, pack = members_pack
    entries = helpers.outline(pack.pdf)
    by_title = {title: (page, level) for title, page, level in entries}
    for item in spec.items:
        label = f"{item.number}. {item.title}" + (" (late paper)" if item.is_late else "")
        assert by_title[label] == (pack.item_pages[item.number], 1)
    assert by_title["Cover"] == (1, 1)
    assert by_title["Agenda"][0] == 2
    texts = helpers.page_texts(pack.pdf)
    dashboard_page, level = by_title["Appendix A: Performance dashboard"]
    assert level == 2
    assert "APPENDIX-PAGE-ONE" in texts[dashboard_page - 1]
    assert "APPENDIX-PAGE-TWO" in texts[dashboard_page]
    assert "APPENDIX-PAGE-THREE" in texts[dashboard_page + 1]
    landscape_page, _ = by_title["Appendix B: Trajectory table"]
    assert landscape_page == dashboard_page + 3
    assert "LANDSCAPE-TABLE" in texts[landscape_page - 1]
    assert [t for t, _p, _l in entries] == pack.outline
    # The appendix bookmark is a child of its item's bookmark.
    titles = [t for t, _p, _l in entries]
    assert (
        titles.index("Appendix A: Performance dashboard")
        == titles.index("5. Integrated performance report") + 1
    )


def test_appendix_pages_are_merged_with_footers_and_keep_their_orientation(members_pack):
    _spec, pack = members_pack
    r = helpers.reader(pack.pdf)
    texts = helpers.page_texts(pack.pdf)
    first = next(i for i, t in enumerate(texts) if "APPENDIX-PAGE-ONE" in t)
    for offset in range(3):
        page = r.pages[first + offset]
        assert page.mediabox.width < page.mediabox.height  # portrait
        assert f"Page {first + offset + 1} of {pack.page_count}" in texts[first + offset]
    landscape = r.pages[first + 3]
    assert landscape.mediabox.width > landscape.mediabox.height
    # The item's own list of appendices gives their first pages.
    item_text = "\n".join(texts[pack.item_pages["5"] - 1 : first])
    assert re.search(
        rf"Appendix A: Performance dashboard \(3 pages, from page {first + 1}\)", item_text
    )


def test_metadata_and_tagging(members_pack):
    _spec, pack = members_pack
    r = helpers.reader(pack.pdf)
    assert r.metadata.title == "Board meeting in public and private"
    assert r.metadata.subject == "Board papers, 14 May 2026"
    assert r.metadata.author == "ICB corporate secretariat"
    root = r.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert "/StructTreeRoot" in root
    assert root.get("/Lang") == "en-GB"
    # Appendices are drawn in untagged, so the pack is tagged but does not claim PDF/UA.
    assert pack.pdf_ua is False
    assert "pdfuaid" not in helpers.metadata_text(pack.pdf)


def test_a_pack_without_appendices_is_pdf_ua():
    items = [
        PackItem(number="1", title="Welcome", paper_html="<p>Hello.</p>"),
        PackItem(number="2", title="Finance report", paper_html=paragraph(5)),
    ]
    pack = render_pack(make_spec(items=items))
    assert pack.pdf_ua is True
    assert "pdfuaid:part" in helpers.metadata_text(pack.pdf)
    assert pack.page_count == 4
    assert pack.item_pages == {"1": 3, "2": 4}


def test_members_pack_contains_part_2(members_pack):
    _spec, pack = members_pack
    text = "\n".join(helpers.page_texts(pack.pdf))
    assert SECRET in text
    assert "PART 2: PRIVATE" in text


def test_public_pack_has_no_part_2_content_anywhere(public_pack, members_pack):
    _spec, pack = public_pack
    texts = helpers.page_texts(pack.pdf)
    everything = "\n".join(texts)
    for fragment in (SECRET, "ZEBRA", "7731"):  # also caught if it wrapped at the hyphen
        assert fragment not in everything
        assert fragment not in helpers.raw_objects_text(pack.pdf)
    assert "Confidential valuation" not in everything
    assert "Estates disposal options" not in everything
    assert "Senior leadership changes" not in everything
    assert SECRET not in helpers.metadata_text(pack.pdf)
    assert all(SECRET not in title for title, _p, _l in helpers.outline(pack.pdf))
    assert SECRET not in helpers.raw_objects_text(pack.pdf)
    assert helpers.embedded_files(pack.pdf) == []
    assert pack.page_count < members_pack[1].page_count


def test_public_pack_shows_part_2_items_as_notices_with_their_reason(public_pack):
    spec, pack = public_pack
    texts = helpers.page_texts(pack.pdf)
    agenda = next(text for text in texts if text.startswith("Agenda"))
    notices_page = pack.item_pages["10"]
    assert pack.item_pages["11"] == pack.item_pages["12"] == notices_page
    notices = texts[notices_page - 1]
    for number in ("10", "11", "12"):
        assert f"Item {number}: Confidential item. Not published." in notices
        assert helpers.agenda_page_refs(agenda, number, "Confidential item") == notices_page
    assert EXEMPTION.split(":")[0] in notices
    assert "Not published." in agenda
    entries = helpers.outline(pack.pdf)
    assert ("10. Confidential item", notices_page, 1) in entries
    for item in spec.items[:9]:
        assert (
            helpers.agenda_page_refs(agenda, item.number, item.title)
            == pack.item_pages[item.number]
        )
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pack.page_count}" in text


def test_public_metadata_naming_a_part_2_item_is_refused():
    spec = make_spec("public", subject="Includes Estates disposal options")
    with pytest.raises(PackError, match="Part 2 item 11"):
        render_pack(spec)


def test_damaged_and_encrypted_appendices_are_refused_with_the_item_named():
    broken = [PackItem(number="3", title="X", appendices=[PackAppendix("Plan", b"%PDF-1.7 junk")])]
    with pytest.raises(PackError, match=r"Item 3, appendix A \(Plan\)"):
        render_pack(make_spec(items=broken))
    writer = PdfWriter(clone_from=helpers.reader(THREE_PAGE_APPENDIX))
    writer.encrypt("secret-password")
    import io

    out = io.BytesIO()
    writer.write(out)
    locked = [PackItem(number="4", title="Y", appendices=[PackAppendix("Locked", out.getvalue())])]
    with pytest.raises(PackError, match="password-protected"):
        render_pack(make_spec(items=locked))


def test_rotated_appendix_pages_get_a_landscape_placeholder():
    import io

    writer = PdfWriter(clone_from=helpers.reader(make_pdf(["ROTATED-PAGE"])))
    writer.pages[0].rotate(90)
    out = io.BytesIO()
    writer.write(out)
    items = [
        PackItem(number="1", title="Rotated", appendices=[PackAppendix("Scan", out.getvalue())])
    ]
    pack = render_pack(make_spec(items=items))
    r = helpers.reader(pack.pdf)
    last = r.pages[-1]
    assert last.mediabox.width > last.mediabox.height
    assert "ROTATED-PAGE" in last.extract_text()
    assert f"Page {pack.page_count} of {pack.page_count}" in last.extract_text()


def test_spec_validation():
    with pytest.raises(ValueError, match="timezone-aware"):
        PackSpec(title="x", committee="y", meeting_datetime=MEETING.replace(tzinfo=None))
    with pytest.raises(ValueError, match="part must be 1 or 2"):
        PackItem(number="1", title="x", part=3)
    with pytest.raises(ValueError, match="repeated: 1"):
        make_spec(items=[PackItem(number="1", title="a"), PackItem(number="1", title="b")])
    with pytest.raises(ValueError, match="variant"):
        make_spec(variant="secret")


def test_progress_is_reported():
    seen = []
    render_pack(make_spec(items=make_items()[:3]), progress=lambda p, m: seen.append((p, m)))
    assert seen and seen[0][0] <= seen[-1][0]
    assert any("Laying out" in m for _p, m in seen)


def test_a_render_over_its_time_limit_is_stopped():
    items = [
        PackItem(number=str(n), title=f"Long paper {n}", paper_html=paragraph(120))
        for n in range(1, 30)
    ]
    with pytest.raises(PackRenderTimeout, match="longer than"):
        render_pack(make_spec(items=items), time_limit=1.5)


def test_three_page_appendix_fixture_has_three_pages():
    assert len(helpers.reader(THREE_PAGE_APPENDIX).pages) == 3
