"""Proposals over the API.

Reads (list, detail, timeline) come from ``proposals_visible_to``: a proposal the caller
may not see is a 404, never a 403, so nobody learns that another organisation's
confidential proposal exists. Every command is its own endpoint with its own input
serializer, calls one service, and answers with the proposal as it now stands.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from decisions import policy, selectors, services
from decisions.api import inputs
from decisions.api.filters import ProposalFilter
from decisions.api.serializers import ProposalDetailSerializer, ProposalSerializer
from decisions.models import DecisionEntry, Proposal, ProposalStatus
from governance import permissions
from governance.api.serializers import ERRORS, AuditEventSerializer
from governance.audit.reads import record_read
from governance.audit.selectors import events_for
from governance.organisations.models import Organisation

DETAIL = {200: ProposalDetailSerializer, **ERRORS}


def _default_proposing_organisation(user) -> Organisation:
    ids = permissions.organisation_ids(user, roles=policy.PROPOSER_ROLES)
    if len(ids) != 1:
        raise ValidationError(
            {
                "proposing_organisation": "Choose the organisation that raises the proposal"
                + (" (you act for more than one)." if ids else ".")
            }
        )
    return Organisation.objects.get(pk=next(iter(ids)))


@extend_schema_view(
    list=extend_schema(
        summary="Proposals I may see",
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=ProposalStatus.values, description="Only these."
            )
        ],
        responses={200: ProposalSerializer(many=True), 400: ERRORS[400]},
    ),
    retrieve=extend_schema(
        summary="One proposal, with the sign-off states",
        responses={200: ProposalDetailSerializer, 404: ERRORS[404]},
    ),
)
@extend_schema(tags=["proposals"])
class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"
    queryset = Proposal.objects.none()  # for the schema; get_queryset scopes every request
    filterset_class = ProposalFilter
    ordering_fields = ["created_at", "submitted_at", "reference", "title", "status"]

    def get_queryset(self):
        qs = selectors.proposals_visible_to(self.request.user)
        if self.action == "list":
            qs = qs.prefetch_related("affected_organisations")
            wanted = self.request.query_params.get("status")
            if wanted:
                if wanted not in ProposalStatus.values:
                    raise ValidationError(
                        {"status": f"Unknown status; one of {', '.join(ProposalStatus.values)}."}
                    )
                qs = qs.filter(status=wanted)
        else:
            qs = qs.prefetch_related("affected_organisations", "named_organisations")
        return qs

    def retrieve(self, request, *args, **kwargs):
        proposal = self.get_object()
        if proposal.is_confidential:  # who viewed what (governance.audit.reads)
            record_read(user=request.user, target=proposal, how="api", request=request)
        return Response(self.get_serializer(proposal).data)

    def get_serializer_class(self):
        if self.action == "list":
            return ProposalSerializer
        if self.action == "timeline":
            return AuditEventSerializer
        return ProposalDetailSerializer

    def _answer(self, proposal, code=status.HTTP_200_OK):
        proposal = self.get_queryset().get(pk=proposal.pk)
        return Response(
            ProposalDetailSerializer(proposal, context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(
        summary="Raise a proposal (as a draft)",
        request=inputs.ProposalCreateInput,
        responses={201: ProposalDetailSerializer, **ERRORS},
    )
    def create(self, request):
        data = inputs.ProposalCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if fields.get("proposing_organisation") is None:
            fields["proposing_organisation"] = _default_proposing_organisation(request.user)
        proposal = services.proposal_create(actor=request.user, **fields)
        return self._answer(proposal, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a proposal",
        description="Only the fields sent change. Editing the substance of a proposal in "
        "sign-off cancels the open sign-offs and starts a new round.",
        request=inputs.ProposalUpdateInput,
        responses=DETAIL,
    )
    def partial_update(self, request, pk=None):
        proposal = self.get_object()
        data = inputs.ProposalUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        reason = fields.pop("reason", "")
        services.proposal_update(actor=request.user, proposal=proposal, reason=reason, **fields)
        return self._answer(proposal)

    @extend_schema(
        summary="Submit (or resubmit) to the secretariat", request=None, responses=DETAIL
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        proposal = services.proposal_submit(actor=request.user, proposal=self.get_object())
        return self._answer(proposal)

    @extend_schema(
        summary="Withdraw",
        description="Before the decision; open sign-offs are cancelled with the reason.",
        request=inputs.ProposalWithdrawInput,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        proposal = self.get_object()
        data = inputs.ProposalWithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.proposal_withdraw(actor=request.user, proposal=proposal, **data.validated_data)
        return self._answer(proposal)

    @extend_schema(
        summary="Secretariat review: accept, or return with a reason",
        request=inputs.ProposalReviewInput,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        proposal = self.get_object()
        data = inputs.ProposalReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.proposal_review(actor=request.user, proposal=proposal, **data.validated_data)
        return self._answer(proposal)

    @extend_schema(
        summary="The delegated officer records the decision (officer bands only)",
        request=inputs.ProposalRecordDecisionInput,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"], url_path="record-decision", url_name="record-decision")
    def record_decision(self, request, pk=None):
        proposal = self.get_object()
        data = inputs.ProposalRecordDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.proposal_decide_as_officer(
            actor=request.user, proposal=proposal, **data.validated_data
        )
        return self._answer(proposal)

    @extend_schema(
        summary="Chair's action: the committee's chair and one other voting member decide",
        request=inputs.ProposalChairsActionInput,
        responses=DETAIL,
    )
    @action(detail=True, methods=["post"], url_path="chairs-action", url_name="chairs-action")
    def chairs_action(self, request, pk=None):
        proposal = self.get_object()
        data = inputs.ProposalChairsActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.proposal_decide_by_chairs_action(
            actor=request.user, proposal=proposal, **data.validated_data
        )
        return self._answer(proposal)

    @extend_schema(
        summary="Timeline: every audited event of the proposal",
        responses={200: AuditEventSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        proposal = self.get_object()
        events = events_for(proposal)
        entry = DecisionEntry.objects.filter(proposal=proposal).first()
        if entry is not None:
            events = events | events_for(entry)
        page = self.paginate_queryset(events.order_by("seq"))
        return self.get_paginated_response(AuditEventSerializer(page, many=True).data)
