"""Risks over the API.

Reads come from ``risks_visible_to``: a risk the caller may not see is a 404, never a
403. ``GET /api/v1/risks/`` is the register (open, treated and tolerated risks unless
``status`` says otherwise; ``status=all`` for every status) with the web register's
filters. Every command is its own endpoint calling one service. Partners accept a
shared risk (or agree its closure or tolerance) through ``/api/v1/signoffs/``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance import permissions
from governance.api.serializers import ERRORS
from governance.organisations.models import Organisation
from governance.risks import policy, scoring, selectors, services
from governance.risks.api import inputs
from governance.risks.api.filters import EscalationFilter, RiskFilter
from governance.risks.api.serializers import (
    EscalationSerializer,
    HeatMapCellSerializer,
    RiskDetailSerializer,
    RiskSerializer,
)
from governance.risks.models import RiskStatus
from governance.risks.selectors import RegisterFilter

DETAIL = {200: RiskDetailSerializer, **ERRORS}

FILTERS = [
    OpenApiParameter(
        "organisation", OpenApiTypes.STR, description="Owned by or shared with (id or code)."
    ),
    OpenApiParameter("category", OpenApiTypes.STR, description="Category id or code."),
    OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        enum=[*RiskStatus.values, "all"],
        description="Default: the register (open, treated, tolerated).",
    ),
    OpenApiParameter("score", OpenApiTypes.INT, description="Current score exactly."),
    OpenApiParameter("min_score", OpenApiTypes.INT, description="Current score at least."),
    OpenApiParameter("max_score", OpenApiTypes.INT, description="Current score at most."),
    OpenApiParameter("likelihood", OpenApiTypes.INT, description="Current likelihood (1–5)."),
    OpenApiParameter("consequence", OpenApiTypes.INT, description="Current consequence (1–5)."),
    OpenApiParameter("objective", OpenApiTypes.INT, description="Strategic objective id."),
]


def _default_organisation(user) -> Organisation:
    ids = permissions.organisation_ids(user, roles=policy.RISK_ROLES)
    if len(ids) != 1:
        raise ValidationError(
            {
                "owning_organisation": "Choose the organisation that owns the risk"
                + (" (you act for more than one)." if ids else ".")
            }
        )
    return Organisation.objects.get(pk=next(iter(ids)))


@extend_schema_view(
    list=extend_schema(
        summary="The risk register (risks I may see)",
        parameters=FILTERS,
        responses={200: RiskSerializer(many=True), 400: ERRORS[400]},
    ),
    retrieve=extend_schema(summary="One risk, with its score history", responses=DETAIL),
)
class RiskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    queryset = selectors.Risk.objects.none()  # for the schema; get_queryset scopes each call
    filterset_class = RiskFilter
    ordering_fields = ["score", "reference", "next_review_date", "registered_at"]

    def get_queryset(self):
        qs = selectors.risks_visible_to(self.request.user).prefetch_related("partners")
        if self.action == "list":
            filters = RegisterFilter.from_params(self.request.query_params).check()
            return selectors.with_score(filters.apply(qs)).order_by("-score", "reference")
        if self.action == "retrieve":
            qs = qs.prefetch_related("assessments__assessed_by", "review_tasks")
        return qs

    def get_serializer_class(self):
        return RiskSerializer if self.action == "list" else RiskDetailSerializer

    def _answer(self, risk, code=status.HTTP_200_OK):
        risk = selectors.risks_visible_to(self.request.user).get(pk=risk.pk)
        return Response(RiskDetailSerializer(risk).data, status=code)

    @extend_schema(
        summary="Raise a risk (as a draft)",
        request=inputs.RiskCreateInput,
        responses={201: RiskDetailSerializer, **ERRORS},
    )
    def create(self, request):
        data = inputs.RiskCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        org = fields.pop("owning_organisation", None) or _default_organisation(request.user)
        risk = services.risk_create(actor=request.user, owning_organisation=org, **fields)
        return self._answer(risk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a risk",
        description="Only the fields sent change. A change of the current ratings is kept in "
        "the score history and escalates the risk if it rises above appetite.",
        request=inputs.RiskUpdateInput,
        responses=DETAIL,
    )
    def partial_update(self, request, pk=None):
        risk = self.get_object()
        data = inputs.RiskUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        reason = fields.pop("reason", "")
        services.risk_update(actor=request.user, risk=risk, reason=reason, **fields)
        return self._answer(risk)

    @extend_schema(
        summary="Submit a draft",
        description="Registers it at once if it is not shared; otherwise each sharing "
        "partner's signatory is asked to accept it (see /api/v1/signoffs/).",
        request=None,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        risk = services.risk_submit(actor=request.user, risk=self.get_object())
        return self._answer(risk)

    @extend_schema(summary="Record a review", request=inputs.ReviewInput, responses=DETAIL)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        risk = self.get_object()
        data = inputs.ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.risk_review(actor=request.user, risk=risk, **data.validated_data)
        return self._answer(risk)

    @extend_schema(
        summary="Change status (treat, tolerate, close, reopen)",
        description="Tolerating or closing a shared risk waits for every sharing partner's "
        "sign-off (pending_change shows it).",
        request=inputs.StatusInput,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        risk = self.get_object()
        data = inputs.StatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.risk_change_status(actor=request.user, risk=risk, **data.validated_data)
        return self._answer(risk)

    @extend_schema(
        summary="Heat map counts",
        description="Number of risks in each cell of the 5×5 matrix (current scores), for "
        "the same filters as the list (likelihood and consequence ignored).",
        parameters=FILTERS,
        responses={200: HeatMapCellSerializer(many=True), 400: ERRORS[400]},
    )
    @action(detail=False, methods=["get"], url_path="heatmap", pagination_class=None)
    def heatmap(self, request):
        filters = RegisterFilter.from_params(request.query_params).check()
        counts = selectors.heat_map_counts(request.user, filters)
        cells = [
            {
                "likelihood": lk,
                "consequence": cq,
                "score": scoring.score(lk, cq),
                "band": scoring.band_for(scoring.score(lk, cq)).key,
                "count": n,
            }
            for (lk, cq), n in sorted(counts.items())
        ]
        return Response(cells)


@extend_schema_view(
    list=extend_schema(summary="Escalations of the risks I may see"),
    retrieve=extend_schema(
        summary="One escalation", responses={200: EscalationSerializer, **ERRORS}
    ),
)
class EscalationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EscalationSerializer
    lookup_value_regex = r"\d+"
    queryset = selectors.Escalation.objects.none()
    filterset_class = EscalationFilter
    ordering_fields = ["raised_at", "responded_at", "decided_on"]

    def get_queryset(self):
        return selectors.escalations_visible_to(self.request.user)  # filters: EscalationFilter

    @extend_schema(
        summary="Record the board's (or committee's) response",
        description="ICB secretariat only. A deferral leaves the escalation open.",
        request=inputs.EscalationResponseInput,
        responses={200: EscalationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        esc = self.get_object()
        data = inputs.EscalationResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.escalation_respond(actor=request.user, escalation=esc, **data.validated_data)
        return Response(EscalationSerializer(self.get_queryset().get(pk=esc.pk)).data)
