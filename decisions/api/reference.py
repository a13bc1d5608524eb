"""Reference data of the scheme of reservation and delegation (SoRD):

- ``GET /api/v1/decision-types/``: the kinds of decision the SoRD distinguishes (their
  ids and codes, for raising a proposal). Any signed-in user.
- ``GET /api/v1/sord-versions/`` and ``/{number}/``: the versions of the scheme with
  their delegations (bands); approved versions for anyone signed in, drafts and proposed
  or rejected versions too for the ICB secretariat and auditors
  (``decisions.selectors_sord.versions_visible_to``)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from decisions.api.filters import DecisionTypeFilter
from decisions.api.serializers import (
    DecisionTypeSerializer,
    SordVersionDetailSerializer,
    SordVersionSerializer,
)
from decisions.models import DecisionType, SordVersionStatus
from decisions.selectors_sord import versions_visible_to
from governance.api.serializers import ERRORS


@extend_schema_view(list=extend_schema(summary="Decision types of the SoRD"))
@extend_schema(tags=["reference"])
class DecisionTypeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = DecisionTypeSerializer
    queryset = DecisionType.objects.all().order_by("name")
    filterset_class = DecisionTypeFilter
    ordering_fields = ["name", "code"]


class SordVersionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SordVersionStatus.choices)
    in_force_on = django_filters.DateFilter(
        method="by_day", label="The approved version in force on this day"
    )

    def by_day(self, queryset, name, value):
        version = queryset.in_force(value)
        return queryset.filter(pk=version.pk) if version else queryset.none()


@extend_schema_view(
    list=extend_schema(summary="Versions of the SoRD"),
    retrieve=extend_schema(
        summary="One version of the SoRD, with its delegations",
        responses={200: SordVersionDetailSerializer, 404: ERRORS[404]},
    ),
)
@extend_schema(tags=["reference"])
class SordVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "number"
    lookup_value_regex = r"\d+"
    filterset_class = SordVersionFilter
    ordering_fields = ["number", "effective_from"]

    def get_queryset(self):
        qs = versions_visible_to(self.request.user).order_by("-number")
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                "bands__decision_type", "bands__committee", "bands__officer_post"
            )
        return qs

    def get_serializer_class(self):
        return SordVersionSerializer if self.action == "list" else SordVersionDetailSerializer
