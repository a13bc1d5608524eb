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
