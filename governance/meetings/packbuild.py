"""Turning a meeting into a ``PackSpec`` for the pack engine (governance.packs).

The public variant is built from public data only: a Part 2 item becomes a bare notice
(number, "Confidential item", its exemption reason) and none of its title, presenter,
papers, appendices, declarations, actions or minutes is read into the spec.

The members' pack shows, on each item, the "declared interests for this item": the
declarations expected from the register when the agenda was published (and any made
since), with the chair's decision once recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape, linebreaks

from governance.meetings import reports, selectors
from governance.meetings.models import (
    COVER_FIELDS,
    AgendaItem,
    Meeting,
    MinutesStatus,
    PackKind,
    PackVariant,
    Paper,
    PaperStatus,
    StandingKind,
)
from governance.packs import spec as packspec

# our cover-sheet fields → the engine's section headings
SECTION_OF = dict(
    zip((name for name, _ in COVER_FIELDS), packspec.COVER_SHEET_SECTIONS, strict=True)
)


@dataclass
class BuiltSpec:
    spec: packspec.PackSpec
    item_numbers: dict[str, int]  # item number in the pack → agenda item id
    contents: dict[str, int]  # agenda item id → paper revision included (0: no paper)


def _paper_of(item: AgendaItem) -> Paper | None:
    paper = getattr(item, "paper", None)
    if paper is None or paper.status != PaperStatus.APPROVED:
        return None
    return paper


def included_revisions(meeting: Meeting, variant: str) -> dict[str, int]:
    """What a full pack of ``variant`` would contain now: {item id: approved revision}."""
    out = {}
    for item in selectors.agenda(meeting).select_related("paper"):
        if variant == PackVariant.PUBLIC and item.is_part2:
            continue
        paper = _paper_of(item)
        out[str(item.pk)] = paper.revision if paper else 0
    return out


def _previous_minutes_html(meeting: Meeting, public: bool) -> str:
    previous = selectors.previous_meeting(meeting)
    minutes = getattr(previous, "minutes", None) if previous else None
    if minutes is None:
        return "<p>There are no minutes of a previous meeting to approve.</p>"
    state = "draft" if minutes.status == MinutesStatus.DRAFT else "approved"
    parts = [
        f"<p>The {state} minutes of the meeting of "
        f"{timezone.localtime(previous.start):%-d %B %Y} are presented for approval.</p>",
        linebreaks(minutes.attendance_text),
    ]
    for entry in minutes.entries.select_related("item").order_by("item__position"):
        item = entry.item
        if public and (entry.is_part2 or item.is_part2):
            parts.append(
                f"<h4>{item.position}. {escape(packspec.CONFIDENTIAL_TITLE)}</h4>"
                f"<p>Exempt under {escape(item.exemption_reason)}. Not published.</p>"
            )
            continue
        parts.append(f"<h4>{item.position}. {escape(item.title)}</h4>{linebreaks(entry.text)}")
    return "".join(parts)


def _action_log_html(meeting: Meeting, public: bool) -> str:
    actions = selectors.action_log(meeting, public=public)
    if not actions:
        return "<p>There are no actions carried forward.</p>"
    rows = "".join(
        f"<tr><td>{escape(a.reference)}</td><td>{escape(a.description)}</td>"
        f"<td>{escape(a.owner.get_full_name() or a.owner.get_username())}</td>"
        f"<td>{a.due_date:%-d %b %Y}</td><td>{escape(a.get_status_display())}</td>"
        f"<td>{escape(a.progress)}</td></tr>"
        for a in actions
    )
    return (
        "<table><thead><tr><th scope='col'>Ref</th><th scope='col'>Action</th>"
        "<th scope='col'>Owner</th><th scope='col'>Due</th><th scope='col'>Status</th>"
        f"<th scope='col'>Progress</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _chairs_actions_html(meeting: Meeting, public: bool) -> str:
    entries = reports.chairs_actions(meeting)
    withheld = 0
    if public:
        withheld = sum(1 for e in entries if e["confidential"])
        entries = [e for e in entries if not e["confidential"]]
    note = (
        f"<p>{withheld} confidential chair's action(s) are reported in private.</p>"
        if withheld
        else ""
    )
    if not entries:
        return note or "<p>No chair's actions have been taken since the last meeting.</p>"
    rows = "".join(
        f"<tr><td>{e['date']:%-d %b %Y}</td><td>{escape(e['label'])}</td>"
        f"<td>{escape(e['summary'])}</td></tr>"
        if e["date"]
        else f"<tr><td></td><td>{escape(e['label'])}</td><td>{escape(e['summary'])}</td></tr>"
        for e in entries
    )
    return (
        "<table><thead><tr><th scope='col'>Date</th><th scope='col'>Action</th>"
        f"<th scope='col'>Summary</th></tr></thead><tbody>{rows}</tbody></table>" + note
    )


def _standing_html(meeting: Meeting, item: AgendaItem, public: bool) -> str:
    if item.standing_kind == StandingKind.PREVIOUS_MINUTES:
        return _previous_minutes_html(meeting, public)
    if item.standing_kind == StandingKind.ACTION_LOG:
        return _action_log_html(meeting, public)
    if item.standing_kind == StandingKind.CHAIRS_ACTIONS:
        return _chairs_actions_html(meeting, public)
    if item.standing_kind == StandingKind.EXCLUSION:
        return (
            "<p>The chair will move that the public be excluded from the rest of the "
            "meeting, for the reasons stated against each item that follows.</p>"
        )
    return ""


def _declared_html(item: AgendaItem) -> str:
    """Members' pack: the declared interests for this item."""
    rows = [d for d in item.declarations.all() if not d.withdrawn]
    if not rows:
        return ""
    lines = "".join(
        f"<li>{escape(d.person.get_full_name() or d.person.get_username())}: "
        f"{escape(d.description)}"
        + (f" — chair's decision: {escape(d.handling_display.lower())}" if d.handling else "")
        + "</li>"
        for d in rows
    )
    return f"<h4>Declared interests for this item</h4><ul>{lines}</ul>"


def _item(meeting: Meeting, item: AgendaItem, start, public: bool) -> packspec.PackItem:
    number = str(item.position)
    if public and item.is_part2:
        return packspec.PackItem(
            number=number,
            title=packspec.CONFIDENTIAL_TITLE,
            part=2,
            minutes_allotted=item.duration_minutes,
            start_time=start.time(),
            withheld_reason=f"Exempt from publication under {item.exemption_reason}.",
        )
    paper = _paper_of(item)
    cover, body, appendices, late = {}, "", [], False
    if paper is not None:
        cover = {SECTION_OF[name]: getattr(paper, name) for name, _ in COVER_FIELDS}
        cover = {k: v for k, v in cover.items() if v}
        body = paper.body
        late = paper.is_late
        for appendix in paper.appendices.order_by("position", "pk"):
            with appendix.file.open("rb") as fh:
                appendices.append(packspec.PackAppendix(title=appendix.title, pdf_bytes=fh.read()))
    elif item.standing_kind:
        body = _standing_html(meeting, item, public)
    elif getattr(item, "paper", None) is not None:
        body = "<p><em>Paper to follow.</em></p>"
    if not public:
        body = _declared_html(item) + body
    return packspec.PackItem(
        number=number,
        title=item.title,
        presenter=item.presenter,
        purpose=item.purpose,
        part=item.part,
        minutes_allotted=item.duration_minutes,
        start_time=start.time(),
        cover_sheet=cover,
        paper_html=body,
        appendices=appendices,
        is_late=late,
    )


def build_spec(
    meeting: Meeting,
    variant: str,
    *,
    kind: str = PackKind.FULL,
    only_items: set[int] | None = None,
    version: int = 1,
) -> BuiltSpec:
    """The spec of a pack of ``meeting``. ``only_items`` limits it to those agenda items
    (a supplementary pack of late papers)."""
    public = variant == PackVariant.PUBLIC
    items = list(
        selectors.agenda(meeting).select_related("paper").prefetch_related("declarations__person")
    )
    times = selectors.item_times(meeting, items)
    pack_items, numbers, contents = [], {}, {}
    for item in items:
        if only_items is not None and item.pk not in only_items:
            continue
        pack_items.append(_item(meeting, item, times[item.pk], public))
        numbers[str(item.position)] = item.pk
        if not (public and item.is_part2):
            paper = _paper_of(item)
            contents[str(item.pk)] = paper.revision if paper else 0
    committee = meeting.committee
    when = timezone.localtime(meeting.start)
    label = {
        PackKind.FULL: f"Version {version}",
        PackKind.SUPPLEMENTARY: f"Supplementary pack (version {version}): late papers",
        PackKind.REISSUE: f"Re-issued pack (version {version})",
    }[kind]
    spec = packspec.PackSpec(
        title=meeting.display_title,
        committee=committee.name,
        meeting_datetime=when,
        location=meeting.location or meeting.online_link,
        variant=packspec.PUBLIC if public else packspec.MEMBERS,
        version_label=label,
        published_note=(
            f"Published {selectors.publication_date(meeting):%-d %B %Y}" if public else ""
        ),
        items=pack_items,
        author=committee.organisation.name,
        subject=f"{committee.name} meeting pack, {when:%-d %B %Y}",
        keywords=[committee.name, "board pack", "public" if public else "members"],
    )
    return BuiltSpec(spec=spec, item_numbers=numbers, contents=contents)
