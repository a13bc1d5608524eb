"""Pack specs for the tests: a dozen items, Part 1 and Part 2, appendices, a late paper."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from weasyprint import HTML

from governance.packs.engine import render_pack
from governance.packs.spec import PackAppendix, PackItem, PackSpec

SECRET = "ZEBRA-CROSSING-7731"
EXEMPTION = "Commercial interests: contract negotiation in progress (Part 2)."
MEETING = datetime.datetime(2026, 5, 14, 10, 0, tzinfo=ZoneInfo("Europe/London"))

TITLES = [
    ("Apologies and quorum", 1),
    ("Declarations of interest", 1),
    ("Minutes of the previous meeting", 1),
    ("Chief executive's report", 1),
    ("Integrated performance report", 1),
    ("Winter resilience plan", 1),
    ("Urgent and emergency care recovery", 1),
    ("Board Assurance Framework", 1),
    ("Questions from the public", 1),
    (f"Community services contract award {SECRET}", 2),
    ("Estates disposal options", 2),
    ("Senior leadership changes", 2),
]


def make_pdf(pages: list[str], landscape: bool = False) -> bytes:
    size = "A4 landscape" if landscape else "A4"
    body = "".join(
        f'<div style="break-before: page"><h1>{text}</h1><p>{text} body text.</p></div>'
        for text in pages
    )
    return HTML(string=f"<style>@page {{ size: {size} }}</style>{body}").write_pdf()


THREE_PAGE_APPENDIX = make_pdf(["APPENDIX-PAGE-ONE", "APPENDIX-PAGE-TWO", "APPENDIX-PAGE-THREE"])
LANDSCAPE_APPENDIX = make_pdf(["LANDSCAPE-TABLE"], landscape=True)
SECRET_APPENDIX = make_pdf([f"Confidential valuation {SECRET}", "Second confidential page"])


def paragraph(n: int, words: str = "The board is asked to note the position set out below.") -> str:
    return "".join(f"<p>{words} Paragraph {i + 1}.</p>" for i in range(n))


def make_items(extra_paper: str = "") -> list[PackItem]:
    items = []
    for index, (title, part) in enumerate(TITLES):
        number = str(index + 1)
        secret = part == 2 and index == 9
        cover = {
            "Purpose": "<p>For decision.</p>",
            "Recommendation": "<p>The board is asked to approve the recommendation.</p>",
            "Executive summary": f"<p>Summary of item {number}.</p>",
            "Risks": "<p>Set out in section 4.</p>",
            "Financial implications": "<p>£125,000 recurrent.</p>",
            "Conflicts of interest": "<p>None declared.</p>",
            "Equality and quality impact": "<p>Assessment attached.</p>",
        }
        paper = f"<h3>Background</h3>{paragraph(8 + (index % 4) * 12)}"
        if secret:
            cover["Executive summary"] = f"<p>The preferred bidder is {SECRET}.</p>"
            paper += f"<p>Negotiation notes: {SECRET}.</p>"
        appendices = []
        if index == 4:
            appendices = [
                PackAppendix("Performance dashboard", THREE_PAGE_APPENDIX),
                PackAppendix("Trajectory table", LANDSCAPE_APPENDIX),
            ]
        if secret:
            appendices = [PackAppendix(f"Valuation {SECRET}", SECRET_APPENDIX)]
        items.append(
            PackItem(
                number=number,
                title=title,
                presenter=f"Presenter {SECRET}" if secret else "Director of Strategy",
                purpose="decision" if index % 2 else "assurance",
                part=part,
                minutes_allotted=15,
                start_time=datetime.time(10 + index // 4, (index % 4) * 15),
                cover_sheet=cover,
                paper_html=paper + extra_paper,
                appendices=appendices,
                withheld_reason=EXEMPTION if part == 2 else None,
                is_late=index == 6,
            )
        )
    return items


def make_spec(variant: str = "members", items: list[PackItem] | None = None, **kwargs) -> PackSpec:
    fields = {
        "title": "Board meeting in public and private",
        "committee": "NHS Example Integrated Care Board",
        "meeting_datetime": MEETING,
        "location": "Council Chamber, Civic Centre",
        "variant": variant,
        "version_label": "Version 1, issued 7 May 2026",
        "published_note": "Published seven days before the meeting.",
        "items": make_items() if items is None else items,
        "author": "ICB corporate secretariat",
        "subject": "Board papers, 14 May 2026",
    }
    fields.update(kwargs)
    return PackSpec(**fields)


@pytest.fixture(scope="session")
def members_pack():
    spec = make_spec("members")
    return spec, render_pack(spec)


@pytest.fixture(scope="session")
def public_pack():
    spec = make_spec("public")
    return spec, render_pack(spec)


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PACKS_PRIVATE_ROOT = str(tmp_path / "private")
