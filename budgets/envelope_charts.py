"""Charts of the system envelope, as server-rendered SVG (like the risk heat map): no
script, nothing fetched, every label escaped, each with a title and a description for
screen readers; the pages and the report show the same figures as a table beside them.

- ``plan_vs_forecast_svg``: each partner's planned and forecast surplus (bars about zero).
- ``trajectory_svg``: the system's year-to-date surplus against the phased plan, by month.
- ``capital_svg``: the capital programme per partner stacked against the envelope.

Amounts are in whole pounds with a true minus sign (``governance.ui`` money format).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe

from governance.risks.charts.svg import tag, text, title
from governance.ui.templatetags.ui import money_text as pounds

PLAN, GOOD, BAD, GRID = "#768692", "#005eb8", "#d5281b", "#d8dde0"
PALETTE = ("#005eb8", "#007f3b", "#ffb81c", "#330072", "#ae2573", "#00a499", "#41b6e6")


def _millions(amount: Decimal) -> str:
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount) / 1_000_000:,.1f}m"


def _svg(width, height, heading, description, parts, id_prefix) -> SafeString:
    t, d = f"{id_prefix}-title", f"{id_prefix}-desc"
    body = title(heading, id=t) + tag("desc", _esc(description), id=d) + "".join(parts)
    return mark_safe(  # noqa: S308 - every text and attribute is escaped by the svg helpers
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{t} {d}" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        f'font-family="Arial, sans-serif">{body}</svg>'
    )


def _esc(value: str) -> str:
    from html import escape

    return escape(value)


def plan_vs_forecast_svg(position, *, id_prefix: str = "plan-forecast") -> SafeString:
    rows = position.rows
    label_w, width, bar_h, gap = 230, 720, 12, 14
    height = 40 + len(rows) * (2 * bar_h + gap) + 30
    values = [v for r in rows for v in (r.plan_surplus, r.forecast_surplus)] or [Decimal(0)]
    top = max(max(abs(v) for v in values), Decimal(1))
    zero_x = label_w + (width - label_w - 20) / 2
    scale = float((width - label_w - 20) / 2) / float(top)
    parts = [
        tag("line", x1=zero_x, y1=28, x2=zero_x, y2=height - 24, stroke="#425563"),
        text("Deficit ←", x=zero_x - 6, y=18, text_anchor="end", font_size=11),
        text("→ Surplus", x=zero_x + 6, y=18, font_size=11),
    ]
    y = 36
    for r in rows:
        parts.append(
            text(r.name[:34], x=label_w - 8, y=y + bar_h + 4, text_anchor="end", font_size=11)
        )
        for value, colour, what in (
            (r.plan_surplus, PLAN, "Plan"),
            (r.forecast_surplus, BAD if r.forecast_variance < 0 else GOOD, "Forecast"),
        ):
            w = abs(float(value)) * scale
            x = zero_x - w if value < 0 else zero_x
            parts.append(
                tag(
                    "rect",
                    title(f"{r.name} {what.lower()}: {pounds(value)}"),
                    x=round(x, 1),
                    y=y,
                    width=round(max(w, 1), 1),
                    height=bar_h,
                    fill=colour,
                )
            )
            parts.append(
                text(
                    f"{what} {_millions(value)}",
                    x=round(zero_x + (w + 4 if value >= 0 else -w - 4), 1),
                    y=y + bar_h - 2,
                    font_size=10,
                    text_anchor="start" if value >= 0 else "end",
                )
            )
            y += bar_h
        y += gap
    desc = "; ".join(
        f"{r.name}: plan {pounds(r.plan_surplus)}, forecast {pounds(r.forecast_surplus)}"
        for r in rows
    )
    return _svg(
        width,
        height,
        f"Planned and forecast surplus per partner, {position.month_label}",
        desc,
        parts,
        id_prefix,
    )


def trajectory_svg(positions, *, id_prefix: str = "trajectory") -> SafeString:
    """Year-to-date system surplus (actual, solid) against the phased plan (dashed)."""
    width, height, left, right, top, bottom = 720, 260, 80, 20, 20, 40
    months = list(range(0, 13))
    plan_by_month = {}
    actual = {0: Decimal(0)}
    if positions:
        annual = positions[0].total.plan_surplus
        for m in months:
            plan_by_month[m] = (annual * m / 12).quantize(Decimal("0.01"))
        for p in positions:
            actual[p.month] = p.total.ytd_surplus
    else:
        plan_by_month = dict.fromkeys(months, Decimal(0))
    values = list(plan_by_month.values()) + list(actual.values())
    lo, hi = min(min(values), Decimal(0)), max(max(values), Decimal(0))
    span = float(hi - lo) or 1.0

    def xy(m, v):
        x = left + (width - left - right) * m / 12
        yv = top + (height - top - bottom) * (1 - (float(v - lo) / span))
        return round(x, 1), round(yv, 1)

    parts = []
    _zx, zy = xy(0, Decimal(0))
    parts.append(tag("line", x1=left, y1=zy, x2=width - right, y2=zy, stroke="#425563"))
    for m in months:
        x, _ = xy(m, 0)
        parts.append(
            text(
                "Start" if m == 0 else f"M{m}",
                x=x,
                y=height - 16,
                text_anchor="middle",
                font_size=10,
            )
        )
    for v in (lo, hi):
        parts.append(
            text(_millions(v), x=left - 6, y=xy(0, v)[1] + 4, text_anchor="end", font_size=10)
        )
    plan_pts = " ".join(f"{x},{y}" for x, y in (xy(m, v) for m, v in plan_by_month.items()))
    parts.append(
        tag(
            "polyline",
            points=plan_pts,
            fill="none",
            stroke=PLAN,
            stroke_width=2,
            stroke_dasharray="6 4",
        )
    )
    act_pts = " ".join(f"{x},{y}" for x, y in (xy(m, v) for m, v in sorted(actual.items())))
    parts.append(tag("polyline", points=act_pts, fill="none", stroke=GOOD, stroke_width=3))
    for m, v in sorted(actual.items()):
        if m:
            x, y = xy(m, v)
            parts.append(
                tag(
                    "circle",
                    title(f"M{m} year to date: {pounds(v)}"),
                    cx=x,
                    cy=y,
                    r=4,
                    fill=BAD if v < plan_by_month[m] else GOOD,
                )
            )
    parts.append(
        text(
            "Plan (dashed)", x=width - right, y=top + 4, text_anchor="end", font_size=11, fill=PLAN
        )
    )
    parts.append(
        text(
            "Actual year to date",
            x=width - right,
            y=top + 18,
            text_anchor="end",
            font_size=11,
            fill=GOOD,
        )
    )
    desc = (
        "; ".join(
            f"M{m}: actual {pounds(v)} against plan {pounds(plan_by_month[m])}"
            for m, v in sorted(actual.items())
            if m
        )
        or "No returns yet."
    )
    return _svg(width, height, "System year-to-date surplus against plan", desc, parts, id_prefix)


def capital_svg(capital_total: Decimal, segments, *, id_prefix: str = "capital") -> SafeString:
    """``segments``: [(label, amount)] stacked left to right against the envelope."""
    width, height, left, right = 720, 120, 20, 20
    used = sum((a for _, a in segments), Decimal(0))
    scale_to = max(capital_total, used, Decimal(1))
    plot = width - left - right

    def w(amount):
        return plot * float(amount) / float(scale_to)

    parts, x = [], float(left)
    for i, (label, amount) in enumerate(segments):
        width_i = w(amount)
        parts.append(
            tag(
                "rect",
                title(f"{label}: {pounds(amount)}"),
                x=round(x, 1),
                y=30,
                width=round(max(width_i, 0.5), 1),
                height=34,
                fill=PALETTE[i % len(PALETTE)],
            )
        )
        x += width_i
    env_x = round(left + w(capital_total), 1)
    parts.append(tag("line", x1=env_x, y1=20, x2=env_x, y2=76, stroke=BAD, stroke_width=3))
    parts.append(
        text(
            f"Envelope {pounds(capital_total)}",
            x=env_x,
            y=14,
            font_size=11,
            text_anchor="end" if env_x > width / 2 else "start",
        )
    )
    headroom = capital_total - used
    parts.append(
        text(
            f"Programme {pounds(used)} · headroom {pounds(headroom)}",
            x=left,
            y=96,
            font_size=11,
        )
    )
    desc = "; ".join(f"{label}: {pounds(a)}" for label, a in segments)
    desc += f". Total {pounds(used)} against the envelope of {pounds(capital_total)}."
    return _svg(width, height, "Capital programme against the envelope", desc, parts, id_prefix)
