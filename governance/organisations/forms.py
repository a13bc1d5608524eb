"""Forms of the Manage area: organisations and their people. The services validate
(and audit); these forms check only the shape of the input and show the services'
errors next to the fields (``governance.forms.add_service_errors``)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from governance.organisations.identifiers import RULES
from governance.organisations.models import OrganisationKind, Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REASON_HELP = "Kept in the audit trail with the change."


def _identifier_help() -> str:
    required = [OrganisationKind(k).label for k, r in RULES.items() if r.required]
    return (
        f"Required for: {', '.join(required)}. Optional for police, fire and rescue, "
        "housing, VCSE and other partners: leave it empty if the organisation has no code."
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        label="Name",
        help_text="The organisation's full name, e.g. Merseyside Police.",
        error_messages={"required": "Enter the organisation's name."},
    )
    kind = forms.ChoiceField(
        choices=[("", "Choose a kind"), *OrganisationKind.choices],
        label="Kind of organisation",
        error_messages={"required": "Choose the kind of organisation."},
    )
    identifier = forms.CharField(
        max_length=20,
        required=False,
        label="Official code",
        help_text=_identifier_help(),
    )
    address = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
        label="Address (optional)",
        help_text="One line per line, as ODS publishes it, without the postcode.",
    )
    postcode = forms.CharField(
        required=False,
        max_length=10,
        label="Postcode (optional)",
        help_text="For example, LS1 4HR.",
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "class": "nhsuk-input--width-10"}
        ),
    )
    opened_on = forms.DateField(
        widget=DATE,
        required=False,
        label="Opened on (optional)",
        help_text="The day it started operating (the ODS open date).",
        error_messages={"invalid": "Enter a real date."},
    )
    closed_on = forms.DateField(
        widget=DATE,
        required=False,
        label="Closed on (optional)",
        help_text="The day it stopped operating (the ODS close date). Recording a close "
        "date does not deactivate it: use Deactivate for that.",
        error_messages={"invalid": "Enter a real date."},
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note for the record (optional)",
        help_text=REASON_HELP,
    )

    FIELDS = ("name", "kind", "identifier", "address", "postcode", "opened_on", "closed_on")

    def service_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.FIELDS}


class ReasonForm(forms.Form):
    """A confirmation with a reason (deactivate an organisation, retire a category)."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason",
        help_text=REASON_HELP,
        error_messages={"required": "Give the reason."},
    )

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if not required:
            self.fields["reason"].label = "Note for the record (optional)"


def _role_choices(may_appoint_auditors: bool) -> list[tuple[str, str]]:
    roles = [(v, label) for v, label in Role.choices if may_appoint_auditors or v != Role.AUDITOR]
    return [("", "Choose a role"), *roles]


class MembershipFieldsMixin(forms.Form):
    role = forms.ChoiceField(
        choices=(), label="Role", error_messages={"required": "Choose the person's role."}
    )
    job_title = forms.CharField(
        max_length=200, required=False, label="Job title", help_text="e.g. Director of Finance"
    )
    start_date = forms.DateField(
        widget=DATE,
        label="From",
        help_text="The first day the person acts in this role.",
        error_messages={"required": "Enter the start date.", "invalid": "Enter a real date."},
    )
    end_date = forms.DateField(
        widget=DATE,
        required=False,
        label="Until (optional)",
        help_text="The first day the role no longer applies. Leave empty while it continues.",
        error_messages={"invalid": "Enter a real date."},
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note for the record (optional)",
        help_text=REASON_HELP,
    )

    def __init__(self, *args, may_appoint_auditors: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(may_appoint_auditors)

    def membership_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in ("role", "job_title", "start_date", "end_date")}


class InviteForm(MembershipFieldsMixin):
    """Add a person to an organisation (a new account, or a new role for someone who
    already has one)."""

    first_name = forms.CharField(
        max_length=150,
        label="First name",
        error_messages={"required": "Enter the person's first name."},
    )
    last_name = forms.CharField(
        max_length=150,
        label="Last name",
        error_messages={"required": "Enter the person's last name."},
    )
    email = forms.EmailField(
        label="Work e-mail address",
        help_text="Their sign-in name. A new person is e-mailed a link to set a password.",
        error_messages={
            "required": "Enter the person's work e-mail address.",
            "invalid": "Enter an e-mail address in the form name@example.nhs.uk.",
        },
    )
    field_order = [
        "first_name",
        "last_name",
        "email",
        "role",
        "job_title",
        "start_date",
        "end_date",
        "reason",
    ]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("start_date", timezone.localdate())
        super().__init__(*args, **kwargs)


class MembershipForm(MembershipFieldsMixin):
    """Change a membership's role, title or dates."""


class EndMembershipForm(forms.Form):
    end_date = forms.DateField(
        widget=DATE,
        label="End date",
        help_text="The first day the person no longer acts in this role: "
        "today ends their access now.",
        error_messages={"required": "Enter the end date.", "invalid": "Enter a real date."},
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note for the record (optional)",
        help_text=REASON_HELP,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("end_date", timezone.localdate())
        super().__init__(*args, **kwargs)
