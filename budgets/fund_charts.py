"""The fund position as a chart: contributed, committed and spent per partner, as
server-rendered SVG (like the envelope's charts and the risk heat map). No script and
nothing fetched; every text escaped; ``role="img"`` with a title and a description
that give every figure, and the page's table beside it stays the data source.

Each partner is a group of three labelled bars on one scale (the largest contribution
fills the plot), each with its amount in whole pounds, so the chart is readable
without colour. Drawn narrow (400 units) so it stays legible at 390 px wide.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from governance.risks.charts.svg import tag, text, title
from governance.ui.templatetags.ui import money_text

# NHS.UK colours, each at least 3:1 against white (WCAG 1.4.11), and every bar labelled.
SERIES = (
    ("contributed", "Contributed", "#005eb8"),
    ("committed", "Committed", "#007f3b"),
    ("spent", "Spent", "#330072"),
)
WIDTH = 400
LABEL_W = 104  # series names
VALUE_W = 116  # amounts, right-aligned
BAR_H = 18
BAR_GAP = 4
NAME_H = 24  # a line of the partner's name above its bars
GROUP_GAP = 14
NAME_CHARS = 40


def _lines(name: str) -> list[str]:
    """The partner's name on one or two lines (the whole name is in the description)."""
    lines = textwrap.wrap(name, NAME_CHARS) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), NAME_CHARS, placeholder="…")]
    return lines


def fund_position_svg(rows, *, id_prefix: str = "fund-chart") -> SafeString:
    """``rows``: the report's partner rows (``organisation``, ``contributed``,
    ``committed``, ``spent``: Decimal)."""
    rows = list(rows)
    plot = WIDTH - LABEL_W - VALUE_W - 8
    top = max(
        [getattr(r, key) for r in rows for key, _, _ in SERIES] + [Decimal(1)],
    )
    scale = plot / float(top)
    bars_h = len(SERIES) * (BAR_H + BAR_GAP) + GROUP_GAP
    height = sum(NAME_H * len(_lines(r.organisation.name)) + bars_h for r in rows) or 30
    height += 4
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = []
    y = 4
    for row in rows:
        name = row.organisation.name
        for line in _lines(name):
            parts.append(text(line, x=0, y=y + 18, font_size=16, font_weight="bold"))
            y += NAME_H
        for key, label, colour in SERIES:
            value = getattr(row, key)
            shown = money_text(value)
            width = max(float(value) * scale, 0) if value > 0 else 0
            parts.append(text(label, x=0, y=y + BAR_H - 3, font_size=15))
            parts.append(
                tag(
                    "rect",
                    x=LABEL_W,
                    y=y,
                    width=round(max(width, 1 if value else 0), 1),
                    height=BAR_H,
                    fill=colour,
                    class_=f"bar bar-{key}",
                    data_partner=name,
                    data_series=key,
                    data_value=f"{value:.2f}",
                )
            )
            parts.append(text(shown, x=WIDTH - 2, y=y + BAR_H - 3, font_size=15, text_anchor="end"))
            y += BAR_H + BAR_GAP
        y += GROUP_GAP
    if not rows:
        parts.append(text("No partners yet.", x=0, y=20, font_size=14))
    desc = "; ".join(
        f"{r.organisation.name}: "
        + ", ".join(f"{label.lower()} {money_text(getattr(r, key))}" for key, label, _ in SERIES)
        for r in rows
    )
    desc = (desc + ". " if desc else "No partners yet. ") + (
        "The same figures are in the table 'Fund position per partner'."
    )
    body = (
        title("Fund position per partner: contributed, committed and spent", id=title_id)
        + tag("desc", escape(desc), id=desc_id)
        + "".join(parts)
    )
    return mark_safe(  # noqa: S308 - every text and attribute is escaped by the svg helpers
        tag(
            "svg",
            body,
            xmlns="http://www.w3.org/2000/svg",
            role="img",
            aria_labelledby=f"{title_id} {desc_id}",
            viewBox=f"0 0 {WIDTH} {height}",
            width="100%",
            class_="app-chart app-fund-chart",
            font_family="Frutiger W01, Arial, sans-serif",
            fill="#212b32",
        )
    )
