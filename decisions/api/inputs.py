"""Input serializers of the decisions API, one per command. They check shape and types
only; the services decide what is allowed and validate the substance."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from decisions.models import DECIDABLE_OUTCOMES, DecisionType
from governance.organisations.models import Organisation


@extend_schema_field(OpenApiTypes.INT)
class _OrganisationField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": "No active organisation has id {pk_value}.",
        "incorrect_type": "Give an organisation id (a number).",
    }

    def get_queryset(self):
        return Organisation.objects.filter(is_active=True)


def _organisations(**kwargs):
    return _OrganisationField(many=True, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class _DecisionTypeField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": "There is no decision type with id {pk_value}.",
        "incorrect_type": "Give a decision type id (a number).",
    }

    def get_queryset(self):
        return DecisionType.objects.all()


@extend_schema_field(OpenApiTypes.INT)
class _UserField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": "There is no active user with id {pk_value}.",
        "incorrect_type": "Give a user id (a number).",
    }

    def get_queryset(self):
        return get_user_model().objects.filter(is_active=True)


def _money(**kwargs):
    return serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        help_text='Pounds and pence, e.g. "125000.00".',
        error_messages={
            "min_value": "The amount cannot be negative.",
            "max_decimal_places": "Amounts are in pounds and pence: at most 2 decimal places.",
        },
        **kwargs,
    )


class _StrictInput(serializers.Serializer):
    """Refuses fields it does not know (e.g. ``status``), rather than ignoring them."""

    def validate(self, attrs):
        unknown = sorted(set(getattr(self.initial_data, "keys", list)()) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: ["Unknown field: it cannot be set here."] for name in unknown}
            )
        return attrs


class ProposalCreateInput(_StrictInput):
    proposing_organisation = _OrganisationField(
        required=False,
        help_text="The organisation raising it; may be left out if you act for only one.",
    )
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField()
    rationale = serializers.CharField(required=False, allow_blank=True, default="")
    options_considered = serializers.CharField(required=False, allow_blank=True, default="")
    financial_value = _money()
    decision_type = _DecisionTypeField()
    lead_officer = _UserField(required=False, allow_null=True, default=None)
    host_organisation = _OrganisationField(required=False, allow_null=True, default=None)
    affected_organisations = _organisations(required=False, default=list)
    named_organisations = _organisations(required=False, default=list)
    is_confidential = serializers.BooleanField(required=False, default=False)
    exemption_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ProposalUpdateInput(_StrictInput):
    """Only the fields sent are changed. Changing the substance of a proposal in sign-off
    cancels the open sign-offs and starts a new round."""

    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(required=False)
    rationale = serializers.CharField(required=False, allow_blank=True)
    options_considered = serializers.CharField(required=False, allow_blank=True)
    financial_value = _money(required=False)
    decision_type = _DecisionTypeField(required=False)
    lead_officer = _UserField(required=False)
    host_organisation = _OrganisationField(required=False)
    affected_organisations = _organisations(required=False)
    named_organisations = _organisations(required=False)
    is_confidential = serializers.BooleanField(required=False)
    exemption_reason = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why it was changed (shown on the timeline and to the signatories).",
    )


class ProposalWithdrawInput(serializers.Serializer):
    reason = serializers.CharField(
        error_messages={
            "required": "Say why the proposal is withdrawn.",
            "blank": "Say why the proposal is withdrawn.",
        }
    )


class ProposalReviewInput(serializers.Serializer):
    accept = serializers.BooleanField(help_text="true to accept, false to return it.")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when returning: what to revise.",
    )


class ProposalRecordDecisionInput(serializers.Serializer):
    """The delegated officer's decision (a holder of the SoRD band's post, or a deputy)."""

    outcome = serializers.ChoiceField(
        choices=DECIDABLE_OUTCOMES,
        error_messages={"invalid_choice": "Choose approved or rejected."},
    )
    reason = serializers.CharField(
        max_length=5000, help_text="Why: recorded with the decision and in the register."
    )


class ProposalChairsActionInput(serializers.Serializer):
    """Chair's action: the deciding committee's chair, with one other voting member."""

    outcome = serializers.ChoiceField(
        choices=DECIDABLE_OUTCOMES,
        error_messages={"invalid_choice": "Choose approved or rejected."},
    )
    reason = serializers.CharField(
        max_length=5000, help_text="Why the decision could not wait for the next meeting."
    )
    second_member = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        help_text="Id of the other voting member of the committee who agrees.",
    )


# Every field above gets the shared bounds (length, characters, dates, ids): see
# governance.api.fields.
from governance.api.fields import bound_inputs  # noqa: E402

bound_inputs(globals())
