"""Organisations from NHS ODS files and ONS code lists: parse, plan, apply.

Three layouts are read, each into :class:`Record` objects (one per organisation):

- ``csv``: an ODS CSV download (``etr.csv``, ``eccg.csv``, ``epcn.csv``, ``epraccur.csv``…)
  in its standard headerless layout: organisation code, name, national grouping, high
  level health geography, address lines 1–5, postcode, open date, close date (dates as
  ``YYYYMMDD``), then columns this import does not use.
- ``json``: the ODS ORD API's organisation record (``{"Organisation": {...}}``), a list
  of them, or ``{"Organisations": [...]}`` of them.
- ``gss``: an ONS code list of local authorities with a header row, e.g.
  ``LAD24CD,LAD24NM`` (any year; ``CTYUA…`` and ``UTLA…`` too).

:func:`plan` compares the records with the organisations already here and says what
would change (create, update, close, unchanged, skip) without writing; :func:`apply`
carries a plan out through the organisation services (each change audited there) in one
transaction: a file is applied whole or not at all. Any malformed row refuses the whole
file with its row number. Organisations missing from a file are left alone (a file may
cover one region only); only an explicit close date or an inactive status closes one.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance import permissions
from governance.organisations import identifiers, services
from governance.organisations.models import Organisation, OrganisationKind

FORMATS = ("csv", "json", "gss")
MAX_BYTES = 20 * 1024 * 1024
# Columns of the ODS headerless CSV (0-based).
CODE, NAME, ADDRESS_FIRST, ADDRESS_LAST, POSTCODE, OPENED, CLOSED = 0, 1, 4, 8, 9, 10, 11
# ORD primary roles → our kinds.
ROLE_KINDS = {
    "RO318": OrganisationKind.ICB,  # Integrated care board
    "RO197": OrganisationKind.NHS_TRUST,
    "RO57": OrganisationKind.NHS_FOUNDATION_TRUST,
    "RO272": OrganisationKind.PCN,
    "RO177": OrganisationKind.GP_PRACTICE,  # prescribing cost centre (GP practices)
    "RO76": OrganisationKind.GP_PRACTICE,
    "RO172": OrganisationKind.INDEPENDENT_PROVIDER,
    "RO141": OrganisationKind.LOCAL_AUTHORITY,
}
SMALL_WORDS = {"and", "of", "the", "for", "in", "on", "at", "upon"}
ACRONYMS = {"NHS", "ICB", "PCN", "GP", "CCG", "UK", "ICS", "CIC", "LLP", "LTD", "PLC"}
GSS_HEADER = re.compile(r"^([A-Z]+\d{0,2})CD$")


@dataclass(frozen=True)
class Record:
    """One organisation as a file states it; ``row`` is its line (CSV) or entry (JSON)."""

    row: int
    code: str
    name: str
    kind: str
    address: str = ""
    postcode: str = ""
    opened_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    inactive: bool = False  # the file says it is closed (ORD "Status": "Inactive")
    keep_name: bool = False  # ONS lists name areas, not councils: never rename from them

    def closed(self, today: datetime.date) -> bool:
        return self.inactive or (self.closed_on is not None and self.closed_on <= today)


@dataclass
class Change:
    """What applying one record would do."""

    action: str  # create, update, close, unchanged, skip
    record: Record
    organisation: Organisation | None = None
    fields: dict = field(default_factory=dict)  # field -> new value
    before: dict = field(default_factory=dict)  # field -> current value
    note: str = ""

    @property
    def writes(self) -> bool:
        return self.action in {"create", "update", "close"}

    def rows(self) -> list[tuple[str, object, object]]:
        """(field, now, after) for the preview table."""
        return [(name, self.before.get(name, ""), value) for name, value in self.fields.items()]


@dataclass
class Plan:
    source: str
    changes: list[Change]

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    def summary(self) -> dict[str, int]:
        actions = ("create", "update", "close", "unchanged", "skip")
        return {a: self.count(a) for a in actions}

    @property
    def writes(self) -> list[Change]:
        return [c for c in self.changes if c.writes]


# --- parsing --------------------------------------------------------------------------


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The file is over {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def guess_format(filename: str, text: str) -> str:
    """``json`` by extension or a leading brace, ``gss`` for a CSV with a ``…CD`` header."""
    stripped = text.lstrip()
    if filename.lower().endswith(".json") or stripped[:1] in {"{", "["}:
        return "json"
    first = next(csv.reader(io.StringIO(stripped)), [])
    if first and GSS_HEADER.match(first[0].strip().upper()):
        return "gss"
    return "csv"


def parse(text: str, fmt: str) -> list[Record]:
    """Records of the file, or ValidationError listing every malformed row by number."""
    if fmt not in FORMATS:
        raise ValidationError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    records, errors = {"csv": _parse_csv, "json": _parse_json, "gss": _parse_gss}[fmt](text)
    seen: dict[str, int] = {}
    for r in records:
        if r.code in seen:
            errors.append(f"Row {r.row}: code {r.code} is also on row {seen[r.code]}.")
        seen.setdefault(r.code, r.row)
    if not records and not errors:
        errors.append("The file has no organisations in it.")
    if errors:
        raise ValidationError(errors)
    return records


def _date(value: str, row: int, what: str, errors: list[str]) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y%m%d", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    errors.append(f"Row {row}: the {what} {value!r} is not a date (YYYYMMDD).")
    return None


def nice_case(text: str) -> str:
    """ODS publishes names and addresses in capitals: make them readable, keeping acronyms."""
    text = " ".join((text or "").split())
    if not text or text != text.upper():
        return text
    words = []
    for i, word in enumerate(text.split(" ")):
        bare = word.strip("(),.")
        if bare in ACRONYMS or (any(ch.isdigit() for ch in bare) and len(bare) <= 8):
            words.append(word)
        elif i and word.lower() in SMALL_WORDS:
            words.append(word.lower())
        else:
            words.append("-".join(part.capitalize() for part in word.lower().split("-")))
    return " ".join(words)


def kind_from_code(code: str, name: str) -> str | None:
    if identifiers.ODS_ICB.match(code):
        return OrganisationKind.ICB
    if identifiers.ODS_TRUST.match(code):
        if "FOUNDATION TRUST" in name.upper():
            return OrganisationKind.NHS_FOUNDATION_TRUST
        return OrganisationKind.NHS_TRUST
    if identifiers.ODS_PCN.match(code):
        return OrganisationKind.PCN
    if identifiers.ODS_PRACTICE.match(code):
        return OrganisationKind.GP_PRACTICE
    if identifiers.ODS_INDEPENDENT.match(code):
        return OrganisationKind.INDEPENDENT_PROVIDER
    return None


def _record(row, code, name, kind, errors, **extra) -> Record | None:
    code = identifiers.normalise_identifier(code)
    name = nice_case(name)
    if not code:
        errors.append(f"Row {row}: the organisation code is missing.")
        return None
    if not name:
        errors.append(f"Row {row}: the name of {code} is missing.")
        return None
    kind = kind or kind_from_code(code, name)
    if kind is None:
        errors.append(f"Row {row}: {code} is not an ODS code this import knows (kind unknown).")
        return None
    try:
        identifiers.validate_identifier(kind, code)
    except ValidationError as exc:
        errors.append(f"Row {row}: {' '.join(exc.messages)}")
        return None
    record = Record(row=row, code=code, name=name, kind=kind, **extra)
    if record.opened_on and record.closed_on and record.closed_on < record.opened_on:
        errors.append(f"Row {row}: {code} closes before it opens.")
        return None
    return record


def _parse_csv(text: str) -> tuple[list[Record], list[str]]:
    records: list[Record] = []
    errors: list[str] = []
    for row, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) <= CLOSED:
            errors.append(
                f"Row {row}: {len(cells)} columns; an ODS file has at least {CLOSED + 1} "
                "(code, name, grouping, geography, 5 address lines, postcode, open, close)."
            )
            continue
        lines = [nice_case(c) for c in cells[ADDRESS_FIRST : ADDRESS_LAST + 1] if c.strip()]
        opened = _date(cells[OPENED], row, "open date", errors)
        closed = _date(cells[CLOSED], row, "close date", errors)
        record = _record(
            row,
            cells[CODE],
            cells[NAME],
            None,
            errors,
            address="\n".join(lines),
            postcode=" ".join(cells[POSTCODE].upper().split()),
            opened_on=opened,
            closed_on=closed,
        )
        if record:
            records.append(record)
    return records, errors


def _ord_entries(data) -> list:
    if isinstance(data, dict) and "Organisations" in data:
        data = data["Organisations"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ValidationError("The JSON is not an ODS organisation record or a list of them.")
    return data


def _parse_json(text: str) -> tuple[list[Record], list[str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"The file is not valid JSON (line {exc.lineno}).") from exc
    records: list[Record] = []
    errors: list[str] = []
    for row, entry in enumerate(_ord_entries(data), start=1):
        org = entry.get("Organisation", entry) if isinstance(entry, dict) else None
        if not isinstance(org, dict):
            errors.append(f"Row {row}: not an ODS organisation record.")
            continue
        code = (
            (org.get("OrgId") or {}).get("extension", "")
            if isinstance(org.get("OrgId"), dict)
            else str(org.get("OrgId") or "")
        )
        operational = next(
            (
                d
                for d in org.get("Date") or []
                if isinstance(d, dict) and d.get("Type") == "Operational"
            ),
            {},
        )
        location = ((org.get("GeoLoc") or {}).get("Location")) or {}
        lines = [
            nice_case(str(location[k]))
            for k in ("AddrLn1", "AddrLn2", "AddrLn3", "Town", "County")
            if location.get(k)
        ]
        roles = ((org.get("Roles") or {}).get("Role")) or []
        primary = next(
            (r.get("id") for r in roles if isinstance(r, dict) and r.get("primaryRole")), ""
        )
        status = str(org.get("Status") or "Active")
        if status not in {"Active", "Inactive"}:
            errors.append(f"Row {row}: status {status!r} is neither Active nor Inactive.")
            continue
        record = _record(
            row,
            str(code),
            str(org.get("Name") or ""),
            ROLE_KINDS.get(primary),
            errors,
            address="\n".join(lines),
            postcode=" ".join(str(location.get("PostCode") or "").upper().split()),
            opened_on=_date(operational.get("Start", ""), row, "open date", errors),
            closed_on=_date(operational.get("End", ""), row, "close date", errors),
            inactive=status == "Inactive",
        )
        if record:
            records.append(record)
    return records, errors


def _parse_gss(text: str) -> tuple[list[Record], list[str]]:
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().upper() for h in next(reader, [])]
    prefix = next((m.group(1) for h in header if (m := GSS_HEADER.match(h))), None)
    if prefix is None or f"{prefix}NM" not in header:
        raise ValidationError(
            "Row 1: an ONS code list needs a header with a code and a name column, "
            "e.g. LAD24CD,LAD24NM."
        )
    code_at, name_at = header.index(f"{prefix}CD"), header.index(f"{prefix}NM")
    records: list[Record] = []
    errors: list[str] = []
    for row, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) <= max(code_at, name_at):
            errors.append(f"Row {row}: {len(cells)} columns; the header has {len(header)}.")
            continue
        record = _record(
            row,
            cells[code_at],
            cells[name_at],
            OrganisationKind.LOCAL_AUTHORITY,
            errors,
            keep_name=True,
        )
        if record:
            records.append(record)
    return records, errors


# --- planning -------------------------------------------------------------------------


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def plan(records: list[Record], *, source: str = "") -> Plan:
    """What importing ``records`` would change; writes nothing. Raises ValidationError
    (with row numbers) for a name another organisation already has."""
    today = timezone.localdate()
    existing = {
        o.identifier: o
        for o in Organisation.objects.filter(identifier__in=[r.code for r in records])
    }
    names = {
        n.casefold(): code for n, code in Organisation.objects.values_list("name", "identifier")
    }
    changes: list[Change] = []
    errors: list[str] = []
    for r in records:
        org = existing.get(r.code)
        owner = names.get(r.name.casefold())
        if owner is not None and owner != r.code and not (r.keep_name and org):
            errors.append(
                f"Row {r.row}: another organisation ({owner or 'no code'}) is named {r.name!r}."
            )
            continue
        if org is None:
            if r.closed(today):
                changes.append(Change("skip", r, note=f"Closed{_on(r.closed_on)}: not added."))
                continue
            wanted = {
                "name": r.name,
                "kind": r.kind,
                "address": r.address,
                "postcode": r.postcode,
                "opened_on": r.opened_on,
                "closed_on": r.closed_on,
            }
            changes.append(Change("create", r, fields={k: v for k, v in wanted.items() if v}))
            continue
        wanted = {
            "address": r.address,
            "postcode": r.postcode,
            "opened_on": r.opened_on,
            "closed_on": r.closed_on,
        }
        if not r.keep_name and not _same_name(org.name, r.name):
            wanted["name"] = r.name
        if r.keep_name:  # an ONS list has no addresses or dates
            wanted = {k: v for k, v in wanted.items() if v}
        fields = {k: v for k, v in wanted.items() if getattr(org, k) != v}
        before = {k: getattr(org, k) for k in fields}
        if r.closed(today) and org.is_active:
            note = f"Closed{_on(r.closed_on)}: made inactive; its memberships end."
            changes.append(Change("close", r, org, fields, before, note))
        elif fields:
            changes.append(Change("update", r, org, fields, before))
        else:
            changes.append(Change("unchanged", r, org))
    if errors:
        raise ValidationError(errors)
    return Plan(source=source, changes=changes)


def _on(day: datetime.date | None) -> str:
    return f" on {day:%-d %B %Y}" if day else ""


# --- applying -------------------------------------------------------------------------


@transaction.atomic
def organisations_import(*, actor, plan: Plan, reason: str = "") -> Plan:
    """Carry out ``plan`` (the ICB secretariat): every create, update and closure through
    the organisation services, each audited, all in this one transaction. A row the
    services refuse refuses the whole file, naming the row."""
    if not permissions.is_system_secretariat(actor):
        raise PermissionDenied("Only the ICB secretariat imports organisations.")
    reason = reason or f"Imported from {plan.source or 'an ODS file'}"
    for change in plan.writes:
        r = change.record
        try:
            if change.action == "create":
                services.organisation_create(
                    actor=actor, identifier=r.code, reason=reason, **change.fields
                )
                continue
            org = change.organisation
            if change.fields:
                org = services.organisation_update(
                    actor=actor, organisation=org, reason=reason, **change.fields
                )
            if change.action == "close":
                services.organisation_deactivate(
                    actor=actor, organisation=org, reason=f"{reason}: {change.note}"
                )
        except ValidationError as exc:
            raise ValidationError(f"Row {r.row} ({r.code}): {' '.join(exc.messages)}") from exc
    return plan


def read(data: bytes, *, filename: str = "", fmt: str = "") -> Plan:
    """Parse and plan an uploaded or named file (no writes)."""
    text = decode(data)
    fmt = fmt or guess_format(filename, text)
    return plan(parse(text, fmt), source=filename or fmt.upper())
