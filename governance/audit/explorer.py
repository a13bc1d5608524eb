"""The audit explorer's filters and keyset pages, shared by the page, its exports and the
API (``/audit/``, ``/audit/export.*``, ``/api/v1/audit/events/``).

One form reads the filters from the query string (``organisation``, ``person``,
``subject`` and ``record``, ``kind``, ``date_from``/``date_to`` in UK dates, ``q``) and
narrows a permission-scoped queryset (``selectors.audit_events_visible_to``): a partner
secretariat can only pick, and only ever gets, its own organisations' events.

Pages are keyset pages on ``seq`` (``?before=`` / ``?after=``): each is one indexed
range read of ``PAGE_SIZE + 1`` rows and at most one ``EXISTS``, never an ``OFFSET`` or
a ``COUNT(*)`` over the trail. The composite indexes ending in ``seq`` (organisation,
actor, verb, subject) keep every filtered page an index walk.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from governance import permissions
from governance.audit import links, sentences
from governance.audit.models import AuditEvent
from governance.organisations.models import Membership, Organisation

PAGE_SIZE = 50
UK_DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d"]
# Apps whose records the trail names (a subject's kind is ``app_label.modelname``).
SUBJECT_APPS = ("decisions", "budgets")
SUBJECT_MODULES = ("governance.",)
AREA_PREFIX = "area:"


def subject_choices() -> list[tuple[str, str]]:
    """Kinds of record, as ``AuditEvent.target_type`` names them, by their names."""
    choices = []
    for model in apps.get_models():
        module = model.__module__
        if model._meta.app_label in SUBJECT_APPS or module.startswith(SUBJECT_MODULES):
            if model is AuditEvent or model._meta.auto_created:
                continue
            label = str(model._meta.verbose_name)
            choices.append((model._meta.label_lower, label[:1].upper() + label[1:]))
    choices.append(("auth.user", "Person"))
    return sorted(choices, key=lambda c: c[1].lower())


def kind_choices() -> list:
    """Kinds of event grouped by area: each area first as a whole, then its verbs."""
    areas: dict[str, list[str]] = defaultdict(list)
    for verb in sentences.known_verbs():
        areas[verb.split(".", 1)[0]].append(verb)
    groups: list = [("", "Any kind of event")]
    for area in sorted(areas):
        title = area.replace("_", " ").capitalize()
        options = [(f"{AREA_PREFIX}{area}", f"Any {title.lower()} event")]
        options += [(verb, sentences.sentence(verb)) for verb in sorted(areas[area])]
        groups.append((title, options))
    return groups


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class AuditFilterForm(forms.Form):
    """The explorer's filters; ``filter(queryset)`` narrows an already scoped queryset."""

    q = forms.CharField(
        label="Search the record's name and the reason",
        required=False,
        max_length=200,
    )
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.none(), required=False
    )
    person = PersonChoiceField(
        label="Person", queryset=get_user_model().objects.none(), required=False
    )
    kind = forms.ChoiceField(label="Kind of event", required=False)
    subject = forms.ChoiceField(label="Kind of record", required=False)
    record = forms.CharField(
        label="Record number",
        required=False,
        max_length=64,
        help_text="The record's id, with a kind of record chosen.",
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        input_formats=UK_DATE_FORMATS,
        help_text="For example, 1/4/2026",
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        input_formats=UK_DATE_FORMATS,
        help_text="For example, 31/3/2027",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        everything = permissions.reads_everything(user)
        org_ids = (
            None
            if everything
            else permissions.organisation_ids(user, roles=permissions.TRAIL_READER_ROLES)
        )
        orgs = Organisation.objects.order_by("name")
        people = get_user_model().objects.order_by("last_name", "first_name", "username")
        if org_ids is not None:
            orgs = orgs.filter(pk__in=org_ids)
            people = people.filter(
                pk__in=Membership.objects.filter(organisation_id__in=org_ids).values("user_id")
            )
        self.fields["organisation"].queryset = orgs
        self.fields["person"].queryset = people
        self.fields["kind"].choices = kind_choices()
        self.fields["subject"].choices = [("", "Any kind of record"), *subject_choices()]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        if data.get("record") and not data.get("subject"):
            self.add_error("subject", "Choose the kind of record the number belongs to")
        return data

    @property
    def active(self) -> dict[str, str]:
        """The filters in use, as given (for a filtered export's first line)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {
            name: str(self.data.get(name))
            for name in self.fields
            if self.cleaned_data.get(name) not in (None, "")
        }

    def filter(self, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """``queryset`` narrowed by the valid filters (call ``is_valid()`` first)."""
        data = self.cleaned_data
        if data.get("organisation"):
            queryset = queryset.filter(organisation=data["organisation"])
        if data.get("person"):
            queryset = queryset.filter(actor=data["person"])
        kind = data.get("kind")
        if kind and kind.startswith(AREA_PREFIX):
            area = kind[len(AREA_PREFIX) :]
            verbs = [v for v in sentences.known_verbs() if v.split(".", 1)[0] == area]
            queryset = queryset.filter(verb__in=verbs)
        elif kind:
            queryset = queryset.filter(verb=kind)
        if data.get("subject"):
            queryset = queryset.filter(target_type=data["subject"])
            if data.get("record"):
                queryset = queryset.filter(target_id=data["record"].strip())
        if data.get("date_from"):
            queryset = queryset.filter(timestamp__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            end = data["date_to"] + datetime.timedelta(days=1)
            queryset = queryset.filter(timestamp__lt=_start_of(end))
        if data.get("q"):
            text = data["q"].strip()
            queryset = queryset.filter(Q(target_label__icontains=text) | Q(reason__icontains=text))
        return queryset


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in UK time (Europe/London)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered_events(user, params) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    """The form over ``params`` and the user's events it selects (none when invalid)."""
    from governance.audit.selectors import audit_events_visible_to

    form = AuditFilterForm(params, user=user)
    events = audit_events_visible_to(user)
    if form.is_valid():
        return form, form.filter(events)
    return form, events.none()


# --- keyset pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One event as the explorer shows it."""

    event: AuditEvent
    line: sentences.Line
    history_url: str | None


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    newer: int | None  # ``?after=`` for the newer page, None when this is the newest
    older: int | None  # ``?before=`` for the older page, None when this is the oldest


def parse_seq(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def keyset_page(
    events: QuerySet[AuditEvent], *, before=None, after=None, size: int = PAGE_SIZE
) -> Page:
    """Newest first: the ``size`` events older than ``before``, or newer than ``after``
    (the newest page when neither is given)."""
    before, after = parse_seq(before), parse_seq(after)
    if after is not None and before is None:
        found = list(events.filter(seq__gt=after).order_by("seq")[: size + 1])
        more_newer = len(found) > size
        found = found[:size][::-1]
        more_older = bool(found) and events.filter(seq__lt=found[-1].seq).exists()
    else:
        window = events if before is None else events.filter(seq__lt=before)
        found = list(window.order_by("-seq")[: size + 1])
        more_older = len(found) > size
        found = found[:size]
        more_newer = (
            bool(found) and before is not None and events.filter(seq__gt=found[0].seq).exists()
        )
    rows = [
        Row(event, line, links.history_url(event.target_type, event.target_id))
        for event, line in zip(found, sentences.described(found), strict=True)
    ]
    return Page(
        rows=rows,
        newer=found[0].seq if more_newer else None,
        older=found[-1].seq if more_older else None,
    )
