"""The decision register over the API: public, like ``/decisions/``.

Everybody, signed in or not, sees every entry; a confidential entry shows only its
reference, date and exemption reason unless ``entry_shows_detail`` says the caller may
see more (the parties to it, the ICB secretariat, auditors). A page of the list asks
the same question for all its entries at once (``decisions.selectors.entries_showing_detail``).
"""

from __future__ import annotations

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from decisions.api.filters import RegisterEntryFilter
from decisions.api.serializers import ConfidentialEntrySerializer, RegisterEntrySerializer
from decisions.models import DecisionEntry
from decisions.selectors import entries_showing_detail, entry_shows_detail, register_entries
from governance.api.serializers import ERRORS


def entry_data(entry: DecisionEntry, in_full: bool) -> dict:
    if in_full:
        return RegisterEntrySerializer(entry).data
    return ConfidentialEntrySerializer(entry).data


def _entry_schema(many: bool = False):
    return PolymorphicProxySerializer(
        component_name="RegisterEntryOrConfidential",
        serializers={"full": RegisterEntrySerializer, "summary": ConfidentialEntrySerializer},
        resource_type_field_name="view",
        many=many,
    )


@extend_schema_view(
    list=extend_schema(
        summary="The decision register",
        description="Public. Confidential entries show only reference, date and exemption "
        "reason unless the caller is party to the decision.",
        responses={200: _entry_schema(many=True)},
    ),
    retrieve=extend_schema(
        summary="One register entry, by reference",
        responses={200: _entry_schema(), 404: ERRORS[404]},
    ),
)
@extend_schema(tags=["decisions"])
class DecisionRegisterViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [AllowAny]
    serializer_class = RegisterEntrySerializer
    lookup_field = "reference"
    lookup_value_regex = r"[A-Za-z]+-\d{4}-\d+"
    filterset_class = RegisterEntryFilter
    ordering_fields = ["decided_on", "reference", "recorded_at"]

    def get_queryset(self):
        return register_entries()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        shown = entries_showing_detail(request.user, page)
        # one serializer of each kind for the page (building one per entry cost most of
        # the request's time)
        full, confidential = RegisterEntrySerializer(), ConfidentialEntrySerializer()
        return self.get_paginated_response(
            [(full if e.pk in shown else confidential).to_representation(e) for e in page]
        )

    def retrieve(self, request, *args, **kwargs):
        entry = self.get_object()
        return Response(entry_data(entry, entry_shows_detail(request.user, entry)))
