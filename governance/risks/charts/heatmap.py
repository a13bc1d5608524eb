"""The 5×5 heat map of current scores: likelihood across (1 → 5), consequence up
(1 → 5), one cell per pair with the number of risks, coloured by band, each cell a
link to the register filtered to that cell. Accessible: the SVG has a title and a
description, every cell a label, and ``heat_map_rows`` gives the same counts for the
data table shown with it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from governance.risks import scoring
from governance.risks.charts.svg import tag, text, title

CELL = 64
LEFT = 118  # room for the consequence labels
TOP = 8
BOTTOM = 64  # room for the likelihood labels


@dataclass(frozen=True)
class Cell:
    likelihood: int
    consequence: int
    count: int
    url: str

    @property
    def score(self) -> int:
        return scoring.score(self.likelihood, self.consequence)

    @property
    def band(self) -> scoring.Band:
        return scoring.band_for(self.score)

    @property
    def label(self) -> str:
        """The cell's accessible name. It starts with the count, the link's visible text
        (WCAG 2.5.3 Label in Name; axe ``label-content-name-mismatch``)."""
        return f"{self.count} {self.description}"

    @property
    def description(self) -> str:
        """The words after the count, e.g. "risks: likelihood 3 (possible), …"."""
        risks = "risk" if self.count == 1 else "risks"
        return (
            f"{risks}: likelihood {self.likelihood} "
            f"({scoring.LIKELIHOOD_LABELS[self.likelihood].lower()}), consequence "
            f"{self.consequence} ({scoring.CONSEQUENCE_LABELS[self.consequence].lower()}), "
            f"score {self.score} ({self.band.label.lower()})"
        )


def default_url(likelihood: int, consequence: int) -> str:
    return f"/risks/?likelihood={likelihood}&consequence={consequence}"


def heat_map_rows(
    counts: dict[tuple[int, int], int], url: Callable[[int, int], str] = default_url
) -> list[list[Cell]]:
    """Rows of cells, consequence 5 (top) down to 1, likelihood 1 → 5 in each row."""
    return [
        [Cell(lk, cq, counts.get((lk, cq), 0), url(lk, cq)) for lk in scoring.RATINGS]
        for cq in reversed(scoring.RATINGS)
    ]


def heat_map_svg(
    counts: dict[tuple[int, int], int],
    *,
    url: Callable[[int, int], str] = default_url,
    links: bool = True,
    id_prefix: str = "heatmap",
    caption: str = "Heat map of current risk scores",
) -> SafeString:
    total = sum(counts.values())
    width, height = LEFT + 5 * CELL + 8, TOP + 5 * CELL + BOTTOM
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    busiest = sorted(
        ((n, lk, cq) for (lk, cq), n in counts.items() if n), key=lambda t: (-t[0], -t[1] * t[2])
    )
    summary = "; ".join(f"{n} at likelihood {lk}, consequence {cq}" for n, lk, cq in busiest[:5])
    desc = (
        f"{total} risk{'s' if total != 1 else ''} on a 5 by 5 grid: likelihood increases from "
        "left to right and consequence from bottom to top; cells are coloured green (low, "
        "1 to 3), yellow (moderate, 4 to 6), amber (high, 8 to 12) and red (extreme, 15 to "
        f"25). {summary + '.' if summary else 'No risks.'} The same counts follow as a table."
    )
    parts = [title(caption, id=title_id), tag("desc", escape(desc), id=desc_id)]
    for row_index, row in enumerate(heat_map_rows(counts, url)):
        for cell in row:
            x = LEFT + (cell.likelihood - 1) * CELL
            y = TOP + row_index * CELL
            body = (
                title(cell.label)
                + tag(
                    "rect",
                    x=x + 1,
                    y=y + 1,
                    width=CELL - 2,
                    height=CELL - 2,
                    rx=3,
                    fill=cell.band.colour,
                    stroke="#ffffff",
                    stroke_width=2,
                )
                + text(
                    cell.count if cell.count else "0",
                    x=x + CELL / 2,
                    y=y + CELL / 2 + 9,
                    text_anchor="middle",
                    font_size=26 if cell.count else 16,
                    font_weight="bold" if cell.count else "normal",
                    fill=cell.band.text_colour,
                    class_="count",
                )
            )
            # The score in the corner is drawn outside the link, so the link's visible
            # text is the count alone (its accessible name starts with it).
            score = text(
                cell.score,
                x=x + CELL - 6,
                y=y + 14,
                text_anchor="end",
                font_size=10,
                fill=cell.band.text_colour,
                aria_hidden="true",
                pointer_events="none",
            )
            data = {
                "class_": "cell",
                "data_likelihood": cell.likelihood,
                "data_consequence": cell.consequence,
                "data_count": cell.count,
            }
            if links:
                parts.append(tag("a", body, href=cell.url, aria_label=cell.label, **data))
            else:
                parts.append(tag("g", body, **data))
            parts.append(score)
    for rating in scoring.RATINGS:  # axis labels
        cx = LEFT + (rating - 1) * CELL + CELL / 2
        parts.append(text(rating, x=cx, y=TOP + 5 * CELL + 16, text_anchor="middle", font_size=12))
        parts.append(
            text(
                scoring.LIKELIHOOD_LABELS[rating],
                x=cx,
                y=TOP + 5 * CELL + 30,
                text_anchor="middle",
                font_size=9,
            )
        )
        cy = TOP + (5 - rating) * CELL + CELL / 2
        parts.append(
            text(
                f"{rating} {scoring.CONSEQUENCE_LABELS[rating]}",
                x=LEFT - 8,
                y=cy + 4,
                text_anchor="end",
                font_size=11,
            )
        )
    parts.append(
        text(
            "Likelihood →",
            x=LEFT + 5 * CELL / 2,
            y=height - 10,
            text_anchor="middle",
            font_size=12,
            font_weight="bold",
        )
    )
    parts.append(
        text(
            "Consequence →",
            x=14,
            y=TOP + 5 * CELL / 2,
            text_anchor="middle",
            font_size=12,
            font_weight="bold",
            transform=f"rotate(-90 14 {TOP + 5 * CELL / 2})",
        )
    )
    svg = tag(
        "svg",
        "".join(parts),
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        width=width,
        height=height,
        role="group" if links else "img",
        aria_labelledby=f"{title_id} {desc_id}",
        class_="risk-heatmap",
        font_family="Arial, Helvetica, sans-serif",
    )
    return mark_safe(svg)  # noqa: S308 - every value above is escaped by charts.svg
