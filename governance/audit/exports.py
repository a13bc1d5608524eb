"""Streamed exports of the audit trail as JSON lines and CSV, in constant memory.

Both read the events in keyset chunks on ``seq`` (``CHUNK`` rows a query, no OFFSET)
and stream them (``StreamingHttpResponse``), so a million events need no more memory
than one chunk. Every event carries its chain hashes (``AuditEvent.as_record()``: the
hashed fields, ``prev_hash``, ``hash`` and any signature fields the model adds).

- **The whole trail** (someone who reads everything, no filter): the events up to the
  chain head read when the export starts, then the head line
  ``{"type": "head", "seq": …, "hash": …}``; ``python3 governance/audit/chain.py FILE``
  verifies it offline.
- **A filtered trail** (any filter, or a partner secretariat's own organisations) is not
  one chain: it starts with ``{"type": "filtered", "filters": {…}}`` (so chain.py
  refuses it as a whole chain) and each event can still be checked on its own:
  ``hash == sha256(prev_hash + canonical fields)`` (``verify_each``).

CSV has the same columns as a JSON line plus readable ones (UK time, the person's name,
the organisation, the sentence), a ``type`` column (``event``, ``head``, ``filtered``),
``changes`` as canonical JSON, and text a spreadsheet would run as a formula prefixed
with an apostrophe in a reversible way (``records_from_csv`` reads the exact values
back, so a whole-trail CSV verifies with ``chain.verify_records`` too).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from governance import permissions
from governance.audit import chain, sentences
from governance.audit.models import AuditEvent, ChainHead

CHUNK = 2000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
READABLE_COLUMNS = ["when_uk", "person", "organisation", "what"]
INT_COLUMNS = {"seq", "actor_id", "organisation_id"}


def head() -> dict:
    """The chain head now: ``{"type": "head", "seq": …, "hash": …}``."""
    found = ChainHead.objects.filter(id=1).values("seq", "hash").first()
    if found is None:
        found = {"seq": 0, "hash": chain.GENESIS_HASH}
    return {"type": "head", "seq": found["seq"], "hash": found["hash"]}


def checkpoints() -> list[dict]:
    """Published checkpoints to append after the head, when the trail has them."""
    from governance.audit import selectors

    getter = getattr(selectors, "published_checkpoints", None)
    return list(getter()) if getter is not None else []


def chunked(events: QuerySet[AuditEvent], *, up_to: int | None = None) -> Iterator[AuditEvent]:
    """``events`` in ``seq`` order, ``CHUNK`` rows a query (keyset: no OFFSET)."""
    last = 0
    if up_to is not None:
        events = events.filter(seq__lte=up_to)
    while True:
        chunk = list(events.filter(seq__gt=last).order_by("seq")[:CHUNK])
        yield from chunk
        if len(chunk) < CHUNK:
            return
        last = chunk[-1].seq


def is_whole_trail(user, filters: dict) -> bool:
    return not filters and permissions.reads_everything(user)


# --- JSON lines -------------------------------------------------------------------------


def jsonl_lines(events: QuerySet[AuditEvent], *, whole: bool, filters: dict) -> Iterator[str]:
    top = head()
    if not whole:
        yield _json_line(
            {
                "type": "filtered",
                "filters": filters,
                "note": "A filtered export is not one chain: check each event's own hash "
                "(sha256 of prev_hash and its fields), not the links between events.",
            }
        )
    # as_record() needs no person or organisation: no joins
    for event in chunked(events.select_related(None), up_to=top["seq"]):
        yield _json_line(event.as_record())
    yield _json_line(top)
    for checkpoint in checkpoints():
        yield _json_line({**checkpoint, "type": "checkpoint"})


def _json_line(value: dict) -> str:
    return chain.canonical_json(value) + "\n"


# --- CSV ----------------------------------------------------------------------------------


def csv_cell(value) -> str:
    """Text safe in a spreadsheet, reversibly: a leading apostrophe is added to text
    starting with a formula character, or with an apostrophe (so it can be removed)."""
    text = "" if value is None else str(value)
    if text[:1] in FORMULA_START or (text[:1] == "'" and text[1:2] in (*FORMULA_START, "'")):
        return "'" + text
    return text


def csv_uncell(text: str) -> str:
    if text[:1] == "'" and text[1:2] in (*FORMULA_START, "'"):
        return text[1:]
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(events: QuerySet[AuditEvent], *, whole: bool, filters: dict) -> Iterator[str]:
    writer = csv.writer(_Echo())
    top = head()
    columns: list[str] | None = None
    yield "\ufeff"  # so spreadsheet programs read UTF-8 (£, —)
    for event in chunked(events, up_to=top["seq"]):
        record = event.as_record()
        if columns is None:
            columns = ["type", *record, *READABLE_COLUMNS]
            yield writer.writerow(columns)
            if not whole:
                yield writer.writerow(
                    _marker(columns, "filtered", target_label=json.dumps(filters))
                )
        record["changes"] = chain.canonical_json(record["changes"])
        readable = {
            "when_uk": timezone.localtime(event.timestamp).strftime("%d/%m/%Y %H:%M:%S"),
            "person": sentences.person(event),
            "organisation": event.organisation.name if event.organisation_id else "",
            "what": sentences.sentence(event.verb, event.changes),
        }
        values = {"type": "event", **record, **readable}
        yield writer.writerow([csv_cell(values.get(c)) for c in columns])
    if columns is None:  # no events: the header still names the columns
        columns = ["type", *chain.ROW_FIELDS, *READABLE_COLUMNS]
        yield writer.writerow(columns)
        if not whole:
            yield writer.writerow(_marker(columns, "filtered", target_label=json.dumps(filters)))
    yield writer.writerow(_marker(columns, "head", seq=top["seq"], hash=top["hash"]))


def _marker(columns: list[str], kind: str, **values) -> list[str]:
    values["type"] = kind
    return [csv_cell(values.get(c, "")) for c in columns]


def records_from_csv(lines: Iterable[str]) -> tuple[list[dict], dict | None, bool]:
    """(event records with their exact values, the head row, whether it was filtered)
    from an exported CSV (``chain.verify_records`` checks the records)."""
    reader = csv.DictReader(line.lstrip("\ufeff") for line in lines)
    records, top, filtered = [], None, False
    for row in reader:
        row = {k: csv_uncell(v) for k, v in row.items() if k not in READABLE_COLUMNS}
        kind = row.pop("type")
        if kind == "filtered":
            filtered = True
            continue
        if kind == "head":
            top = {"seq": int(row["seq"]), "hash": row["hash"]}
            continue
        for name in INT_COLUMNS:
            row[name] = int(row[name]) if row.get(name) not in (None, "") else None
        row["changes"] = json.loads(row["changes"] or "{}")
        records.append(row)
    return records, top, filtered


# --- checking a filtered export -------------------------------------------------------------


def verify_each(records: Iterable[dict], keys=None) -> chain.VerifyResult:
    """A filtered export checked event by event (``chain.verify_each``)."""
    return chain.verify_each(records, keys)


# --- responses ------------------------------------------------------------------------------


def streamed(user, events: QuerySet[AuditEvent], filters: dict, kind: str):
    """The streamed export (``kind``: "jsonl" or "csv") of ``events`` for ``user``."""
    whole = is_whole_trail(user, filters)
    stamp = timezone.localdate().isoformat()
    name = f"audit-trail-{stamp}{'' if whole else '-filtered'}.{kind}"
    if kind == "csv":
        body, content_type = csv_lines(events, whole=whole, filters=filters), "text/csv"
    else:
        body, content_type = jsonl_lines(events, whole=whole, filters=filters), "application/jsonl"
    response = StreamingHttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
