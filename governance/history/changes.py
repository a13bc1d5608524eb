"""What an event changed, as a table a person reads: field labels, money in pounds,
dates in words, names instead of ids, "—" for empty; never JSON.

An event's ``changes`` hold ``{"field": {"before": …, "after": …}}`` for edits and plain
values for facts (``{"round": 2, "signatory": "Jo Bloggs"}``). Ids of people,
organisations and related records are looked up in one query per kind for the whole
history (``Formatter.prepare``), so a long history costs no more queries than a short one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from governance.audit.sentences import pounds
from governance.history import registry

EMPTY = "—"
# internal bookkeeping in some events: not part of the story
SKIP = {
    "signoff",
    "length",
    "quorum",
    "deputy_appointment",
    "changed",
    "bytes",
    "subject_id",
    "subject_type",
}
# events whose changes describe another kind of record than their target (a sign-off's
# status is a sign-off status, not the proposal's)
VERB_MODELS = {"signoff.": "signoffs.signoff"}
# keys that are not fields of the event's record but name a kind of record
KEY_MODELS = {
    "person": "auth.user",
    "on_behalf_of": "auth.user",
    "author": "auth.user",
    "owner": "auth.user",
    "organisation": "organisations.organisation",
    "interest": "interests.interest",
    "committee": "meetings.committee",
    "item": "meetings.agendaitem",
    "at_meeting": "meetings.meeting",
}
MONEY_WORDS = ("amount", "value", "contribution", "budget", "limit", "total", "forecast")
LABELS = {
    "round": "Sign-off round",
    "signatory": "Signed by",
    "on_behalf_of": "On behalf of",
    "person": "Person",
    "interest": "Interest declared",
    "organisation": "Organisation",
    "handling": "How it was handled",
    "decision": "Chair's decision",
    "conditions": "Conditions",
    "committee": "Committee",
    "outcome": "Outcome",
    "votes": "Votes",
    "totals": "Totals",
    "bodies": "Bodies' outcomes",
    "casting_vote": "Casting vote",
    "excluded_from_discussion": "Left the discussion",
    "excluded_from_vote": "Did not vote",
    "withdrawn": "Not a conflict after all",
    "status": "Status",
    "item": "Agenda item",
    "description": "Description",
    "at_meeting": "At the meeting",
}


@dataclass(frozen=True)
class Row:
    label: str
    before: str
    after: str


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _ids(value) -> list:
    if isinstance(value, list):
        return [v for v in value if isinstance(v, int | str) and str(v).isdigit()]
    if isinstance(value, int | str) and str(value).isdigit() and not isinstance(value, bool):
        return [value]
    return []


def _name(obj) -> str:
    if isinstance(obj, get_user_model()):
        return obj.get_full_name() or obj.get_username()
    return str(obj)


class Formatter:
    """Formats the changes of many events; ``prepare`` first with all of them."""

    def __init__(self) -> None:
        self.names: dict[tuple[str, str], str] = {}

    # -- what a key refers to ------------------------------------------------------------

    def _target_model(self, key: str, model):
        field = _field(model, key)
        if isinstance(field, models.ForeignKey | models.ManyToManyField | models.OneToOneField):
            return field.related_model
        if key in KEY_MODELS and not (field is not None and not field.is_relation):
            return _model(KEY_MODELS[key])
        return None

    def prepare(self, events) -> None:
        wanted: dict[type[models.Model], set[str]] = {}
        for event in events:
            model = _event_model(event)
            for key, value in _flat(event.changes or {}):
                related = self._target_model(key, model)
                if related is None:
                    continue
                parts = (value.get("before"), value.get("after")) if _is_diff(value) else [value]
                for part in parts:
                    wanted.setdefault(related, set()).update(str(i) for i in _ids(part))
        for related, ids in wanted.items():
            label = related._meta.label_lower
            for obj in related._default_manager.filter(pk__in=ids):
                self.names[(label, str(obj.pk))] = _name(obj)

    # -- values --------------------------------------------------------------------------

    def value(self, key: str, value, model) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return EMPTY
        related = self._target_model(key, model)
        if related is not None and _ids(value):
            label = related._meta.label_lower
            names = [
                self.names.get((label, str(i)), f"#{i} (no longer on record)") for i in _ids(value)
            ]
            return ", ".join(sorted(names))
        field = _field(model, key)
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, dict):
            return "; ".join(f"{k}: {self.value(k, v, None)}" for k, v in value.items())
        if isinstance(value, list):
            return ", ".join(self.value(key, v, model) for v in value)
        choices = getattr(field, "choices", None) if field is not None else None
        if choices:
            found = dict(field.flatchoices).get(value)
            if found is not None:
                return str(found)
        named_choices = registry.value_choices(model, key)
        if named_choices and str(value) in named_choices:
            return named_choices[str(value)]
        if isinstance(field, models.DecimalField) or (
            field is None and any(w in key for w in MONEY_WORDS) and _decimal(value) is not None
        ):
            return pounds(value) if _decimal(value) is not None else str(value)
        if isinstance(field, models.DateTimeField) or (field is None and _is_datetime(value)):
            return _datetime(value)
        if isinstance(field, models.DateField) or (field is None and _is_date(value)):
            return _date(value)
        return str(value)

    def label(self, key: str, model, extra: dict[str, str]) -> str:
        if key in extra:
            return extra[key][:1].upper() + extra[key][1:]
        field = _field(model, key)
        if field is not None and getattr(field, "verbose_name", None):
            text = str(field.verbose_name)
            return text[:1].upper() + text[1:]
        if key in LABELS:
            return LABELS[key]
        words = key.replace("_", " ")
        return words[:1].upper() + words[1:]

    def rows(self, event) -> list[Row]:
        model = _event_model(event)
        extra = registry.field_labels(event.target_type)
        rows = []
        for key, value in _flat(event.changes or {}):
            if key in SKIP:
                continue
            label = self.label(key, model, extra)
            if _is_diff(value):
                rows.append(
                    Row(
                        label,
                        self.value(key, value.get("before"), model),
                        self.value(key, value.get("after"), model),
                    )
                )
            else:
                rows.append(Row(label, EMPTY, self.value(key, value, model)))
        # by label: PostgreSQL's jsonb keeps keys in its own order, SQLite as written
        return sorted(rows, key=lambda row: row.label)


def _event_model(event):
    for prefix, label in VERB_MODELS.items():
        if event.verb.startswith(prefix):
            return _model(label)
    return _model(event.target_type)


def _is_diff(value) -> bool:
    return isinstance(value, dict) and set(value) <= {"before", "after"} and "after" in value


def _flat(changes: dict):
    """Key/value pairs; a whole-record ``{"before": {…}, "after": {…}}`` becomes one
    diff per field."""
    if (
        set(changes) >= {"before", "after"}
        and isinstance(changes.get("before"), dict)
        and isinstance(changes.get("after"), dict)
    ):
        before, after = changes["before"], changes["after"]
        for key in dict.fromkeys([*before, *after]):
            yield key, {"before": before.get(key), "after": after.get(key)}
        for key, value in changes.items():
            if key not in ("before", "after"):
                yield key, value
        return
    yield from changes.items()


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _is_date(value) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_datetime(value) -> bool:
    if not isinstance(value, str) or len(value) < 19 or "T" not in value:
        return False
    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _date(value) -> str:
    try:
        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{day.day} {day:%B %Y}"


def _datetime(value) -> str:
    try:
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y, %H:%M}"
