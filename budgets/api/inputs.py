"""Input serializers of the pooled budgets API, one per command. They check shape and
types; amounts go through ``budgets.money`` (same rules and messages as the web); the
services decide what is allowed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from budgets import money, selectors
from budgets.models import SchemeLine
from governance.organisations.models import Organisation


@extend_schema_field({"type": "string", "format": "decimal", "example": "125000.00"})
class MoneyInput(serializers.Field):
    """Pounds and pence as a string (or a number), at most two decimal places."""

    def __init__(self, *, positive=False, **kwargs):
        kwargs.setdefault("help_text", 'Pounds and pence, e.g. "125000.00".')
        super().__init__(**kwargs)
        self.positive = positive

    def to_internal_value(self, data):
        try:
            return money.money(data, "amount", positive=self.positive)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["amount"]) from None

    def to_representation(self, value):
        return f"{value:.2f}"


@extend_schema_field(OpenApiTypes.INT)
class _OrganisationField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": "No active organisation has id {pk_value}.",
        "incorrect_type": "Give an organisation id (a number).",
    }

    def get_queryset(self):
        return Organisation.objects.filter(is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class _FundField(serializers.PrimaryKeyRelatedField):
    """Only funds the caller is party to: any other id reads as not found."""

    default_error_messages = {
        "does_not_exist": "There is no fund with id {pk_value}.",
        "incorrect_type": "Give a fund id (a number).",
    }

    def get_queryset(self):
        return selectors.funds_visible_to(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class _SchemeLineField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": "There is no scheme line with id {pk_value}.",
        "incorrect_type": "Give a scheme line id (a number).",
    }

    def get_queryset(self):
        return SchemeLine.objects.filter(
            fund__in=selectors.funds_visible_to(self.context["request"].user)
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


class AllocationCreateInput(_StrictInput):
    fund = _FundField()
    scheme_line = _SchemeLineField()
    recipient = _OrganisationField()
    requesting_organisation = _OrganisationField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The party the request is made for; may be left out if you act for one.",
    )
    amount = MoneyInput(positive=True)
    purpose = serializers.CharField()
    period_start = serializers.DateField(required=False, allow_null=True, default=None)
    period_end = serializers.DateField(required=False, allow_null=True, default=None)


class AllocationUpdateInput(_StrictInput):
    """Only the fields sent change (a returned allocation only)."""

    scheme_line = _SchemeLineField(required=False)
    recipient = _OrganisationField(required=False)
    amount = MoneyInput(positive=True, required=False)
    purpose = serializers.CharField(required=False)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AllocationReviewInput(_StrictInput):
    accept = serializers.BooleanField(help_text="true to accept, false to return.")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required when returning."
    )


class AllocationWithdrawInput(_StrictInput):
    reason = serializers.CharField()


class AllocationReleaseInput(_StrictInput):
    amount = MoneyInput(positive=True)
    reason = serializers.CharField()
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)


class AllocationSpendInput(_StrictInput):
    amount = MoneyInput(positive=True)
    reference = serializers.CharField(max_length=60, help_text="e.g. the invoice number.")
    memo = serializers.CharField(required=False, allow_blank=True, default="")

# Every field above gets the shared bounds (length, characters, dates, ids): see
# governance.api.fields.
from governance.api.fields import bound_inputs  # noqa: E402

bound_inputs(globals())
