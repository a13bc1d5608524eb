"""Forms for sign-off."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from governance.signoffs.services import OUTCOMES


class SignOffForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("approve", "Approve"),
            ("reject", "Reject"),
            ("abstain", "Abstain"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve, reject or abstain."},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required if you reject: say why, so the proposer can respond.",
    )

    def clean(self):
        data = super().clean()
        # the service checks this too; saying it here shows it next to the field at once
        if data.get("outcome") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Give the reason for rejecting.")
        return data

    def clean_outcome(self):
        value = self.cleaned_data["outcome"]
        if value not in OUTCOMES:
            raise ValidationError("Choose approve, reject or abstain.")
        return value


class ConflictManagementForm(forms.Form):
    """The chair's decision: a conflicted person may sign, on conditions."""

    person = forms.TypedChoiceField(
        label="Whose conflict",
        coerce=int,
        error_messages={"required": "Choose whose conflict you are deciding on."},
    )
    conditions = forms.CharField(
        label="Conditions",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. 'May sign; the interest is recorded in the decision register and "
        "takes no part in the provider's contract monitoring.'",
        error_messages={"required": "State the conditions on which they may sign."},
    )
    reason = forms.CharField(
        label="Reason for your decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for your decision."},
    )

    def __init__(self, *args, signers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Choose a person")] + [
            (s.person.pk, s.label) for s in signers
        ]
        self.signers = {s.person.pk: s for s in signers}

    def person_obj(self):
        signer = self.signers.get(self.cleaned_data.get("person"))
        return signer.person if signer else None


class DueDateForm(forms.Form):
    due_on = forms.DateField(
        label="Due on",
        help_text="The last day to sign off, for example 27/3/2026.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Give the date the sign-off is due.",
            "invalid": "Give the due date as a real date, for example 27/3/2026.",
        },
    )
    reason = forms.CharField(
        label="Why it changes",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the due date changes."},
    )
