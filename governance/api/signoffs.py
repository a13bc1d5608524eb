"""Sign-offs over the API, for every subject type (proposals, allocations, risks…).

- ``GET  /api/v1/signoffs/``              the caller's open sign-offs (their inbox)
- ``GET  /api/v1/signoffs/{id}/``         one sign-off: only for the organisation's
  signatories, the ICB secretariat and auditors (anyone else: 404)
- ``POST /api/v1/signoffs/{id}/decide/``  approve, reject (with a comment) or abstain
"""

from __future__ import annotations

import django_filters
from django.db.models import prefetch_related_objects
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api.fields import bound_serializer
from governance.api.serializers import ERRORS, SignOffDetailSerializer, SignOffSerializer
from governance.audit.context import request_memo_var
from governance.signoffs import selectors
from governance.signoffs.models import SignOff
from governance.signoffs.selectors import signoffs_visible_to
from governance.signoffs.services import OUTCOMES, signoff_decide


@bound_serializer
class SignOffDecideInput(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=sorted(OUTCOMES),
        error_messages={"invalid_choice": "Choose approve, reject or abstain."},
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when rejecting.",
    )


class SignOffFilter(django_filters.FilterSet):
    organisation = django_filters.NumberFilter(field_name="organisation_id")
    requested_after = django_filters.DateFilter(
        field_name="requested_at", lookup_expr="date__gte", label="Requested on or after"
    )


@extend_schema_view(
    list=extend_schema(
        summary="My open sign-offs",
        description="Pending sign-offs of the organisations the caller signs for.",
    ),
    retrieve=extend_schema(
        summary="One sign-off",
        description="Visible to the organisation's signatories, the ICB secretariat and "
        "auditors; 404 for anyone else.",
        responses={200: SignOffDetailSerializer, 404: ERRORS[404]},
    ),
)
@extend_schema(tags=["signoffs"])
class SignOffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SignOffSerializer
    lookup_value_regex = r"\d+"
    filterset_class = SignOffFilter
    ordering_fields = ["requested_at", "due_on", "round"]
    queryset = SignOff.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        if self.action == "list":
            qs = selectors.open_signoffs_for(self.request.user).select_related("signatory")
        else:
            qs = signoffs_visible_to(self.request.user)
        qs = qs.prefetch_related("subject")
        if self.action not in ("list", "decide"):  # decide reads them once decided
            qs = qs.prefetch_related("conflicts__person")
        return qs

    def get_serializer_class(self):
        return SignOffSerializer if self.action == "list" else SignOffDetailSerializer

    @extend_schema(
        summary="Decide a sign-off",
        description="Approve, reject (a comment is required) or abstain for the sign-off's "
        "organisation. A signatory with a declared interest in a party to the subject is "
        "refused (400) and another signatory of the organisation must act.",
        request=SignOffDecideInput,
        responses={200: SignOffDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        # finding the sign-off is a read: the caller's memberships are read once for it
        # (as in a GET), and afresh by the service that writes
        memo = request_memo_var.set({})
        try:
            signoff = self.get_object()
        finally:
            request_memo_var.reset(memo)
        data = SignOffDecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = signoff_decide(actor=request.user, signoff=signoff, **data.validated_data)
        # the service returns it with its organisation and subject read: only the
        # conflicts are left to read (not the caller's visibility again)
        prefetch_related_objects([decided], "conflicts__person")
        return Response(SignOffDetailSerializer(decided).data)
