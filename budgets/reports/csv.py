"""The fund position as CSV: one row per partner and a total row (UTF-8 with BOM, so
spreadsheets read the £ sign; text cells that could be read as formulas are
prefixed with an apostrophe)."""

from __future__ import annotations

import csv
import io

from budgets.reports.position import FundReport

COLUMNS = [
    "partner",
    "identifier",
    "contributed",
    "committed",
    "spent",
    "uncommitted",
    "forecast_outturn",
    "variance_share",
    "risk_share_percent",
]
LEDGER_COLUMNS = [
    "recorded_at",
    "kind",
    "amount",
    "partner",
    "allocation",
    "scheme_line",
    "reference",
    "memo",
    "recorded_by",
]


def safe(value) -> str:
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def report_csv(report: FundReport) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in report.partners:
        writer.writerow(
            [
                safe(row.organisation.name),
                safe(row.organisation.identifier),
                row.contributed,
                row.committed,
                row.spent,
                row.uncommitted,
                row.forecast_outturn,
                row.variance,
                row.share_percent,
            ]
        )
    t = report.totals
    writer.writerow(
        [
            "Total",
            "",
            t["contributed"],
            t["committed"],
            t["spent"],
            t["uncommitted"],
            t["forecast_outturn"],
            t["variance"],
            "100.00" if report.partners else "",
        ]
    )
    return out.getvalue()


def ledger_csv(entries) -> str:
    from django.utils import timezone

    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(LEDGER_COLUMNS)
    for e in entries:
        writer.writerow(
            [
                timezone.localtime(e.recorded_at).isoformat(timespec="seconds"),
                e.kind,
                e.amount,
                safe(e.organisation.name if e.organisation else ""),
                safe(e.allocation.reference if e.allocation else ""),
                safe(e.scheme_line.code if e.scheme_line else ""),
                safe(e.reference),
                safe(e.memo),
                safe(e.actor.get_username() if e.actor else "system"),
            ]
        )
    return out.getvalue()
