"""``/public/data/``: the list of open data files with their licence, and the files."""

from __future__ import annotations

import csv
import io
import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from governance.csvcells import spreadsheet_safe as _safe
from governance.opendata import LICENCE, LICENCE_URL, popolo, registry

# file name: (Popolo collection, title, columns)
COLLECTIONS = {
    "people": ("persons", "People", ["id", "name", "given_name", "family_name"]),
    "organizations": (
        "organizations",
        "Organisations and committees",
        [
            "id",
            "name",
            "classification",
            "identifier",
            "parent_id",
            "founding_date",
            "dissolution_date",
        ],
    ),
    "memberships": (
        "memberships",
        "Committee memberships",
        [
            "id",
            "person_id",
            "organization_id",
            "on_behalf_of_id",
            "role",
            "label",
            "start_date",
            "end_date",
        ],
    ),
    "events": (
        "events",
        "Meetings held in public",
        ["id", "name", "start_date", "location", "status", "organization_id"],
    ),
    "motions": (
        "motions",
        "Decisions on Part 1 items",
        [
            "id",
            "organization_id",
            "legislative_session_id",
            "text",
            "classification",
            "date",
            "result",
        ],
    ),
    "vote_events": (
        "vote_events",
        "Votes taken on Part 1 items",
        [
            "id",
            "motion_id",
            "legislative_session_id",
            "organization_id",
            "start_date",
            "result",
            "yes",
            "no",
            "abstain",
        ],
    ),
    "votes": ("votes", "Named votes", ["vote_event_id", "voter_id", "option", "role"]),
}


def _meta(request) -> dict:
    return {
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "source": request.build_absolute_uri("/public/data/"),
    }


def _open(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    response["X-Licence"] = LICENCE_URL
    return response


def data_index(request):
    files = [("popolo.json", "Everything below in one Popolo JSON document", "JSON")]
    files += [(f"{name}.csv", title, "CSV") for name, (_, title, _) in COLLECTIONS.items()]
    for d in registry.datasets().values():
        files += [(f"{d.name}.csv", d.title, "CSV"), (f"{d.name}.json", d.title, "JSON")]
    return render(
        request,
        "public/data.html",
        {
            "files": files,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "datasets": registry.datasets(),
        },
    )


def popolo_json(request):
    data = {"meta": _meta(request), **popolo.build(request.build_absolute_uri("/").rstrip("/"))}
    body = json.dumps(data, ensure_ascii=False, indent=1)
    return _open(HttpResponse(body, content_type="application/json; charset=utf-8"))


def _csv(name: str, columns: list[str], rows: list[dict]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe(row.get(c)) for c in columns])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.csv"'
    return _open(response)


def _flat(collection: str, row: dict) -> dict:
    if collection == "organizations":
        ids = row.get("identifiers") or [{}]
        return {**row, "identifier": ids[0].get("identifier", "")}
    if collection == "vote_events":
        return {**row, **{c["option"]: c["value"] for c in row.get("counts", [])}}
    return row


def collection_csv(request, name: str):
    if name in COLLECTIONS:
        collection, _, columns = COLLECTIONS[name]
        rows = popolo.build().get(collection, [])
        return _csv(name, columns, [_flat(collection, r) for r in rows])
    dataset = registry.datasets().get(name)
    if dataset is None:
        raise Http404("No such open data file.")
    return _csv(name, dataset.columns, dataset.rows())


def dataset_json(request, name: str):
    dataset = registry.datasets().get(name)
    if dataset is None:
        raise Http404("No such open data file.")
    body = json.dumps({"meta": _meta(request), name: dataset.rows()}, ensure_ascii=False, indent=1)
    return _open(HttpResponse(body, content_type="application/json; charset=utf-8"))
