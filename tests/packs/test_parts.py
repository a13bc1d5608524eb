"""Packs rendered in parts: two workers, exact page numbers after the merge, the parts
cache (a re-issue lays out only the changed item), appendices drawn in while the PDF
is written (the rendered pack is never parsed again)."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest

from governance.packs import assemble, engine, pipeline
from governance.packs.spec import PackAppendix, PackItem
from tests.packs import helpers
from tests.packs.conftest import (
    LANDSCAPE_APPENDIX,
    SECRET,
    THREE_PAGE_APPENDIX,
    make_items,
    make_spec,
    paragraph,
)


@pytest.fixture
def body_spy(monkeypatch):
    """Records, per call of the part renderer (one call = one worker), the parts laid out."""
    calls: list[list[str]] = []
    real = engine.render_body_parts

    def spy(group, request, deadline, progress=None):
        calls.append([name for name, _html in group])
        return real(group, request, deadline, progress)

    monkeypatch.setattr(engine, "render_body_parts", spy)
    return calls


def laid_out(calls: list[list[str]]) -> list[str]:
    return [name for call in calls for name in call]


def assert_consistent(spec, pack):
    """Footers, agenda page numbers, bookmarks and item starts all agree."""
    texts = helpers.page_texts(pack.pdf)
    assert len(texts) == pack.page_count
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pack.page_count}" in text, f"footer on page {number}"
    agenda = next(text for text in texts if text.startswith("Agenda"))
    entries = {title: (page, level) for title, page, level in helpers.outline(pack.pdf)}
    for item in spec.items:
        page = pack.item_pages[item.number]
        if spec.is_public and item.part == 2:
            continue
        assert helpers.flat(texts[page - 1]).startswith(f"{item.number}. {item.title}")
        assert helpers.agenda_page_refs(agenda, item.number, item.title) == page
        label = f"{item.number}. {item.title}" + (" (late paper)" if item.is_late else "")
        assert entries[label] == (page, 1)
    return texts, entries


def test_members_pack_in_parts_on_two_workers_has_exact_page_numbers(body_spy):
    spec = make_spec("members")
    pack = engine.render_pack(spec, parts=True, workers=2)
    assert len(body_spy) == 2  # two render processes laid out the items concurrently
    assert sorted(laid_out(body_spy)) == sorted(f"item-{n}" for n in range(12))
    texts, entries = assert_consistent(spec, pack)
    # Appendix pages: on their bookmarked placeholders, the list in the item gives them.
    first, level = entries["Appendix A: Performance dashboard"]
    assert level == 2
    assert "APPENDIX-PAGE-ONE" in texts[first - 1]
    assert "APPENDIX-PAGE-THREE" in texts[first + 1]
    landscape, _ = entries["Appendix B: Trajectory table"]
    assert landscape == first + 3 and "LANDSCAPE-TABLE" in texts[landscape - 1]
    page = helpers.reader(pack.pdf).pages[landscape - 1]
    assert page.mediabox.width > page.mediabox.height
    listed = "\n".join(texts[pack.item_pages["5"] - 1 : first - 1])
    assert f"Appendix A: Performance dashboard (3 pages, from page {first})" in helpers.flat(listed)
    assert SECRET in "\n".join(texts)  # Part 2 belongs in the members' pack


def test_merged_pack_keeps_one_structure_tree_and_the_agenda_links():
    spec = make_spec("members")
    pack = engine.render_pack(spec, parts=True)
    pdf = pikepdf.open(io.BytesIO(pack.pdf))
    pages = {page.obj.objgen for page in pdf.pages}
    tree = pdf.Root.StructTreeRoot
    assert len(tree.K) == 1 and tree.K[0].S == "/Document"
    keys = [int(k) for k in tree.ParentTree.Nums[::2]]
    assert keys == sorted(set(keys))
    assert all(int(page.obj.StructParents) in keys for page in pdf.pages)
    seen = []

    def walk(element):
        if isinstance(element, pikepdf.Dictionary):
            if "/Pg" in element:
                seen.append(element.Pg.objgen)
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                walk(kid)

    walk(tree.K[0])
    assert seen and set(seen) <= pages  # every tag points at a page of this document
    assert pdf.Root.MarkInfo.Marked and str(pdf.Root.Lang) == "en-GB"
    # The agenda's links go to each item's real first page.
    dests = pdf.Root.Names.Dests.Names
    named = {str(dests[i]): dests[i + 1] for i in range(0, len(dests), 2)}
    index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
    for n, item in enumerate(spec.items):
        assert index[named[f"item-{n}"][0].objgen] + 1 == pack.item_pages[item.number]
    agenda = pdf.pages[pack.item_pages["1"] - 2]
    assert any(str(a.get("/Dest")) == "item-11" for a in agenda.obj.get("/Annots", []))


def test_a_reissue_after_one_late_paper_lays_out_only_that_item(body_spy):
    spec = make_spec("members")
    first = engine.render_pack(spec, parts=True)
    assert sorted(first.parts_rendered) == sorted(f"item-{n}" for n in range(12))
    items = make_items()
    items[6] = replace(items[6], paper_html=items[6].paper_html + paragraph(60, "Late paper."))
    reissued_spec = replace(spec, items=items, version_label="Version 2, re-issued")
    body_spy.clear()
    reissue = engine.render_pack(reissued_spec, parts=True)
    assert body_spy == [["item-6"]]
    assert reissue.parts_rendered == ["item-6"]
    assert len(reissue.parts_reused) == 11
    assert reissue.page_count > first.page_count
    texts, _entries = assert_consistent(reissued_spec, reissue)
    assert "Version 2, re-issued" in texts[0]
    # Items after the longer paper moved, and their numbers say so.
    assert reissue.item_pages["8"] > first.item_pages["8"]
    assert reissue.item_pages["5"] == first.item_pages["5"]


def test_nothing_changed_reuses_every_part_and_a_damaged_entry_is_rendered_again(
    body_spy, settings
):
    spec = make_spec("public")
    first = engine.render_pack(spec, parts=True)
    body_spy.clear()
    again = engine.render_pack(spec, parts=True)
    assert body_spy == [] and again.parts_rendered == []
    assert again.page_count == first.page_count and again.item_pages == first.item_pages
    cached = sorted(Path(settings.PACKS_PRIVATE_ROOT, "pack-parts").glob("*/*.pdf"))
    assert len(cached) == len(first.parts_rendered)
    cached[0].write_bytes(cached[0].read_bytes() + b"tampered")
    body_spy.clear()
    engine.render_pack(spec, parts=True)
    assert len(laid_out(body_spy)) == 1


def test_public_pack_in_parts_has_no_part_2_content(body_spy):
    spec = make_spec("public")
    pack = engine.render_pack(spec, parts=True)
    assert all(name != "item-9" for name in laid_out(body_spy))  # Part 2: never laid out
    assert_consistent(spec, pack)
    for fragment in (SECRET, "7731", "Confidential valuation", "Estates disposal options"):
        assert fragment not in "\n".join(helpers.page_texts(pack.pdf))
        assert fragment not in helpers.raw_objects_text(pack.pdf)
    notices = pack.item_pages["10"]
    assert pack.item_pages["11"] == pack.item_pages["12"] == notices


def test_single_render_still_available_and_consistent():
    spec = make_spec("members")
    pack = engine.render_pack(spec, parts=False)
    assert pack.parts_rendered == [] and pack.parts_reused == []
    assert_consistent(spec, pack)


def test_appendices_are_drawn_in_without_reading_the_rendered_pdf(monkeypatch):
    """The single render opens only the uploaded appendices, never the PDF it wrote."""
    opened: list[bytes] = []
    real_open = assemble.pikepdf.open

    def spy(source, *args, **kwargs):
        data = source.getvalue() if isinstance(source, io.BytesIO) else source
        opened.append(data)
        return real_open(source, *args, **kwargs)

    monkeypatch.setattr(assemble.pikepdf, "open", spy)

    def refuse(*_args, **_kwargs):
        raise AssertionError("the rendered pack was read back with pypdf")

    monkeypatch.setattr("pypdf.PdfWriter", refuse)
    monkeypatch.setattr("pypdf.PdfReader", refuse)
    items = [
        PackItem(
            number="1",
            title="Performance",
            paper_html=paragraph(4),
            appendices=[
                PackAppendix("Dashboard", THREE_PAGE_APPENDIX),
                PackAppendix("Trajectory", LANDSCAPE_APPENDIX),
            ],
        )
    ]
    pack = pipeline.render_here(make_spec(items=items))
    monkeypatch.undo()
    assert opened == [THREE_PAGE_APPENDIX, LANDSCAPE_APPENDIX]
    texts = helpers.page_texts(pack.pdf)
    assert "APPENDIX-PAGE-ONE" in texts[-4] and "LANDSCAPE-TABLE" in texts[-1]
    assert f"Page {pack.page_count} of {pack.page_count}" in texts[-1]


def test_progress_of_parallel_parts_is_reported_on_the_callers_thread():
    """The caller's progress callback may use its own database connection."""
    import threading

    threads, seen = set(), []

    def progress(percent, message):
        threads.add(threading.get_ident())
        seen.append((percent, message))

    engine.render_pack(make_spec("members", items=make_items()[:6]), parts=True, progress=progress)
    assert threads == {threading.get_ident()}
    assert any(message.startswith("Laid out") for _p, message in seen)
    assert [p for p, _m in seen] == sorted(p for p, _m in seen)
