"""The decision register's public entries as an open data set (``/public/data/decisions``).

Confidential entries are left out entirely (the register page shows them as a reference,
a date and an exemption reason; nothing of their substance is published here)."""

from __future__ import annotations

from governance.opendata.registry import Dataset, register

COLUMNS = [
    "reference",
    "title",
    "outcome",
    "decided_on",
    "route",
    "decided_by",
    "authority",
    "financial_value",
    "committee",
    "url",
]


def public_rows() -> list[dict]:
    from decisions.selectors import register_entries

    entries = register_entries().filter(is_confidential=False).select_related("committee")
    return [
        {
            "reference": e.reference,
            "title": e.title,
            "outcome": e.get_outcome_display(),
            "decided_on": e.decided_on.isoformat(),
            "route": e.get_route_display(),
            "decided_by": e.decided_by,
            "authority": e.authority,
            "financial_value": f"{e.financial_value:.2f}",
            "committee": e.committee.name if e.committee_id else "",
            "url": f"/decisions/{e.reference}/",
        }
        for e in entries.order_by("decided_on", "reference")
    ]


def register_dataset() -> None:
    register(
        Dataset(
            name="decisions",
            title="The decision register (public entries)",
            description="Every decision entered in the register that is not confidential: "
            "who decided, when, under which delegation, and for how much.",
            columns=COLUMNS,
            rows=public_rows,
        )
    )
