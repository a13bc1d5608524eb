"""What a board pack contains, as plain data: no models, no database, no Django.

The meetings app builds a :class:`PackSpec` from its agenda and papers and hands it to
``governance.packs.engine.render_pack``; the engine returns a :class:`RenderedPack`.
Everything here pickles, so a spec can cross into the isolated render process.

HTML fields (cover-sheet sections, ``paper_html``) are expected to be sanitised with
``governance.packs.sanitise.clean_html`` already; the engine cleans them again anyway.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Literal

Variant = Literal["public", "members"]
PUBLIC: Variant = "public"
MEMBERS: Variant = "members"

# The cover sheet NHS boards use, in this order; other sections follow in the order given.
COVER_SHEET_SECTIONS: tuple[str, ...] = (
    "Purpose",
    "Recommendation",
    "Executive summary",
    "Risks",
    "Financial implications",
    "Conflicts of interest",
    "Equality and quality impact",
)

# What a Part 2 item is called in the public pack (its real title may itself disclose).
CONFIDENTIAL_TITLE = "Confidential item"
DEFAULT_EXEMPTION = "Exempt from publication: to be considered in private (Part 2)."


class PackError(ValueError):
    """The spec cannot be rendered as asked (e.g. a damaged appendix, or Part 2 text in
    the public pack's metadata). The message is meant for the person who asked."""


class PackRenderError(RuntimeError):
    """The renderer failed (crashed, ran out of memory, or was stopped)."""


class PackRenderTimeout(PackRenderError):
    """The render took longer than its time limit and was stopped."""


@dataclass(frozen=True)
class PackAppendix:
    """An uploaded PDF appended after an item's paper, e.g. "Appendix A: Business case"."""

    title: str
    pdf_bytes: bytes = field(repr=False)


@dataclass(frozen=True)
class PackItem:
    """One agenda item: the agenda line, its cover sheet, its paper and its appendices.

    ``part`` is 1 (in public) or 2 (in private). In the public variant a Part 2 item
    is reduced to a one-line notice giving ``withheld_reason``; none of its title,
    presenter, cover sheet, paper or appendices reach the file.
    """

    number: str
    title: str
    presenter: str = ""
    purpose: str = ""  # decision, approval, assurance, information, noting
    part: int = 1
    minutes_allotted: int | None = None
    start_time: datetime.time | None = None
    cover_sheet: dict[str, str] = field(default_factory=dict)
    paper_html: str = ""
    appendices: list[PackAppendix] = field(default_factory=list)
    withheld_reason: str | None = None
    is_late: bool = False

    def __post_init__(self) -> None:
        if self.part not in (1, 2):
            raise ValueError(f"Item {self.number}: part must be 1 or 2, not {self.part!r}.")
        if not str(self.number).strip():
            raise ValueError("Every item needs a number.")


@dataclass(frozen=True)
class PackSpec:
    """A whole pack: the meeting, the variant and the items in agenda order.

    ``meeting_datetime`` must be timezone-aware; it is shown in Europe/London time.
    ``author`` and ``subject`` become the PDF's document metadata (with ``title``);
    in the public variant they must not mention any Part 2 item (the engine refuses a
    spec whose metadata contains a Part 2 item's title).
    """

    title: str
    committee: str
    meeting_datetime: datetime.datetime
    location: str = ""
    variant: Variant = MEMBERS
    version_label: str = ""
    published_note: str = ""
    # printed at the foot of the last page (the audit trail checkpoint of publication)
    closing_note: str = ""
    items: list[PackItem] = field(default_factory=list)
    author: str = ""
    subject: str = ""
    keywords: list[str] = field(default_factory=list)
    language: str = "en-GB"

    def __post_init__(self) -> None:
        if self.variant not in (PUBLIC, MEMBERS):
            raise ValueError(f"variant must be 'public' or 'members', not {self.variant!r}.")
        if self.meeting_datetime.tzinfo is None or self.meeting_datetime.utcoffset() is None:
            raise ValueError("meeting_datetime must be timezone-aware.")
        numbers = [str(item.number).strip() for item in self.items]
        duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
        if duplicates:
            raise ValueError(f"Item numbers must be unique; repeated: {', '.join(duplicates)}.")

    @property
    def is_public(self) -> bool:
        return self.variant == PUBLIC


@dataclass(frozen=True)
class Bookmark:
    """One entry of the PDF outline: ``level`` 1 for items, 2 for their appendices."""

    title: str
    page: int  # 1-based
    level: int


@dataclass
class RenderedPack:
    """The finished PDF and what the app needs to show about it.

    ``item_pages`` maps each item's number to the 1-based page where it starts in the
    final PDF (the same numbers the agenda inside the pack prints). ``outline`` is the
    bookmark titles in document order (children follow their parent).
    """

    pdf: bytes = field(repr=False)
    page_count: int
    item_pages: dict[str, int]
    outline: list[str]
    bookmarks: list[Bookmark] = field(default_factory=list)
    pdf_ua: bool = False
    warnings: list[str] = field(default_factory=list)
    duration_ms: int = 0
    peak_memory_kib: int = 0  # the render process's peak RSS (0 when rendered in-process)
    cpu_ms: int = 0  # CPU time of the render process(es) (0 when rendered in-process)
    parts_rendered: list[str] = field(default_factory=list)  # rendered in parts: laid out
    parts_reused: list[str] = field(default_factory=list)  # ... and taken from the cache
