"""Shared template tags and filters on the NHS.UK design system (``{% load ui %}``).

- ``{{ amount|money }}`` → "£1,234,567" (whole pounds); ``{{ amount|money:"pence" }}`` →
  "£1,234,567.89"; negatives "−£150,000" with a true minus (U+2212); always one
  unbreakable ``<span class="app-money">``. Decimal or int only (a float is refused).
- ``{% tag status %}`` / ``{% tag "text" colour="red" %}`` → an NHS.UK tag, coloured by
  status (``TAG_COLOURS``).
- ``{% overdue date %}`` → the date, plus a red "Overdue" tag when it is in the past;
  ``{{ date|is_overdue }}`` → True/False.
- ``{% field form.name %}`` → one field in NHS.UK form markup (label, hint, error message
  next to the field, error styling); ``{% error_summary form [other_form …] %}``.
- ``{% cell_heading "Column" %}`` → the label a responsive table shows in each cell
  on phones.
- ``{% main_nav %}`` → the header's navigation: only the areas the user may use.

How to use them: /work/shared/UI-CONVENTIONS.md.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import forms, template
from django.utils import timezone
from django.utils.html import format_html

from governance.ui import nav

register = template.Library()

MINUS = "\u2212"

# A status (a TextChoices value, or the words people see) → an NHS.UK tag colour.
TAG_COLOURS = {
    "green": {
        "approved",
        "decided",
        "signed",
        "agreed",
        "published",
        "done",
        "complete",
        "completed",
        "active",
        "open",
        "released",
        "accepted",
        "quorate",
        "met",
        "closed_ok",
        "held",  # a meeting that took place
        "committed",
        "applied",
    },
    "red": {
        "rejected",
        "declined",
        "not_agreed",
        "refused",
        "blocked",
        "overdue",
        "failed",
        "cancelled",
        "canceled",
        "withdrawn",
        "not_quorate",
        "conflicted",
        "excluded",
        "breached",
        "over_appetite",
    },
    "orange": {"escalated", "returned", "at_risk", "late", "warning", "declared"},
    "yellow": {"due", "due_soon", "in_review", "reviewing", "submitted"},
    "blue": {
        "pending",
        "in_progress",
        "scheduled",
        "proposed",
        "tabled",
        "running",
        "issued",  # a meeting whose papers are out
        "awaiting",  # an allocation awaiting a committee's decision
        "in_signoff",
        "ready_for_decision",
    },
    "grey": {"draft", "ended", "closed", "inactive", "superseded", "not_started", "none"},
}
_COLOUR_OF = {status: colour for colour, statuses in TAG_COLOURS.items() for status in statuses}
COLOURS = set(TAG_COLOURS) | {"white", "purple", "pink", "aqua-green"}


# --- money ------------------------------------------------------------------------------


def money_text(value, places: str = "") -> str:
    """The plain text of an amount: "−£1,234" / "£1,234.50"; "—" for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        raise TypeError("money is Decimal (or int), never float")
    amount = Decimal(value)
    if places == "pence":
        amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        digits = f"{abs(amount):,.2f}"
    else:
        amount = amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        digits = f"{abs(amount):,.0f}"
    return f"{MINUS if amount < 0 else ''}£{digits}"


@register.filter
def money(value, places: str = ""):
    """One money format everywhere; one unbreakable unit (see the module docstring)."""
    text = money_text(value, places)
    if text.startswith(MINUS):
        return format_html('<span class="app-money app-money--negative">{}</span>', text)
    return format_html('<span class="app-money">{}</span>', text)


# --- tags -------------------------------------------------------------------------------


def tag_colour(status) -> str:
    key = str(getattr(status, "value", status)).strip().lower().replace(" ", "_").replace("-", "_")
    return _COLOUR_OF.get(key, "grey")


@register.simple_tag
def tag(status, label=None, colour=None):
    """An NHS.UK tag: ``{% tag proposal.status proposal.get_status_display %}``."""
    text = label if label is not None else getattr(status, "label", None) or str(status)
    colour = colour if colour in COLOURS else tag_colour(status)
    return format_html('<strong class="nhsuk-tag nhsuk-tag--{}">{}</strong>', colour, text)


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    return None


@register.filter
def is_overdue(value) -> bool:
    """Is this date (or datetime) before today (UK time)?"""
    day = _as_date(value)
    return day is not None and day < timezone.localdate()


@register.simple_tag
def overdue(value, date_format: str = "j F Y"):
    """The date in UK format, tagged "Overdue" in red when it has passed."""
    day = _as_date(value)
    if day is None:
        return "—"
    from django.utils.dateformat import format as date_format_

    text = date_format_(day, date_format)
    if day < timezone.localdate():
        return format_html(
            '{} <strong class="nhsuk-tag nhsuk-tag--red app-tag--overdue">Overdue</strong>', text
        )
    return text


# --- tables -----------------------------------------------------------------------------


@register.simple_tag
def cell_heading(text):
    """The column's name inside a responsive table's cell (shown on phones only)."""
    return format_html('<span class="nhsuk-table__heading" aria-hidden="true">{} </span>', text)


# --- forms ------------------------------------------------------------------------------


def widget_kind(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


_WIDGET_CLASS = {
    "input": "nhsuk-input",
    "textarea": "nhsuk-textarea",
    "select": "nhsuk-select",
    "file": "nhsuk-file-upload__input",
    "checkbox": "nhsuk-checkboxes__input",
}


@register.inclusion_tag("ui/_field.html")
def field(bound_field, hint=None, width=None):
    """One field in NHS.UK markup. ``width``: an NHS.UK input width (2, 3, 4, 5, 10, 20, 30)."""
    kind = widget_kind(bound_field)
    classes = [_WIDGET_CLASS.get(kind, "")]
    if bound_field.errors and kind in {"input", "textarea", "select", "file"}:
        classes.append(f"{_WIDGET_CLASS[kind].split('__')[0]}--error")
    if width and kind == "input":
        classes.append(f"nhsuk-input--width-{width}")
    if kind == "input" and isinstance(bound_field.field.widget, forms.DateInput):
        classes.append("nhsuk-input--width-10")
    existing = bound_field.field.widget.attrs.get("class", "")
    attrs = {"class": " ".join(c for c in [existing, *classes] if c)}
    return {
        "field": bound_field,
        "kind": kind,
        "widget": bound_field.as_widget(attrs=attrs)
        if kind not in {"radios", "checkboxes"}
        else None,
        "hint": hint if hint is not None else bound_field.help_text,
    }


@register.inclusion_tag("ui/_error_summary.html")
def error_summary(*forms_):
    """Every problem of one or more forms, each linking to its field."""
    items = []
    for form in forms_:
        if not form or not getattr(form, "errors", None):
            continue
        for error in form.non_field_errors():
            items.append({"href": None, "text": error})
        for bound in form:
            for error in bound.errors:
                target = bound.id_for_label or f"{bound.auto_id}_0"
                items.append({"href": f"#{target}", "text": f"{bound.label}: {error}"})
    return {"items": items}


# --- navigation -------------------------------------------------------------------------


@register.inclusion_tag("ui/_header.html", takes_context=True)
def main_nav(context):
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    path = getattr(request, "path", "")
    return {
        "user": user,
        "items": nav.items_for(user, path),
        "acting_for": nav.acting_for(user),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
