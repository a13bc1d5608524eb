"""The system envelope over the API (mounted under /api/v1/):

- ``GET  /api/v1/envelopes/`` and ``{id}/``: envelopes I am party to, with their lines;
- ``GET  /api/v1/envelopes/{id}/position/?month=N``: the derived position (default: the
  latest month with a return);
- ``GET  /api/v1/envelope-submissions/`` (``?envelope=&month=&status=``) and ``{id}/``:
  monthly returns I may see; ``POST`` submits (or revises) my organisation's return;
- ``GET  /api/v1/capital-schemes/`` (``?envelope=``) and ``{id}/``; ``POST`` bids one.

Reads go through ``budgets.envelope_selectors`` (anything the caller is not party to is a
404); each command validates its input shape here and calls one service. Amounts are
strings of pounds and pence; negative figures carry a leading minus.
"""

from __future__ import annotations

import base64
import binascii

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from budgets import envelope_selectors
from budgets.api import filters
from budgets.api.inputs import MoneyInput
from budgets.models import (
    CapitalCategory,
    CapitalScheme,
    MonthlyReturn,
    MonthlyReturnSource,
    MonthlyReturnStatus,
    SystemEnvelope,
)
from budgets.services import capital as capital_services
from budgets.services import envelope_returns
from governance.api.serializers import (
    ERRORS,
    BlankChoicesAsNull,
    OrganisationRefSerializer,
    UserRefSerializer,
)


def _amount(value) -> str | None:
    return None if value is None else f"{value:.2f}"


class LineSerializer(serializers.Serializer):
    organisation = OrganisationRefSerializer()
    planned_income = serializers.DecimalField(14, 2)
    planned_expenditure = serializers.DecimalField(14, 2)
    planned_surplus = serializers.DecimalField(14, 2)
    capital_allocation = serializers.DecimalField(14, 2)


class EnvelopeSerializer(serializers.ModelSerializer):
    icb = OrganisationRefSerializer()
    finance_lead = UserRefSerializer()
    year = serializers.CharField(source="year_label")
    surplus_total = serializers.DecimalField(14, 2)

    class Meta:
        model = SystemEnvelope
        fields = [
            "id", "reference", "name", "financial_year", "year", "icb", "finance_lead",
            "status", "version", "income_total", "expenditure_total", "surplus_total",
            "capital_total", "threshold_percent", "system_adverse_alert", "finance_committee",
            "agreed_at",
        ]  # fmt: skip
        read_only_fields = fields


class EnvelopeDetailSerializer(EnvelopeSerializer):
    lines = serializers.SerializerMethodField()

    class Meta(EnvelopeSerializer.Meta):
        fields = [*EnvelopeSerializer.Meta.fields, "lines"]
        read_only_fields = fields

    @extend_schema_field(LineSerializer(many=True))
    def get_lines(self, envelope) -> list[dict]:
        return LineSerializer(envelope_selectors.lines_of(envelope), many=True).data


class PositionRowSerializer(serializers.Serializer):
    organisation_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    plan_income = serializers.DecimalField(14, 2)
    plan_expenditure = serializers.DecimalField(14, 2)
    plan_surplus = serializers.DecimalField(14, 2)
    ytd_plan_surplus = serializers.DecimalField(14, 2)
    ytd_income = serializers.DecimalField(14, 2)
    ytd_expenditure = serializers.DecimalField(14, 2)
    ytd_surplus = serializers.DecimalField(14, 2)
    ytd_variance = serializers.DecimalField(14, 2)
    forecast_income = serializers.DecimalField(14, 2)
    forecast_expenditure = serializers.DecimalField(14, 2)
    forecast_surplus = serializers.DecimalField(14, 2)
    forecast_variance = serializers.DecimalField(14, 2)
    forecast_variance_percent = serializers.DecimalField(8, 2, allow_null=True)
    run_rate_surplus = serializers.DecimalField(14, 2)
    capital_allocation = serializers.DecimalField(14, 2)
    submitted = serializers.BooleanField()
    late = serializers.BooleanField()


class PositionSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    rows = PositionRowSerializer(many=True)
    total = PositionRowSerializer()


class SubmissionSerializer(BlankChoicesAsNull, serializers.ModelSerializer):
    envelope = serializers.IntegerField(source="month.envelope_id")
    month = serializers.IntegerField(source="month.month")
    due_date = serializers.DateField(source="month.due_date")
    organisation = OrganisationRefSerializer(source="line.organisation")
    submitted_by = UserRefSerializer(allow_null=True)

    class Meta:
        model = MonthlyReturn
        fields = [
            "id", "envelope", "month", "due_date", "organisation", "status", "ytd_income",
            "ytd_expenditure", "forecast_income", "forecast_expenditure", "commentary",
            "source", "submitted_by", "submitted_at", "is_late", "chase_count",
        ]  # fmt: skip
        read_only_fields = fields


class SubmissionInput(serializers.Serializer):
    envelope = serializers.IntegerField()
    month = serializers.IntegerField(min_value=1, max_value=12)
    organisation = serializers.IntegerField(help_text="The partner's organisation id.")
    ytd_income = MoneyInput()
    ytd_expenditure = MoneyInput()
    forecast_income = MoneyInput()
    forecast_expenditure = MoneyInput()
    commentary = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class SchemeSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer()
    costs = serializers.SerializerMethodField()
    has_business_case = serializers.SerializerMethodField()

    class Meta:
        model = CapitalScheme
        fields = [
            "id", "reference", "envelope", "organisation", "title", "category",
            "risk_score_addressed", "score", "score_reason", "status", "costs",
            "has_business_case", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_costs(self, scheme) -> dict[str, str]:
        return {str(c.financial_year): _amount(c.amount) for c in scheme.costs.all()}

    def get_has_business_case(self, scheme) -> bool:
        return bool(scheme.business_case)


class SchemeInput(serializers.Serializer):
    envelope = serializers.IntegerField()
    organisation = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=CapitalCategory.choices)
    risk_score_addressed = serializers.IntegerField(min_value=1, max_value=25)
    costs = serializers.DictField(
        child=serializers.CharField(), help_text='By year, e.g. {"2026": "4000000.00"}.'
    )
    business_case = serializers.CharField(
        required=False, allow_blank=True, help_text="The business case PDF, base64-encoded."
    )


def _int_param(request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise ValidationError({name: f"Give {name} as a number."})
    return int(value)


@extend_schema_view(
    list=extend_schema(summary="System envelopes I am party to"),
    retrieve=extend_schema(
        summary="One envelope with its lines", responses={200: EnvelopeDetailSerializer, **ERRORS}
    ),
)
@extend_schema(tags=["envelopes"])
class EnvelopeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    queryset = SystemEnvelope.objects.none()
    filterset_class = filters.EnvelopeFilter
    ordering_fields = ["financial_year", "reference"]

    def get_queryset(self):
        return envelope_selectors.envelopes_visible_to(self.request.user)

    def get_serializer_class(self):
        return EnvelopeSerializer if self.action == "list" else EnvelopeDetailSerializer

    @extend_schema(
        summary="The derived position: plan, actual and forecast per partner and in total",
        parameters=[OpenApiParameter("month", OpenApiTypes.INT, description="1–12")],
        responses={200: PositionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def position(self, request, pk=None):
        envelope = self.get_object()
        month = _int_param(request, "month")
        if month is not None and not 1 <= month <= 12:
            raise ValidationError({"month": "A month is 1 (April) to 12 (March)."})
        return Response(PositionSerializer(envelope_selectors.position(envelope, month)).data)


@extend_schema_view(
    list=extend_schema(
        summary="Monthly returns I may see",
        parameters=[
            OpenApiParameter("envelope", OpenApiTypes.INT),
            OpenApiParameter("month", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR, enum=MonthlyReturnStatus.values),
        ],
    ),
    retrieve=extend_schema(summary="One monthly return"),
)
@extend_schema(tags=["envelopes"])
class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    queryset = MonthlyReturn.objects.none()
    serializer_class = SubmissionSerializer
    filterset_class = filters.SubmissionFilter
    ordering_fields = ["submitted_at", "status"]

    def get_queryset(self):
        qs = envelope_selectors.returns_visible_to(self.request.user).order_by(
            "month__envelope_id", "month__month", "line__organisation__name"
        )
        if self.action == "list":
            envelope, month = (
                _int_param(self.request, "envelope"),
                _int_param(self.request, "month"),
            )
            if envelope is not None:
                qs = qs.filter(month__envelope_id=envelope)
            if month is not None:
                qs = qs.filter(month__month=month)
            wanted = self.request.query_params.get("status")
            if wanted:
                if wanted not in MonthlyReturnStatus.values:
                    raise ValidationError({"status": "One of due, submitted."})
                qs = qs.filter(status=wanted)
        return qs

    @extend_schema(
        summary="Submit (or revise) my organisation's return for a month",
        request=SubmissionInput,
        responses={201: SubmissionSerializer, **ERRORS},
    )
    def create(self, request):
        data = SubmissionInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        ret = (
            self.get_queryset()
            .filter(
                month__envelope_id=fields.pop("envelope"),
                month__month=fields.pop("month"),
                line__organisation_id=fields.pop("organisation"),
            )
            .first()
        )
        if ret is None:
            raise ValidationError(
                {"month": "There is no open return for that envelope, month and organisation."}
            )
        ret = envelope_returns.return_submit(
            actor=request.user, envelope_return=ret, source=MonthlyReturnSource.API, **fields
        )
        ret = self.get_queryset().get(pk=ret.pk)
        return Response(SubmissionSerializer(ret).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Capital schemes of the envelopes I am party to, best score first",
        parameters=[OpenApiParameter("envelope", OpenApiTypes.INT)],
    ),
    retrieve=extend_schema(summary="One capital scheme"),
)
@extend_schema(tags=["envelopes"])
class CapitalSchemeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    lookup_value_regex = r"\d+"
    queryset = CapitalScheme.objects.none()
    serializer_class = SchemeSerializer
    filterset_class = filters.CapitalSchemeFilter
    ordering_fields = ["score", "created_at", "reference"]

    def get_queryset(self):
        qs = envelope_selectors.schemes_visible_to(self.request.user).order_by("-score", "pk")
        envelope = _int_param(self.request, "envelope") if self.action == "list" else None
        return qs.filter(envelope_id=envelope) if envelope is not None else qs

    @extend_schema(
        summary="Bid a capital scheme for my organisation",
        request=SchemeInput,
        responses={201: SchemeSerializer, **ERRORS},
    )
    def create(self, request):
        data = SchemeInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        envelope = (
            envelope_selectors.envelopes_visible_to(request.user)
            .filter(pk=fields.pop("envelope"))
            .first()
        )
        if envelope is None:
            raise ValidationError({"envelope": "There is no envelope with that id."})
        line = envelope.lines.filter(organisation_id=fields.pop("organisation")).first()
        if line is None:
            raise ValidationError({"organisation": "That organisation has no line in it."})
        case = fields.pop("business_case", "") or None
        if case:
            try:
                case = base64.b64decode(case, validate=True)
            except (binascii.Error, ValueError):
                raise ValidationError({"business_case": "Send the PDF base64-encoded."}) from None
        scheme = capital_services.scheme_bid(
            actor=request.user,
            envelope=envelope,
            organisation=line.organisation,
            business_case=case,
            **fields,
        )
        scheme = self.get_queryset().get(pk=scheme.pk)
        return Response(SchemeSerializer(scheme).data, status=status.HTTP_201_CREATED)
