"""Forms of the risk pages. They check shape only; the services validate the substance,
and ``apply_errors`` puts a service's errors next to the fields they concern."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from governance.organisations.models import Organisation
from governance.risks import scoring
from governance.risks.models import (
    EscalationOutcome,
    ReviewFrequency,
    RiskCategory,
    RiskStatus,
    StrategicObjective,
)
from governance.signoffs.services import OUTCOMES

LIKELIHOOD_CHOICES = [("", "—")] + [
    (str(n), f"{n} {label}") for n, label in scoring.LIKELIHOOD_LABELS.items()
]
CONSEQUENCE_CHOICES = [("", "—")] + [
    (str(n), f"{n} {label}") for n, label in scoring.CONSEQUENCE_LABELS.items()
]


def rating_field(kind: str) -> forms.CharField:
    """A rating picked from 1–5; typed values outside 1–5 get the matrix's own message."""
    choices = LIKELIHOOD_CHOICES if kind == "Likelihood" else CONSEQUENCE_CHOICES
    return forms.CharField(
        label=kind,
        widget=forms.Select(choices=choices),
        error_messages={"required": scoring.rating_error(kind)},
    )


def _label_ratings(form: forms.Form) -> None:
    """Label each rating by stage and kind ("Inherent likelihood"), not by kind alone."""
    for name, field in form.fields.items():
        stage, _, kind = name.partition("_")
        if kind in ("likelihood", "consequence"):
            field.label = f"{stage.capitalize()} {kind}"


class RatingsMixin:
    def _rating(self, name: str, kind: str) -> int:
        try:
            return scoring.clean_rating(self.cleaned_data.get(name), kind)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from None


def _add_rating_cleaners(cls, names):
    for name in names:
        kind = "Likelihood" if name.endswith("likelihood") else "Consequence"

        def clean(self, name=name, kind=kind):
            return self._rating(name, kind)

        setattr(cls, f"clean_{name}", clean)
    return cls


class RiskForm(RatingsMixin, forms.Form):
    owning_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Owning organisation"
    )
    title = forms.CharField(max_length=200)
    cause = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="Because of …")
    event = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="… there is a risk that …"
    )
    effect = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="… resulting in …")
    category = forms.ModelChoiceField(queryset=RiskCategory.objects.all())
    strategic_objective = forms.ModelChoiceField(
        queryset=StrategicObjective.objects.filter(is_active=True),
        required=False,
        label="Strategic objective (BAF)",
    )
    owner = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label="Risk owner")
    partners = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Partners sharing the risk",
        help_text="Each partner's signatory accepts the risk onto its register.",
    )
    inherent_likelihood = rating_field("Likelihood")
    inherent_consequence = rating_field("Consequence")
    current_likelihood = rating_field("Likelihood")
    current_consequence = rating_field("Consequence")
    target_likelihood = rating_field("Likelihood")
    target_consequence = rating_field("Consequence")
    controls = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    assurances = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Sources of assurance"
    )
    gaps_in_control = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    gaps_in_assurance = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    actions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Planned actions"
    )
    review_frequency = forms.ChoiceField(
        choices=ReviewFrequency.choices, initial=ReviewFrequency.QUARTERLY
    )
    next_review_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty: one review period from today.",
    )
    is_confidential = forms.BooleanField(required=False, label="Confidential (not published)")
    exemption_reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reason = forms.CharField(
        required=False, label="Reason for the change", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args, organisations=None, owners=None, editing=False, lock_partners=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if lock_partners:
            self.fields["partners"].disabled = True
            self.fields[
                "partners"
            ].help_text = (
                "Partners cannot change once the risk is registered: raise a new shared risk."
            )
        self.fields["owning_organisation"].queryset = organisations or Organisation.objects.none()
        if not editing:  # a retired category stays on the risks that have it
            self.fields["category"].queryset = RiskCategory.objects.filter(is_active=True)
        if owners is not None:
            self.fields["owner"].queryset = owners
        if editing:
            del self.fields["owning_organisation"]
        else:
            del self.fields["reason"]
        _label_ratings(self)


_add_rating_cleaners(
    RiskForm,
    [
        "inherent_likelihood",
        "inherent_consequence",
        "current_likelihood",
        "current_consequence",
        "target_likelihood",
        "target_consequence",
    ],
)


class ReviewForm(RatingsMixin, forms.Form):
    current_likelihood = rating_field("Likelihood")
    current_consequence = rating_field("Consequence")
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What the review found",
        error_messages={"required": "Say what the review found (controls, assurance, actions)."},
    )
    reviewed_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Empty: today."
    )


_add_rating_cleaners(ReviewForm, ["current_likelihood", "current_consequence"])
ReviewForm.base_fields["current_likelihood"].label = "Current likelihood"
ReviewForm.base_fields["current_consequence"].label = "Current consequence"


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (s.value, s.label)
            for s in (RiskStatus.OPEN, RiskStatus.TREATED, RiskStatus.TOLERATED, RiskStatus.CLOSED)
        ]
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class SignOffForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(k, k.capitalize()) for k in OUTCOMES],
        widget=forms.RadioSelect,
        label="Accept onto our register?",
    )
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Required to reject."
    )


class EscalationResponseForm(forms.Form):
    outcome = forms.ChoiceField(choices=EscalationOutcome.choices)
    response = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="The response (minuted)"
    )
    decided_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    decided_by = forms.CharField(required=False, max_length=200, help_text="Board or committee")


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, next to the fields it names."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
