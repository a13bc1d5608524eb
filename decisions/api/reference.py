"""``GET /api/v1/decision-types/``: the kinds of decision the SoRD distinguishes (their
ids and codes, for raising a proposal). Any signed-in user."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from decisions.api.serializers import DecisionTypeSerializer
from decisions.models import DecisionType


@extend_schema_view(list=extend_schema(summary="Decision types of the SoRD"))
@extend_schema(tags=["reference"])
class DecisionTypeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = DecisionTypeSerializer
    queryset = DecisionType.objects.all().order_by("name")
