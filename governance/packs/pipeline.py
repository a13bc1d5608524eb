"""Rendering a pack in this process: spec → HTML → WeasyPrint → appendices drawn in.

No Django here: this runs inside the isolated render process started by
``governance.packs.engine.render_pack`` (which adds the time limit). Call that, not
this, from the application.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from governance.packs import assemble
from governance.packs.fetcher import BASE_URL, PackURLFetcher, Root
from governance.packs.layout import PACK_CSS, appendix_letter, build_html, public_items
from governance.packs.spec import Bookmark, PackError, PackSpec, RenderedPack
from governance.render_engine import CSS, HTML, PROGRESS_LOGGER  # WeasyPrint
from governance.render_engine import LOGGER as WEASYPRINT_LOGGER

Progress = Callable[[int, str], None]


def _cached_page_references(pdf) -> tuple[bytes, ...]:
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_pack_page_references")
    if cached is None or cached[0] != len(kids):
        references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        cached = pdf.__dict__["_pack_page_references"] = (len(kids), references)
    return cached[1]


def speed_up_tagging() -> None:
    """pydyf's ``PDF.page_references`` rebuilds the tuple of every page's reference on
    each call, and WeasyPrint's tagging calls it once per structure element: quadratic
    in pages (on a 300-page pack, most of the tagging's cost). Here it is kept until a
    page is added. Render processes only (this module is never imported by Django's);
    the result is byte-for-byte the same."""
    import pydyf

    if getattr(pydyf.PDF.page_references, "fget", None) is not _cached_page_references:
        pydyf.PDF.page_references = property(_cached_page_references)


def check_public_metadata(spec: PackSpec) -> None:
    """Refuse a public spec whose document-level text names a Part 2 item."""
    if not spec.is_public:
        return
    fields = {
        "title": spec.title,
        "subject": spec.subject,
        "author": spec.author,
        "keywords": " ".join(spec.keywords),
        "location": spec.location,
        "version_label": spec.version_label,
        "published_note": spec.published_note,
    }
    for item in spec.items:
        if item.part != 2:
            continue
        secret = item.title.strip().lower()
        if len(secret) < 4:
            continue
        for name, value in fields.items():
            if secret in (value or "").lower():
                raise PackError(
                    f"The public pack's {name} mentions Part 2 item {item.number}; "
                    "remove it before publishing."
                )


class _Collector(logging.Handler):
    """Keeps WeasyPrint's warnings (e.g. refused URLs) and turns progress into callbacks."""

    def __init__(self, progress: Progress | None) -> None:
        super().__init__(level=logging.INFO)
        self.messages: list[str] = []
        self.progress = progress
        self.layout_pages = 0

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        if record.name == PROGRESS_LOGGER.name:
            if self.progress is None:
                return
            if message.startswith("Step 5"):
                self.layout_pages += 1
                if self.layout_pages % 10 == 0:
                    self.progress(
                        min(75, 20 + self.layout_pages // 10),
                        f"Laying out pages ({self.layout_pages} laid out)",
                    )
            elif message.startswith("Step 6"):
                self.progress(78, "Writing the PDF")
            return
        if record.levelno >= logging.WARNING:
            self.messages.append(message[:300])


def _open_appendices(spec: PackSpec) -> dict[tuple[int, int], assemble.AppendixSource]:
    sources = {}
    for view in public_items(spec):
        if view.withheld:
            continue  # a Part 2 item's appendices are never even opened for the public pack
        for n, appendix in enumerate(view.item.appendices):
            label = f"Item {view.number}, appendix {appendix_letter(n)} ({appendix.title})"
            try:
                sources[(view.index, n)] = assemble.open_appendix(appendix.pdf_bytes, label)
            except assemble.AppendixError as exc:
                raise PackError(str(exc)) from exc
    return sources


def _flatten(tree, level: int = 1) -> list[Bookmark]:
    out = []
    for label, (page_index, _x, _y), children, _state in tree:
        out.append(Bookmark(title=label, page=page_index + 1, level=level))
        out.extend(_flatten(children, level + 1))
    return out


def render_here(
    spec: PackSpec,
    roots: list[Root] | None = None,
    progress: Progress | None = None,
    pdf_ua: bool = True,
) -> RenderedPack:
    """Render ``spec`` in this process. Raises :class:`PackError` for unusable input."""
    started = time.monotonic()
    report = progress or (lambda _pct, _msg: None)
    speed_up_tagging()
    check_public_metadata(spec)
    report(5, "Reading appendices")
    sources = _open_appendices(spec)
    shapes = {key: source.landscape for key, source in sources.items()}
    html = build_html(spec, shapes)

    # Tagged always; PDF/UA-1 claimed only when every page is our own tagged content:
    # a merged appendix page is not part of the structure tree.
    ua = pdf_ua and not sources
    options = {"pdf_tags": True, "pdf_variant": "pdf/ua-1" if ua else None}
    fetcher = PackURLFetcher(roots)
    collector = _Collector(progress)
    loggers = (WEASYPRINT_LOGGER, PROGRESS_LOGGER)
    saved_levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(collector)
    PROGRESS_LOGGER.setLevel(logging.INFO)
    try:
        report(10, "Laying out pages")
        document = HTML(
            string=html, base_url=BASE_URL, url_fetcher=fetcher, media_type="print"
        ).render(
            stylesheets=[CSS(string=PACK_CSS, base_url=BASE_URL, url_fetcher=fetcher)],
            presentational_hints=False,
            **options,
        )
        item_pages: dict[str, int] = {}
        placeholder_pages: dict[str, int] = {}
        for page_index, page in enumerate(document.pages):
            for anchor in page.anchors:
                placeholder_pages.setdefault(anchor, page_index)
        for view in public_items(spec):
            item_pages[view.number] = placeholder_pages[view.anchor] + 1
        bookmarks = _flatten(document.make_bookmark_tree())
        placements = []
        for (index, n), source in sources.items():
            first = placeholder_pages[f"apx-{index}-{n}"]
            placements.extend(
                (first + offset, source, offset) for offset in range(len(source.landscape))
            )
        # The appendix pages are drawn in while the PDF is written (assemble.finisher):
        # the rendered pack is never parsed again.
        pdf = document.write_pdf(
            presentational_hints=False,
            finisher=assemble.finisher(placements) if placements else None,
            **options,
        )
        page_count = len(document.pages)
    finally:
        for lg, level in zip(loggers, saved_levels, strict=True):
            lg.removeHandler(collector)
            lg.setLevel(level)

    report(95, "Checking the pack")
    return RenderedPack(
        pdf=pdf,
        page_count=page_count,
        item_pages=item_pages,
        outline=[b.title for b in bookmarks],
        bookmarks=bookmarks,
        pdf_ua=ua,
        warnings=collector.messages + [f"refused: {u}" for u in fetcher.refused],
        duration_ms=int((time.monotonic() - started) * 1000),
    )
