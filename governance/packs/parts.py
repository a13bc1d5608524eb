"""Rendering a pack in parts, inside the isolated render processes (no Django here).

Why: one WeasyPrint render is single-threaded, and a re-issue after one late paper
re-laid out every page. In parts, each item's section (heading, cover sheet, paper) is
its own document: it starts on a new page in the pack anyway, and nothing in it depends
on where it lands, so the engine lays out the parts on two render processes at once and
keeps each finished part (keyed by a hash of its HTML and CSS) to reuse when only
another paper changed. Everything that does depend on page numbers is small and is
rendered last, once the parts' page counts are known (:func:`finish`):

- the front (cover and agenda) with every item's page number written in;
- each item's list of appendices ("from page N") with its placeholder pages, onto which
  the uploaded pages are drawn as in the single render (``assemble.finisher``);
- "Page N of M" on every page: one small document of empty pages carrying only that
  footer, drawn over the parts' pages, marked as a pagination artifact.

:func:`merge` joins the parts with pikepdf (qpdf): pages in order, the structure trees
(tags) joined under one Document element with the parent-tree keys renumbered, the
named destinations (the agenda's links) pointed at the real pages, and one outline.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from governance.packs import assemble, layout
from governance.packs.fetcher import BASE_URL, PackURLFetcher, Root
from governance.packs.spec import Bookmark, PackSpec, RenderedPack

# Parts carry no page-number footer (it is drawn over them afterwards); literal page
# numbers look like the target-counter() ones.
PARTS_CSS = """
@page { @bottom-center { content: none; } }
a.pageno { color: inherit; text-decoration: none; }
"""
NUMBERS_CSS = """
@page { size: A4; margin: 18mm 18mm 20mm 18mm;
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; } }
@page apx-p { size: A4 portrait; margin: 0 12mm 14mm 12mm; }
@page apx-l { size: A4 landscape; margin: 0 12mm 14mm 12mm; }
html { font-family: Arial, "Liberation Sans", "DejaVu Sans", sans-serif; color: #212b32; }
div { break-before: page; height: 0; margin: 0; }
div.apx-p { page: apx-p; } div.apx-l { page: apx-l; }
"""
ARTIFACT = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC"


@dataclass
class PartResult:
    """A rendered part: its PDF and what the merge needs to know about it."""

    name: str
    pdf: bytes = field(repr=False)
    page_count: int
    anchors: dict[str, int]  # anchor → 0-based page within the part
    bookmarks: list[tuple[str, int, int]]  # (title, 0-based page in the part, level)
    landscape: list[bool]  # per page
    fetched: bool = False  # the part loaded files (images): not reusable by its HTML alone
    warnings: list[str] = field(default_factory=list)


@dataclass
class PartsDone:
    """What a render process returns for a ``bodies`` job."""

    parts: list[PartResult]
    peak_memory_kib: int = 0
    cpu_ms: int = 0


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage()[:300])


def _bookmarks(tree, level: int = 1) -> list[tuple[str, int, int]]:
    out = []
    for label, (page_index, _x, _y), children, _state in tree:
        out.append((label, page_index, level))
        out.extend(_bookmarks(children, level + 1))
    return out


def render_part(
    name: str,
    html: str,
    roots: list[Root] | None,
    *,
    placements=None,
    pdf_ua: bool = False,
) -> PartResult:
    """Lay out and write one part. ``placements(anchors)`` (appendix parts) returns the
    appendix pages to draw onto the placeholders."""
    from governance.packs.pipeline import speed_up_tagging
    from governance.render_engine import CSS, HTML
    from governance.render_engine import LOGGER as WEASYPRINT_LOGGER

    speed_up_tagging()
    fetcher = PackURLFetcher(roots)
    options = {"pdf_tags": True, "pdf_variant": "pdf/ua-1" if pdf_ua else None}
    collector = _Warnings()
    WEASYPRINT_LOGGER.addHandler(collector)
    try:
        document = HTML(
            string=html, base_url=BASE_URL, url_fetcher=fetcher, media_type="print"
        ).render(
            stylesheets=[
                CSS(string=layout.PACK_CSS, base_url=BASE_URL, url_fetcher=fetcher),
                CSS(string=PARTS_CSS),
            ],
            presentational_hints=False,
            **options,
        )
        anchors: dict[str, int] = {}
        for index, page in enumerate(document.pages):
            for anchor in page.anchors:
                anchors.setdefault(anchor, index)
        drawn = placements(anchors) if placements else []
        pdf = document.write_pdf(
            presentational_hints=False,
            finisher=assemble.finisher(drawn) if drawn else None,
            **options,
        )
    finally:
        WEASYPRINT_LOGGER.removeHandler(collector)
    return PartResult(
        name=name,
        pdf=pdf,
        page_count=len(document.pages),
        anchors=anchors,
        bookmarks=_bookmarks(document.make_bookmark_tree()),
        landscape=[page.width > page.height for page in document.pages],
        fetched=bool(fetcher.files),
        warnings=collector.messages + [f"refused: {u}" for u in fetcher.refused],
    )


def _closing_css(note: str, pages: int) -> str:
    """The last page's footer: its page number, then ``note`` (two lines at most)."""
    if not note or not pages:
        return ""
    first, _, rest = note.partition(", signed ")
    lines = [f"Page {pages} of {pages}", first + ("," if rest else "")]
    if rest:
        lines.append("signed " + rest)
    text = "\\A ".join(line.replace("\\", "").replace('"', "'") for line in lines)
    return (
        f'@page :nth({pages}) {{ @bottom-center {{ content: "{text}"; white-space: pre; '
        "font-size: 7pt; } }"
    )


def render_numbers(landscape: list[bool], placeholder: list[bool], closing_note: str = "") -> bytes:
    """Empty pages carrying only "Page N of M", one per page of the pack; the last one
    also carries ``closing_note``."""
    from governance.render_engine import CSS, HTML

    divs = "".join(
        ('<div class="apx-l"></div>' if wide else '<div class="apx-p"></div>')
        if apx
        else "<div></div>"
        for wide, apx in zip(landscape, placeholder, strict=True)
    )
    css = NUMBERS_CSS + _closing_css(closing_note, len(landscape))
    return HTML(string=f"<html><body>{divs}</body></html>").write_pdf(stylesheets=[CSS(string=css)])


def _nested_outline(bookmarks: list[Bookmark]):
    import pikepdf

    roots: list = []
    stack: list[tuple[int, pikepdf.OutlineItem]] = []
    for mark in bookmarks:
        item = pikepdf.OutlineItem(mark.title, mark.page - 1)
        while stack and stack[-1][0] >= mark.level:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(item)
        stack.append((mark.level, item))
    return roots


def merge(parts: list[bytes], numbers: bytes, bookmarks: list[Bookmark]) -> bytes:
    """Join the parts' PDFs (the first gives the document metadata), renumbering the
    tags' parent tree; draw the page numbers; one outline; the named destinations."""
    import warnings

    import pikepdf

    out = pikepdf.open(io.BytesIO(parts[0]))
    tree = out.Root.get("/StructTreeRoot")
    document = tree.K[0] if tree is not None else None
    nums = tree.ParentTree.Nums if tree is not None else None
    next_key = 1 + max((int(nums[i]) for i in range(0, len(nums), 2)), default=-1) if nums else 0
    dests = _dests(out)
    for data in parts[1:]:
        src = pikepdf.open(io.BytesIO(data))
        first = len(out.pages)
        with warnings.catch_warnings():  # named destinations: merged below
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            out.pages.extend(src.pages)
        src_tree = src.Root.get("/StructTreeRoot")
        if tree is not None and src_tree is not None:
            offset = next_key
            kids = _copy(out, src_tree.K[0].K)
            for kid in kids:
                kid.P = document
                document.K.append(kid)
            src_nums = src_tree.ParentTree.Nums
            for i in range(0, len(src_nums), 2):
                nums.append(int(src_nums[i]) + offset)
                nums.append(_copy(out, src_nums[i + 1]))
                next_key = max(next_key, int(src_nums[i]) + offset + 1)
            for page in out.pages[first:]:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + offset
                for annot in page.obj.get("/Annots", []):
                    if "/StructParent" in annot:
                        annot.StructParent = int(annot.StructParent) + offset
        for name, dest in _dests(src).items():
            dests[name] = _copy(out, dest)
    if tree is not None:
        tree.ParentTreeNextKey = next_key
    if dests:
        names = pikepdf.Array()
        for name in sorted(dests):
            names.append(pikepdf.String(name))
            names.append(dests[name])
        if "/Names" not in out.Root:
            out.Root.Names = pikepdf.Dictionary()
        out.Root.Names.Dests = out.make_indirect(pikepdf.Dictionary(Names=names))
    overlay = pikepdf.open(io.BytesIO(numbers))
    for page, footer in zip(out.pages, overlay.pages, strict=True):
        form = out.copy_foreign(footer.as_form_xobject())
        name = page.add_resource(form, pikepdf.Name.XObject, prefix="PackPageNo")
        page.contents_add(pikepdf.Stream(out, b"q\n"), prepend=True)
        page.contents_add(
            pikepdf.Stream(out, b"\nQ " + ARTIFACT + f" q {name} Do Q EMC\n".encode())
        )
    with out.open_outline() as outline:
        outline.root.clear()
        outline.root.extend(_nested_outline(bookmarks))
    buffer = io.BytesIO()
    out.save(
        buffer,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        compress_streams=True,
    )
    return buffer.getvalue()


def _copy(out, obj):
    """``obj`` from another PDF into ``out`` (qpdf keeps one copy of each object, so a
    page copied before is the same page here)."""
    import pikepdf

    if not isinstance(obj, pikepdf.Object):
        return obj
    if obj.is_indirect:
        return out.copy_foreign(obj)
    if isinstance(obj, pikepdf.Array):
        return pikepdf.Array([_copy(out, value) for value in obj])
    if isinstance(obj, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copy(out, value) for key, value in obj.items()})
    return obj


def _dests(pdf) -> dict[str, object]:
    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    if dests is None:
        return {}
    flat = dests.get("/Names", [])
    return {str(flat[i]): flat[i + 1] for i in range(0, len(flat), 2)}


def finish(
    spec: PackSpec,
    roots: list[Root] | None,
    bodies: list[PartResult],
    pdf_ua: bool = True,
    progress=None,
) -> RenderedPack:
    """The parts that depend on page numbers, then the merge (see the module docstring).
    ``bodies`` are the item parts (and the withheld notices) in agenda order."""
    from governance.packs.pipeline import _open_appendices, check_public_metadata

    report = progress or (lambda _pct, _msg: None)
    check_public_metadata(spec)
    sources = _open_appendices(spec)
    shapes = {key: source.landscape for key, source in sources.items()}
    views = layout.public_items(spec)
    by_name = {part.name: part for part in bodies}
    ua = pdf_ua and not sources
    with_appendices = [v for v in views if not v.withheld and v.item.appendices]
    placeholders = {
        v.index: [shape for n in range(len(v.item.appendices)) for shape in shapes[(v.index, n)]]
        for v in with_appendices
    }
    # Page counts of the late parts: guessed, then corrected (their numbers do not
    # change their length, so this settles at once unless the first guess was off).
    counts: dict[str, int] = {"front": 2}
    counts.update({f"apx-{v.index}": 1 + len(placeholders[v.index]) for v in with_appendices})
    late: dict[str, PartResult] = {}
    for _attempt in range(4):
        # The front first, until its length is known (the numbers written into it do
        # not change its length): everything after it moves with it.
        for _front in range(3):
            order = _order(views, by_name, counts)
            pages = _absolute_pages(order, by_name, shapes, views)
            report(82, "Numbering the pages")
            front = render_part("front", layout.front_part_html(spec, pages), roots, pdf_ua=ua)
            if front.page_count == counts["front"]:
                break
            counts["front"] = front.page_count
        late = {"front": front}
        for view in with_appendices:
            late[f"apx-{view.index}"] = render_part(
                f"apx-{view.index}",
                layout.appendix_part_html(spec, view, shapes, pages),
                roots,
                placements=_placements(view, sources),
            )
        actual = {name: part.page_count for name, part in late.items()}
        if actual == counts:
            break
        counts = actual
    everything = {**by_name, **late}
    order = _order(views, by_name, counts)
    sequence = [everything[name] for name, _count in order]
    landscape = [wide for part in sequence for wide in part.landscape]
    placeholder = [
        name.startswith("apx-") and page_no >= counts[name] - len(placeholders[int(name[4:])])
        for name, count in order
        for page_no in range(count)
    ]
    report(88, "Joining the parts")
    numbers = render_numbers(landscape, placeholder, spec.closing_note)
    bookmarks: list[Bookmark] = []
    offset = 0
    for part in sequence:
        for title, page, level in part.bookmarks:
            level = 2 if part.name.startswith("apx-") else level
            bookmarks.append(Bookmark(title=title, page=offset + page + 1, level=level))
        offset += part.page_count
    pdf = merge([part.pdf for part in sequence], numbers, bookmarks)
    absolute = _absolute_pages(order, everything, shapes, views)
    return RenderedPack(
        pdf=pdf,
        page_count=offset,
        item_pages={view.number: absolute[view.anchor] for view in views},
        outline=[b.title for b in bookmarks],
        bookmarks=bookmarks,
        pdf_ua=ua,
        warnings=[w for part in sequence for w in part.warnings],
    )


def _order(views, by_name, counts) -> list[tuple[str, int]]:
    order = [("front", counts["front"])]
    for view in views:
        if view.withheld:
            continue
        name = f"item-{view.index}"
        order.append((name, by_name[name].page_count))
        if view.item.appendices:
            order.append((f"apx-{view.index}", counts[f"apx-{view.index}"]))
    if "withheld" in by_name:
        order.append(("withheld", by_name["withheld"].page_count))
    return order


def _absolute_pages(order, parts, shapes, views) -> dict[str, int]:
    """1-based page of every anchor, from the parts' own anchors and page counts. The
    front's stand-in item anchors give way to the items' real ones."""
    by_index = {view.index: view for view in views}
    pages: dict[str, int] = {}
    offset = 0
    for name, count in order:
        part = parts.get(name)
        if name.startswith("apx-"):
            view = by_index[int(name[4:])]
            lengths = [len(shapes[(view.index, n)]) for n in range(len(view.item.appendices))]
            first = offset + count - sum(lengths)
            for n, length in enumerate(lengths):
                pages[f"apx-{view.index}-{n}"] = first + 1
                first += length
        elif part is not None:
            for anchor, page in part.anchors.items():
                if name == "front":
                    pages.setdefault(anchor, offset + page + 1)
                else:
                    pages[anchor] = offset + page + 1
        offset += count
    return pages


def _placements(view, sources):
    def placements(anchors: dict[str, int]):
        out = []
        for n in range(len(view.item.appendices)):
            source = sources[(view.index, n)]
            first = anchors[f"apx-{view.index}-{n}"]
            out.extend((first + k, source, k) for k in range(len(source.landscape)))
        return out

    return placements


def body_parts(spec: PackSpec) -> list[tuple[str, str]]:
    """(name, HTML) of the parts that do not depend on page numbers, in agenda order."""
    views = layout.public_items(spec)
    out = [(f"item-{v.index}", layout.item_part_html(spec, v)) for v in views if not v.withheld]
    if any(v.withheld for v in views):
        out.append(("withheld", layout.withheld_part_html(spec)))
    return out


def render_bodies(
    parts: list[tuple[str, str]], roots: list[Root] | None, progress=None
) -> list[PartResult]:
    """Render body parts one after another; ``progress(count, name)`` after each."""
    out = []
    for name, html in parts:
        out.append(render_part(name, html, roots))
        if progress is not None:
            progress(len(out), f"Laid out {name}")
    return out
