"""``GET /api/v1/risk-categories/``: the risk categories (with their appetite), so a
client can raise a risk in one without reading ids from the admin. Any signed-in user;
retired categories are listed with ``is_active`` false."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from governance.risks.api.filters import RiskCategoryFilter
from governance.risks.models import RiskCategory


class RiskCategorySerializer(serializers.ModelSerializer):
    appetite_max_score = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = RiskCategory
        fields = [
            "id",
            "code",
            "name",
            "description",
            "responsible_committee",
            "appetite_max_score",
            "is_active",
        ]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(summary="Risk categories"))
@extend_schema(tags=["reference"])
class RiskCategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = RiskCategorySerializer
    queryset = RiskCategory.objects.none()
    filterset_class = RiskCategoryFilter
    ordering_fields = ["position", "name", "code"]

    def get_queryset(self):
        return RiskCategory.objects.select_related("appetite").order_by("position", "name")
