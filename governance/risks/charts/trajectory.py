"""A risk's score trajectory: inherent score → each assessment (the initial one, reviews,
edits) → target, as a small line chart over the four bands, with the appetite line."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from governance.risks import scoring
from governance.risks.charts.svg import tag, text, title

HEIGHT = 210
TOP, BOTTOM, LEFT, RIGHT = 24, 42, 34, 16
STEP = 64
MAX_POINTS = 14  # inherent + up to 12 assessments + target


@dataclass(frozen=True)
class Point:
    label: str  # short x-axis label
    description: str  # full text for screen readers and tooltips
    score: int
    planned: bool = False  # the target (not yet reached)


def trajectory_points(risk, assessments) -> list[Point]:
    """Inherent, then the assessments in order (the latest 12), then the target."""
    points = [Point("Inherent", f"Inherent score {risk.inherent_score}", risk.inherent_score)]
    for a in list(assessments)[-(MAX_POINTS - 2) :]:
        when = a.assessed_on
        points.append(
            Point(
                f"{when:%d %b %y}",
                f"{a.get_kind_display()} on {when:%d %B %Y}: {a.score} ({a.band.label.lower()})",
                a.score,
            )
        )
    points.append(
        Point("Target", f"Target score {risk.target_score}", risk.target_score, planned=True)
    )
    return points


def _y(score: float) -> float:
    return TOP + (25 - score) * (HEIGHT - TOP - BOTTOM) / 25


def trajectory_svg(
    points: list[Point], *, appetite: int | None = None, id_prefix: str = "trajectory"
) -> SafeString:
    width = LEFT + RIGHT + STEP * max(len(points) - 1, 1) + 24
    plot_right = width - RIGHT
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    desc = "; ".join(p.description for p in points)
    if appetite is not None:
        desc += f". Appetite: up to {appetite}."
    parts = [title("Score trajectory", id=title_id), tag("desc", escape(desc), id=desc_id)]
    # band backgrounds (pale) between band boundaries
    edges = [0, 3.5, 7, 13.5, 25]
    for band, low, high in zip(scoring.BANDS, edges[:-1], edges[1:], strict=True):
        parts.append(
            tag(
                "rect",
                x=LEFT,
                y=round(_y(high), 1),
                width=plot_right - LEFT,
                height=round(_y(low) - _y(high), 1),
                fill=band.colour,
                fill_opacity="0.18",
            )
        )
    for tick in (0, 5, 10, 15, 20, 25):
        parts.append(
            text(tick, x=LEFT - 6, y=round(_y(tick), 1) + 4, text_anchor="end", font_size=10)
        )
    if appetite is not None:
        y = round(_y(appetite), 1)
        parts.append(
            tag(
                "line",
                x1=LEFT,
                x2=plot_right,
                y1=y,
                y2=y,
                stroke="#4c6272",
                stroke_dasharray="4 3",
                class_="appetite",
            )
        )
        parts.append(
            text(f"Appetite {appetite}", x=plot_right - 2, y=y - 4, text_anchor="end", font_size=9)
        )
    xy = [(LEFT + 12 + i * STEP, round(_y(p.score), 1)) for i, p in enumerate(points)]
    actual = [pt for pt, p in zip(xy, points, strict=True) if not p.planned]
    if len(actual) > 1:
        parts.append(
            tag(
                "polyline",
                points=" ".join(f"{x},{y}" for x, y in actual),
                fill="none",
                stroke="#005eb8",
                stroke_width=2.5,
            )
        )
    if points[-1].planned and len(xy) > 1:
        (x1, y1), (x2, y2) = xy[-2], xy[-1]
        parts.append(
            tag(
                "line",
                x1=x1,
                y1=y1,
                x2=x2,
                y2=y2,
                stroke="#005eb8",
                stroke_width=2,
                stroke_dasharray="5 4",
            )
        )
    for (x, y), p in zip(xy, points, strict=True):
        band = scoring.band_for(p.score)
        parts.append(
            tag(
                "g",
                title(p.description)
                + tag(
                    "circle",
                    cx=x,
                    cy=y,
                    r=6,
                    fill="#ffffff" if p.planned else band.colour,
                    stroke="#212b32",
                    stroke_width=1.5,
                )
                + text(p.score, x=x, y=y - 10, text_anchor="middle", font_size=11),
                class_="point",
                data_score=p.score,
            )
        )
        parts.append(
            text(p.label, x=x, y=HEIGHT - BOTTOM + 16, text_anchor="middle", font_size=9.5)
        )
    svg = tag(
        "svg",
        "".join(parts),
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {HEIGHT}",
        width=width,
        height=HEIGHT,
        role="img",
        aria_labelledby=f"{title_id} {desc_id}",
        class_="risk-trajectory",
        font_family="Arial, Helvetica, sans-serif",
    )
    return mark_safe(svg)  # noqa: S308 - every value above is escaped by charts.svg
