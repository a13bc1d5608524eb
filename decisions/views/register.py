"""The public decision register: no login needed.

Confidential entries show the public (and anyone who may not see the proposal) only
their reference, date and the reason they are exempt from publication: the title,
outcome, decider, value, sign-offs and conflicts are never sent to them, on the page,
in the CSV or on the entry's own page.
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from decisions import selectors
from decisions.models import DecisionEntry
from governance.audit.reads import record_read
from governance.csvcells import spreadsheet_safe as _safe
from governance.paging import DeferredJoinPaginator


@dataclass(frozen=True)
class Row:
    entry: DecisionEntry
    detail: bool  # False: reference, date and exemption reason only
    can_open_proposal: bool


def rows_for(user, entries) -> list[Row]:
    """Rows of a page, with what the user may see of each: a few queries per page."""
    entries = list(entries)
    detail_ids = selectors.entries_showing_detail(user, entries)
    openable: set[int] = set()
    if getattr(user, "is_authenticated", False):
        openable = set(
            selectors.proposals_visible_to(user)
            .filter(pk__in=[e.proposal_id for e in entries])
            .values_list("pk", flat=True)
        )
    return [
        Row(
            entry=e,
            detail=e.pk in detail_ids,
            can_open_proposal=e.pk in detail_ids and e.proposal_id in openable,
        )
        for e in entries
    ]


def _years():
    return [d.year for d in DecisionEntry.objects.dates("decided_on", "year", order="DESC")]


def register(request):
    entries = selectors.register_entries()
    year = request.GET.get("year", "")
    if year.isdigit():
        entries = entries.filter(decided_on__year=int(year))
    page = DeferredJoinPaginator(entries, 50).get_page(request.GET.get("page"))
    rows = rows_for(request.user, page.object_list)
    return render(
        request,
        "decisions/register.html",
        {"page": page, "rows": rows, "years": _years(), "year": year},
    )


def register_entry(request, reference: str):
    entry = selectors.register_entries().filter(reference=reference).first()
    if entry is None:
        raise Http404("No such entry in the decision register.")
    (row,) = rows_for(request.user, [entry])
    signoffs = (
        [
            {**s, "decided_at": parse_datetime(s["decided_at"]) if s.get("decided_at") else None}
            for s in entry.signoff_summary or []
        ]
        if row.detail
        else []
    )
    if row.detail and entry.is_confidential:  # who viewed what (governance.audit.reads)
        record_read(user=request.user, target=entry, how="page", request=request)
    return render(request, "decisions/register_entry.html", {"row": row, "signoffs": signoffs})


CHUNK = 500
CSV_COLUMNS = [
    "reference",
    "title",
    "decision",
    "decided_on",
    "decided_by",
    "authority",
    "financial_value_gbp",
    "signoff_summary",
    "conflicts_declared",
    "confidential",
    "exemption_reason",
    "notes",
]


def _signoff_text(summary: list) -> str:
    return "; ".join(
        f"{s.get('organisation', '')}: {s.get('status', '')}"
        + (f" ({s['signatory']})" if s.get("signatory") else "")
        for s in summary or []
    )


def _conflict_text(conflicts: list) -> str:
    return "; ".join(
        f"{c.get('person', '')} ({c.get('organisation', '')}): {c.get('interest', '')} — "
        f"{c.get('handling', '')}"
        for c in conflicts or []
    )


def csv_row(entry: DecisionEntry, *, detail: bool) -> list[str]:
    if not detail:
        return [
            entry.reference,
            "",
            "",
            entry.decided_on.isoformat(),
            "",
            "",
            "",
            "",
            "",
            "yes",
            entry.exemption_reason,
            "",
        ]
    return [
        entry.reference,
        entry.title,
        entry.get_outcome_display(),
        entry.decided_on.isoformat(),
        entry.decided_by,
        entry.authority,
        f"{entry.financial_value:.2f}",
        _signoff_text(entry.signoff_summary),
        _conflict_text(entry.conflicts),
        "yes" if entry.is_confidential else "no",
        entry.exemption_reason if entry.is_confidential else "",
        entry.notes,
    ]


def register_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="decision-register-{stamp}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8 (£, —)
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    entries = selectors.register_entries().iterator(chunk_size=CHUNK)
    while chunk := list(itertools.islice(entries, CHUNK)):
        detail_ids = selectors.entries_showing_detail(request.user, chunk)
        for entry in chunk:
            writer.writerow([_safe(v) for v in csv_row(entry, detail=entry.pk in detail_ids)])
    return response
