"""Forms for sign-off, and ``add_service_errors``, shared by every app's forms: a
``ValidationError`` raised by a service lands next to the field it names, or in the
form's error summary when the form has no such field.

(Django 5.2 already marks invalid fields ``aria-invalid`` and points their
``aria-describedby`` at the help text and the error message.)
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from governance.signoffs.services import OUTCOMES


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form's fields (or its summary)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


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
