"""The forward plan's form. It only parses input; the service validates and writes."""

from __future__ import annotations

from django import forms

from governance.meetings.models import Part, PlanKind, Purpose, Recurrence
from governance.meetings.models.forward_plan import MONTHS


class PlanItemForm(forms.Form):
    title = forms.CharField(max_length=300)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(choices=PlanKind.choices, initial=PlanKind.PLANNED)
    recurrence = forms.ChoiceField(
        choices=Recurrence.choices, initial=Recurrence.ANNUAL, label="How often"
    )
    month = forms.TypedChoiceField(
        choices=[("", "—"), *MONTHS],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="The month it is due (quarterly: the first of its quarters).",
    )
    year = forms.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="Only for a one-off item."
    )
    purpose = forms.ChoiceField(choices=Purpose.choices, initial=Purpose.ASSURANCE)
    presenter = forms.CharField(max_length=200, required=False)
    part = forms.TypedChoiceField(choices=Part.choices, coerce=int, initial=Part.PUBLIC)
    exemption_reason = forms.CharField(
        max_length=300, required=False, label="Exemption reason (Part 2 only)"
    )
    is_key_decision = forms.BooleanField(
        required=False,
        label="Key decision",
        help_text="Published on the public forward plan 28 days before the month it is due.",
    )
    is_public = forms.BooleanField(
        required=False,
        initial=True,
        label="May be shown on the public forward plan",
        help_text="Part 2 items never are.",
    )
    is_active = forms.BooleanField(
        required=False, initial=True, label="On the plan (untick to withdraw it)"
    )
    reason = forms.CharField(
        max_length=300, required=False, label="Reason for the change (for the audit trail)"
    )
