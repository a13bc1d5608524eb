"""Forms for appointing and ending deputies. The services validate; these only collect."""

from __future__ import annotations

from django import forms

from governance import permissions
from governance.deputies.selectors import appointable_organisations, people_of, person_name
from governance.organisations.models import Role


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_name(obj)


class DeputyAppointmentForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=None,
        label="Organisation",
        help_text="The deputy and the person they act for must both act for it.",
        error_messages={"required": "Choose the organisation."},
    )
    principal = PersonChoiceField(
        queryset=None,
        label="Acts for",
        help_text="An authorised signatory, or the holder of an officer post.",
        error_messages={"required": "Choose whom the deputy acts for."},
    )
    deputy = PersonChoiceField(
        queryset=None,
        label="Deputy",
        help_text="A member of the same organisation.",
        error_messages={"required": "Choose the deputy."},
    )
    valid_from = forms.DateField(
        label="First day",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the first day the deputy acts."},
    )
    valid_to = forms.DateField(
        label="Last day",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The deputy may act up to and including this day.",
        error_messages={"required": "Give the last day the deputy acts."},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. annual leave, or a declared interest in a party to pending decisions.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = appointable_organisations(user)
        self.fields["organisation"].queryset = orgs
        people = people_of(orgs)
        self.fields["deputy"].queryset = people
        secretariat = permissions.is_system_secretariat(user) or bool(
            permissions.organisation_ids(user, roles=[Role.SECRETARIAT])
        )
        self.fields["principal"].queryset = (
            people if secretariat else people.model.objects.filter(pk=user.pk)
        )


class DeputyEndForm(forms.Form):
    reason = forms.CharField(
        label="Why it ends early",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the appointment ends early."},
    )
