"""Pooled funds and allocations over the API.

Reads come from ``budgets.selectors``: a fund (or allocation) the caller is not party
to is a 404, never a 403. Each command is its own endpoint with its own input
serializer and calls one service. Partners sign allocations off through the shared
``/api/v1/signoffs/`` endpoints.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from budgets import balances, selectors, services
from budgets.api import inputs
from budgets.api.filters import AllocationFilter, FundFilter
from budgets.api.serializers import (
    AllocationDetailSerializer,
    AllocationSerializer,
    FundDetailSerializer,
    FundSerializer,
    LedgerEntrySerializer,
)
from budgets.models import Allocation, AllocationStatus, PooledFund
from governance.api.serializers import ERRORS, AuditEventSerializer
from governance.audit.selectors import events_for


@extend_schema_view(
    list=extend_schema(
        summary="Pooled funds I am party to", responses={200: FundSerializer(many=True)}
    ),
    retrieve=extend_schema(
        summary="One fund, with its derived position per partner and scheme line",
        responses={200: FundDetailSerializer, 404: ERRORS[404]},
    ),
)
@extend_schema(tags=["funds"])
class FundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    queryset = PooledFund.objects.none()  # for the schema; get_queryset scopes every request
    filterset_class = FundFilter
    ordering_fields = ["reference", "name", "financial_year", "created_at"]

    def get_queryset(self):
        return selectors.funds_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return FundSerializer
        if self.action == "ledger":
            return LedgerEntrySerializer
        return FundDetailSerializer

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        positions = balances.fund_positions([f.pk for f in page])
        data = FundSerializer(page, many=True, context={"positions": positions}).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="The fund's ledger, oldest first (append-only)",
        responses={200: LedgerEntrySerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"])
    def ledger(self, request, pk=None):
        fund = self.get_object()
        page = self.paginate_queryset(selectors.ledger_of(fund))
        return self.get_paginated_response(LedgerEntrySerializer(page, many=True).data)


DETAIL = {200: AllocationDetailSerializer, **ERRORS}


@extend_schema_view(
    list=extend_schema(
        summary="Allocations of the funds I am party to",
        parameters=[
            OpenApiParameter("fund", OpenApiTypes.INT, description="Only this fund's."),
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=AllocationStatus.values, description="Only these."
            ),
        ],
        responses={200: AllocationSerializer(many=True), 400: ERRORS[400]},
    ),
    retrieve=extend_schema(
        summary="One allocation, with its sign-offs and ledger entries",
        responses={200: AllocationDetailSerializer, 404: ERRORS[404]},
    ),
)
@extend_schema(tags=["allocations"])
class AllocationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    queryset = Allocation.objects.none()
    filterset_class = AllocationFilter
    ordering_fields = ["created_at", "submitted_at", "committed_at", "amount", "reference"]

    def get_queryset(self):
        qs = selectors.allocations_visible_to(self.request.user)
        if self.action == "list":
            fund = self.request.query_params.get("fund")
            if fund:
                if not fund.isdigit():
                    raise ValidationError({"fund": "Give a fund id (a number)."})
                qs = qs.filter(fund_id=int(fund))
            wanted = self.request.query_params.get("status")
            if wanted:
                if wanted not in AllocationStatus.values:
                    raise ValidationError(
                        {"status": f"Unknown status; one of {', '.join(AllocationStatus.values)}."}
                    )
                qs = qs.filter(status=wanted)
        else:
            qs = qs.prefetch_related(
                "entries__actor",
                "entries__organisation",
                "entries__scheme_line",
                "entries__allocation",
            )
        return qs

    def get_serializer_class(self):
        if self.action == "list":
            return AllocationSerializer
        if self.action == "timeline":
            return AuditEventSerializer
        return AllocationDetailSerializer

    def _answer(self, allocation, code=status.HTTP_200_OK):
        allocation = self.get_queryset().get(pk=allocation.pk)
        return Response(AllocationDetailSerializer(allocation).data, status=code)

    def _input(self, serializer_class, partial=False):
        data = serializer_class(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    @extend_schema(
        summary="Request an allocation (it goes to the pool manager for review)",
        request=inputs.AllocationCreateInput,
        responses={201: AllocationDetailSerializer, **ERRORS},
    )
    def create(self, request):
        fields = self._input(inputs.AllocationCreateInput)
        allocation = services.allocation_create(actor=request.user, **fields)
        return self._answer(allocation, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revise a returned allocation",
        description="Only the fields sent change; then submit it again.",
        request=inputs.AllocationUpdateInput,
        responses=DETAIL,
    )
    def partial_update(self, request, pk=None):
        allocation = self.get_object()
        fields = self._input(inputs.AllocationUpdateInput, partial=True)
        reason = fields.pop("reason", "")
        services.allocation_update(
            actor=request.user, allocation=allocation, reason=reason, **fields
        )
        return self._answer(allocation)

    @extend_schema(summary="Submit a returned allocation again", request=None, responses=DETAIL)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        allocation = services.allocation_submit(actor=request.user, allocation=self.get_object())
        return self._answer(allocation)

    @extend_schema(
        summary="Pool manager's review: accept (to partner sign-off) or return with a reason",
        request=inputs.AllocationReviewInput,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        allocation = self.get_object()
        services.allocation_review(
            actor=request.user, allocation=allocation, **self._input(inputs.AllocationReviewInput)
        )
        return self._answer(allocation)

    @extend_schema(
        summary="Withdraw before it is committed",
        request=inputs.AllocationWithdrawInput,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        allocation = self.get_object()
        services.allocation_withdraw(
            actor=request.user, allocation=allocation, **self._input(inputs.AllocationWithdrawInput)
        )
        return self._answer(allocation)

    @extend_schema(
        summary="Release unspent committed money back to the fund",
        request=inputs.AllocationReleaseInput,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        allocation = self.get_object()
        services.allocation_release(
            actor=request.user, allocation=allocation, **self._input(inputs.AllocationReleaseInput)
        )
        return self._answer(allocation)

    @extend_schema(
        summary="Record spend against the commitment",
        request=inputs.AllocationSpendInput,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"])
    def spend(self, request, pk=None):
        allocation = self.get_object()
        services.allocation_spend(
            actor=request.user, allocation=allocation, **self._input(inputs.AllocationSpendInput)
        )
        return self._answer(allocation)

    @extend_schema(
        summary="Timeline: every audited event of the allocation",
        responses={200: AuditEventSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        allocation = self.get_object()
        page = self.paginate_queryset(events_for(allocation).order_by("seq"))
        return self.get_paginated_response(AuditEventSerializer(page, many=True).data)
