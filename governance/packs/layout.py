"""The pack as one HTML document for WeasyPrint: cover, agenda, items, placeholders.

Pure string building (every value escaped; rich text re-sanitised), so it runs in the
isolated render process without Django. Anchors are ``item-<index>`` (index in agenda
order) and ``apx-<index>-<n>``; the agenda's page numbers come from
``target-counter()`` on those anchors, so they are whatever page the item lands on.

The public variant is built from :func:`public_items` only: a Part 2 item contributes
its number, its time and its exemption reason, and nothing else.
"""

from __future__ import annotations

import datetime
import string
from dataclasses import dataclass
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from governance.packs.sanitise import clean_html
from governance.packs.spec import (
    CONFIDENTIAL_TITLE,
    COVER_SHEET_SECTIONS,
    DEFAULT_EXEMPTION,
    PackItem,
    PackSpec,
)

LONDON = ZoneInfo("Europe/London")
PACK_CSS = (Path(__file__).with_name("pack.css")).read_text(encoding="utf-8")

RESOLUTION_TEXT = (
    "The committee will be asked to resolve that representatives of the press and other "
    "members of the public be excluded from the remainder of the meeting, having regard "
    "to the confidential nature of the business to be transacted, publicity on which "
    "would be prejudicial to the public interest (Public Bodies (Admission to Meetings) "
    "Act 1960, section 1(2))."
)
PURPOSES = {
    "decision": "For decision",
    "approval": "For approval",
    "assurance": "For assurance",
    "information": "For information",
    "noting": "For noting",
    "discussion": "For discussion",
}


@dataclass(frozen=True)
class ItemView:
    """An item as it appears in this variant (Part 2 in public: a notice only)."""

    index: int
    item: PackItem
    withheld: bool

    @property
    def anchor(self) -> str:
        return f"item-{self.index}"

    @property
    def number(self) -> str:
        return str(self.item.number).strip()

    @property
    def title(self) -> str:
        return CONFIDENTIAL_TITLE if self.withheld else self.item.title

    @property
    def reason(self) -> str:
        return (self.item.withheld_reason or "").strip() or DEFAULT_EXEMPTION

    @property
    def bookmark(self) -> str:
        late = " (late paper)" if self.item.is_late and not self.withheld else ""
        return f"{self.number}. {self.title}{late}"


def public_items(spec: PackSpec) -> list[ItemView]:
    """The items of ``spec`` as its variant may show them."""
    return [
        ItemView(index, item, withheld=spec.is_public and item.part == 2)
        for index, item in enumerate(spec.items)
    ]


def appendix_letter(n: int) -> str:
    letters = string.ascii_uppercase
    return letters[n] if n < 26 else f"{letters[n // 26 - 1]}{letters[n % 26]}"


def format_when(value: datetime.datetime) -> str:
    local = value.astimezone(LONDON)
    return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M}"


def _e(value) -> str:
    return escape(str(value or ""), quote=True)


def _purpose(purpose: str) -> str:
    key = (purpose or "").strip().lower()
    return PURPOSES.get(key, purpose.strip().capitalize() if purpose else "")


def _time_cell(item: PackItem) -> str:
    parts = []
    if item.start_time is not None:
        parts.append(_e(item.start_time.strftime("%H:%M")))
    if item.minutes_allotted:
        parts.append(f'<span class="dur">{int(item.minutes_allotted)} min</span>')
    return "<br>".join(parts)


def _pageref(anchor: str, pages: dict[str, int] | None) -> str:
    """A page reference: WeasyPrint's ``target-counter()``, or (parts) the number known."""
    if pages is None:
        return f'<a class="pageref" href="#{anchor}"></a>'
    return f'<a class="pageno" href="#{anchor}">{int(pages[anchor])}</a>'


def _agenda_row(view: ItemView, pages: dict[str, int] | None = None) -> str:
    item = view.item
    if view.withheld:
        business = (
            f'<a class="title" href="#{view.anchor}">{_e(view.title)}</a><br>'
            f'<span class="withheld-reason">Not published. {_e(view.reason)}</span>'
        )
    else:
        meta = " · ".join(filter(None, [_purpose(item.purpose), _e(item.presenter)]))
        late = ' <span class="late">Late paper</span>' if item.is_late else ""
        business = f'<a class="title" href="#{view.anchor}">{_e(item.title)}</a>{late}'
        if meta:
            business += f'<br><span class="meta">{meta}</span>'
    return (
        f'<tr><td class="time">{_time_cell(item)}</td><td class="num">{_e(view.number)}</td>'
        f"<td>{business}</td>"
        f'<td class="page">{_pageref(view.anchor, pages)}</td></tr>'
    )


def _agenda(views: list[ItemView], pages: dict[str, int] | None = None) -> str:
    rows, part = [], None
    for view in views:
        if view.item.part != part:
            part = view.item.part
            heading = "Part 1: in public" if part == 1 else "Part 2: in private"
            rows.append(
                f'<tr class="part-row"><th colspan="4" scope="rowgroup">{heading}</th></tr>'
            )
            if part == 2:
                rows.append(
                    f'<tr class="resolution"><td colspan="4">{_e(RESOLUTION_TEXT)}</td></tr>'
                )
        rows.append(_agenda_row(view, pages))
    head = (
        '<thead><tr><th scope="col">Time</th><th scope="col">Item</th>'
        '<th scope="col">Business</th><th scope="col">Page</th></tr></thead>'
    )
    return (
        '<section class="agenda" id="agenda" data-bm="Agenda"><h1>Agenda</h1>'
        f'<table class="agenda-table">{head}<tbody>{"".join(rows)}</tbody></table></section>'
    )


def _cover_sheet(item: PackItem) -> str:
    sections = dict(item.cover_sheet or {})
    ordered = [name for name in COVER_SHEET_SECTIONS if name in sections]
    ordered += [name for name in sections if name not in COVER_SHEET_SECTIONS]
    rows = "".join(
        f'<tr><th scope="row">{_e(name)}</th><td>{clean_html(sections[name]) or "None."}</td></tr>'
        for name in ordered
    )
    return f'<h2>Cover sheet</h2><table class="cover-sheet">{rows}</table>' if rows else ""


def _item(
    view: ItemView, appendix_pages: dict[tuple[int, int], list[bool]] | None, marking: str
) -> str:
    """An item's section; its appendices too unless ``appendix_pages`` is None (parts)."""
    item = view.item
    meta = " · ".join(
        filter(
            None,
            [
                _purpose(item.purpose),
                f"Presented by {_e(item.presenter)}" if item.presenter else "",
                f"Part {item.part}",
                f"{int(item.minutes_allotted)} minutes" if item.minutes_allotted else "",
            ],
        )
    )
    out = [
        f'<section class="item part-{item.part}" id="{view.anchor}" data-bm="{_e(view.bookmark)}"'
        f' data-marking="{_e(marking)}">',
        f"<h1>{_e(view.number)}. {_e(item.title)}</h1>",
        f'<p class="item-meta">{meta}</p>',
    ]
    if item.is_late:
        out.append(
            '<p class="late-note"><strong>Late paper.</strong> This paper was received after '
            "the deadline for papers and is included with the chair's agreement.</p>"
        )
    out.append(_cover_sheet(item))
    paper = clean_html(item.paper_html)
    if paper:
        out.append(f'<h2>Paper</h2><div class="paper">{paper}</div>')
    if item.appendices and appendix_pages is not None:
        out.append(_appendices(view, appendix_pages))
    out.append("</section>")
    return "".join(out)


def _appendices(
    view: ItemView,
    appendix_pages: dict[tuple[int, int], list[bool]],
    pages: dict[str, int] | None = None,
) -> str:
    """An item's list of appendices and one placeholder box per appendix page."""
    out = ['<h2>Appendices</h2><ol class="appendix-list">']
    for n, appendix in enumerate(view.item.appendices):
        count = len(appendix_pages[(view.index, n)])
        anchor = f"apx-{view.index}-{n}"
        out.append(
            f"<li>Appendix {appendix_letter(n)}: {_e(appendix.title)} "
            f"({count} page{'s' if count != 1 else ''}, from page "
            f"{_pageref(anchor, pages)})</li>"
        )
    out.append("</ol>")
    for n, appendix in enumerate(view.item.appendices):
        for page_no, landscape in enumerate(appendix_pages[(view.index, n)]):
            cls = "apx-page landscape" if landscape else "apx-page"
            if page_no == 0:
                label = f"Appendix {appendix_letter(n)}: {appendix.title}"
                out.append(
                    f'<div class="{cls}" id="apx-{view.index}-{n}" data-bm="{_e(label)}"></div>'
                )
            else:
                out.append(f'<div class="{cls}"></div>')
    return "".join(out)


def _withheld(views: list[ItemView]) -> str:
    notices = "".join(
        f'<p class="notice" id="{v.anchor}" data-bm="{_e(v.bookmark)}"><strong>Item '
        f"{_e(v.number)}: {_e(v.title)}.</strong> Not published. {_e(v.reason)}</p>"
        for v in views
    )
    return (
        '<section class="withheld"><h1>Part 2: items in private</h1>'
        "<p>These items are considered in private. Their papers are not published.</p>"
        f"{notices}</section>"
    )


def _variant(spec: PackSpec) -> str:
    return "Public pack" if spec.is_public else "Members' pack"


def _marking(spec: PackSpec, view: ItemView) -> str:
    return "PART 2: PRIVATE" if view.item.part == 2 else _variant(spec)


def _cover(spec: PackSpec) -> str:
    variant = _variant(spec)
    if spec.is_public:
        variant_note = "Public pack: papers for the items taken in public."
    else:
        variant_note = (
            "Members' pack: includes Part 2 (private) papers. Confidential: not for publication."
        )
    cover = [
        f'<section class="cover" id="cover" data-bm="Cover" data-marking="{_e(variant)}">',
        f'<p class="kicker">{_e(spec.committee)}</p><h1>{_e(spec.title)}</h1>',
        f'<p class="when">{_e(format_when(spec.meeting_datetime))}</p>',
    ]
    if spec.location:
        cover.append(f'<p class="where">{_e(spec.location)}</p>')
    cover.append(
        f'<p class="variant {"public" if spec.is_public else "members"}">{_e(variant_note)}</p>'
    )
    if spec.version_label:
        cover.append(f'<p class="version">{_e(spec.version_label)}</p>')
    if spec.published_note:
        cover.append(f'<p class="note">{_e(spec.published_note)}</p>')
    cover.append("</section>")
    return "".join(cover)


def _document(spec: PackSpec, body: list[str]) -> str:
    packname = f"{spec.committee}, {format_when(spec.meeting_datetime)}"
    meta = [f'<meta name="author" content="{_e(spec.author)}">'] if spec.author else []
    if spec.subject:
        meta.append(f'<meta name="description" content="{_e(spec.subject)}">')
    if spec.keywords:
        meta.append(f'<meta name="keywords" content="{_e(", ".join(spec.keywords))}">')
    meta.append('<meta name="generator" content="ICS governance engine">')
    return (
        f'<!DOCTYPE html><html lang="{_e(spec.language)}"><head><meta charset="utf-8">'
        f"<title>{_e(spec.title)}</title>{''.join(meta)}</head>"
        f'<body data-packname="{_e(packname)}">{"".join(body)}</body></html>'
    )


def build_html(spec: PackSpec, appendix_pages: dict[tuple[int, int], list[bool]]) -> str:
    """The whole pack as HTML. ``appendix_pages[(item index, appendix n)]`` lists, for
    each page of that appendix, whether it is landscape."""
    views = public_items(spec)
    body = [_cover(spec), _agenda(views)]
    for view in views:
        if not view.withheld:
            body.append(_item(view, appendix_pages, _marking(spec, view)))
    withheld = [v for v in views if v.withheld]
    if withheld:
        body.append(_withheld(withheld))
    return _document(spec, body)


# Parts (governance.packs.parts): the same pack as separate documents, each starting on
# a new page, so they can be laid out concurrently and the unchanged ones reused. Page
# numbers inside a part are literal (known when the part is built), and the footer's
# "Page N of M" is drawn over every page afterwards.


def front_part_html(spec: PackSpec, pages: dict[str, int]) -> str:
    """Cover and agenda with the items' page numbers written in. Each item's anchor is
    also here as an empty span, so the agenda's links are kept; the merge points those
    names at the real pages."""
    views = public_items(spec)
    anchors = "".join(f'<span id="{v.anchor}"></span>' for v in views)
    agenda = _agenda(views, pages).replace("<h1>Agenda</h1>", f"<h1>Agenda{anchors}</h1>", 1)
    return _document(spec, [_cover(spec), agenda])


def item_part_html(spec: PackSpec, view: ItemView) -> str:
    """One item's section without its appendices: independent of where it lands."""
    return _document(spec, [_item(view, None, _marking(spec, view))])


def appendix_part_html(
    spec: PackSpec,
    view: ItemView,
    appendix_pages: dict[tuple[int, int], list[bool]],
    pages: dict[str, int],
) -> str:
    """An item's appendix list (page numbers written in) and its placeholder pages."""
    body = (
        f'<section class="item part-{view.item.part}" '
        f'data-marking="{_e(_marking(spec, view))}">'
        f"{_appendices(view, appendix_pages, pages)}</section>"
    )
    return _document(spec, [body])


def withheld_part_html(spec: PackSpec) -> str:
    return _document(spec, [_withheld([v for v in public_items(spec) if v.withheld])])
