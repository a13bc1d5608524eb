"""Input serializers of the risks API, one per command. They check shape only: ratings
pass through untouched so that the service gives its one clear message for anything
outside 1–5, and the services validate the substance."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.organisations.models import Organisation
from governance.risks.models import (
    EscalationOutcome,
    ReviewFrequency,
    RiskCategory,
    RiskStatus,
    StrategicObjective,
)


@extend_schema_field(OpenApiTypes.INT)
class RatingField(serializers.Field):
    """1–5; validated by the service (so 0, 6 and "x" all get the same clear message)."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


def _ref(model, noun: str, **filters):
    @extend_schema_field(OpenApiTypes.INT)
    class Ref(serializers.PrimaryKeyRelatedField):
        default_error_messages = {
            "does_not_exist": f"There is no {noun} with id {{pk_value}}.",
            "incorrect_type": f"Give a {noun} id (a number).",
        }

        def get_queryset(self):
            return model.objects.filter(**filters)

    Ref.__name__ = f"{model.__name__}Ref"
    return Ref


OrganisationRef = _ref(Organisation, "active organisation", is_active=True)
CategoryRef = _ref(RiskCategory, "risk category")
ObjectiveRef = _ref(StrategicObjective, "current strategic objective", is_active=True)
UserRef = _ref(get_user_model(), "active user", is_active=True)


class RiskCreateInput(serializers.Serializer):
    owning_organisation = OrganisationRef(
        required=False, help_text="May be left out if you act for only one organisation."
    )
    title = serializers.CharField(max_length=200)
    cause = serializers.CharField()
    event = serializers.CharField()
    effect = serializers.CharField()
    category = CategoryRef()
    owner = UserRef(required=False, allow_null=True, default=None)
    partners = OrganisationRef(many=True, required=False, default=list)
    strategic_objective = ObjectiveRef(required=False, allow_null=True, default=None)
    inherent_likelihood = RatingField()
    inherent_consequence = RatingField()
    current_likelihood = RatingField()
    current_consequence = RatingField()
    target_likelihood = RatingField()
    target_consequence = RatingField()
    controls = serializers.CharField(required=False, allow_blank=True, default="")
    assurances = serializers.CharField(required=False, allow_blank=True, default="")
    gaps_in_control = serializers.CharField(required=False, allow_blank=True, default="")
    gaps_in_assurance = serializers.CharField(required=False, allow_blank=True, default="")
    actions = serializers.CharField(required=False, allow_blank=True, default="")
    review_frequency = serializers.ChoiceField(
        choices=ReviewFrequency.choices, required=False, default=ReviewFrequency.QUARTERLY
    )
    next_review_date = serializers.DateField(required=False, allow_null=True, default=None)
    is_confidential = serializers.BooleanField(required=False, default=False)
    exemption_reason = serializers.CharField(required=False, allow_blank=True, default="")


class RiskUpdateInput(serializers.Serializer):
    """Only the fields sent change."""

    title = serializers.CharField(max_length=200, required=False)
    cause = serializers.CharField(required=False)
    event = serializers.CharField(required=False)
    effect = serializers.CharField(required=False)
    category = CategoryRef(required=False)
    owner = UserRef(required=False)
    partners = OrganisationRef(many=True, required=False)
    strategic_objective = ObjectiveRef(required=False, allow_null=True)
    inherent_likelihood = RatingField(required=False)
    inherent_consequence = RatingField(required=False)
    current_likelihood = RatingField(required=False)
    current_consequence = RatingField(required=False)
    target_likelihood = RatingField(required=False)
    target_consequence = RatingField(required=False)
    controls = serializers.CharField(required=False, allow_blank=True)
    assurances = serializers.CharField(required=False, allow_blank=True)
    gaps_in_control = serializers.CharField(required=False, allow_blank=True)
    gaps_in_assurance = serializers.CharField(required=False, allow_blank=True)
    actions = serializers.CharField(required=False, allow_blank=True)
    review_frequency = serializers.ChoiceField(choices=ReviewFrequency.choices, required=False)
    next_review_date = serializers.DateField(required=False)
    is_confidential = serializers.BooleanField(required=False)
    exemption_reason = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewInput(serializers.Serializer):
    current_likelihood = RatingField()
    current_consequence = RatingField()
    comment = serializers.CharField(allow_blank=True, help_text="What the review found (required).")
    reviewed_on = serializers.DateField(required=False, allow_null=True, default=None)


class StatusInput(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            (s.value, s.label)
            for s in (RiskStatus.OPEN, RiskStatus.TREATED, RiskStatus.TOLERATED, RiskStatus.CLOSED)
        ],
        error_messages={"invalid_choice": "Choose open, treated, tolerated or closed."},
    )
    reason = serializers.CharField(allow_blank=True)


class EscalationResponseInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=EscalationOutcome.choices)
    response = serializers.CharField(required=False, allow_blank=True, default="")
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    decided_by = serializers.CharField(required=False, allow_blank=True, default="")

# Every field above gets the shared bounds (length, characters, dates, ids): see
# governance.api.fields.
from governance.api.fields import bound_inputs  # noqa: E402

bound_inputs(globals())
