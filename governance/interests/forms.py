"""Forms for the register of interests."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format

from governance.forms import add_service_errors
from governance.interests.models import InterestType
from governance.organisations.models import Organisation

__all__ = ["InterestEndForm", "InterestForm", "add_service_errors"]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class OrganisationField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class InterestForm(forms.Form):
    person = PersonField(
        queryset=get_user_model().objects.none(),
        label="Whose interest",
        help_text="The secretariat may record an entry for anyone.",
        error_messages={"required": "Choose the person whose interest this is."},
    )
    interest_type = forms.ChoiceField(
        choices=[("", "Choose a type"), *InterestType.choices],
        label="Type of interest",
        error_messages={"required": "Choose the type of interest."},
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Description",
        help_text="What the interest is, e.g. 'Director of Calder Care Ltd (unpaid)'.",
        error_messages={"required": "Describe the interest."},
    )
    related_organisation = OrganisationField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None of the ICS's organisations",
        label="Organisation the interest concerns",
        help_text="You will not be able to sign off decisions to which this organisation "
        "is a party while the interest applies.",
    )
    valid_from = forms.DateField(
        widget=DATE,
        label="Applies from",
        error_messages={
            "required": "Enter the date the interest began.",
            "invalid": "Enter a real date.",
        },
    )
    valid_to = forms.DateField(
        widget=DATE,
        required=False,
        label="Applies until (optional)",
        help_text="The last day it applied. Leave empty while it continues.",
        error_messages={"invalid": "Enter a real date."},
    )
    is_published = forms.BooleanField(
        required=False,
        initial=True,
        label="Publish in the register of interests",
        help_text="Withhold only where publishing could cause harm, and say why below.",
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note for the record (optional)",
        help_text="Recorded in the audit trail with the change.",
    )

    def __init__(self, *args, people=None, interest=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["related_organisation"].queryset = Organisation.objects.filter(
            is_active=True
        ).order_by("name")
        if people is None or interest is not None:
            del self.fields["person"]
        else:
            self.fields["person"].queryset = people
        if interest is None:
            self.fields["valid_from"].initial = timezone.localdate()
        else:
            for name in (
                "interest_type",
                "description",
                "related_organisation",
                "valid_from",
                "valid_to",
                "is_published",
            ):
                value = getattr(interest, name)
                self.initial[name] = value.pk if hasattr(value, "pk") else value

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "The end date cannot be before the start date.")
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "interest_type": data["interest_type"],
            "description": data["description"],
            "related_organisation": data.get("related_organisation"),
            "valid_from": data["valid_from"],
            "valid_to": data.get("valid_to"),
            "is_published": data.get("is_published", False),
        }


class InterestEndForm(forms.Form):
    valid_to = forms.DateField(
        widget=DATE,
        label="Last day the interest applied",
        error_messages={
            "required": "Enter the last day the interest applied.",
            "invalid": "Enter a real date.",
        },
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note for the record (optional)",
    )

    def __init__(self, *args, interest, **kwargs):
        super().__init__(*args, **kwargs)
        self.interest = interest
        self.fields["valid_to"].initial = timezone.localdate()

    def clean_valid_to(self):
        value = self.cleaned_data["valid_to"]
        if value < self.interest.valid_from:
            raise forms.ValidationError(
                f"The interest applied from {date_format(self.interest.valid_from, 'j F Y')}: "
                "it cannot end before that."
            )
        return value
