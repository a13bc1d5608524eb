"""REST API: /api/v1/… and the OpenAPI schema at /api/schema/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from governance.api.auth import TokenApi, TokenDetailApi, TokenListApi
from governance.api.reference import InterestViewSet, MembershipViewSet, OrganisationViewSet
from governance.api.signoffs import SignOffViewSet

router = SimpleRouter()
router.register("signoffs", SignOffViewSet, basename="api-signoff")
router.register("organisations", OrganisationViewSet, basename="api-organisation")
router.register("memberships", MembershipViewSet, basename="api-membership")
router.register("interests", InterestViewSet, basename="api-interest")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("v1/auth/token/", TokenApi.as_view(), name="api-token"),
    path("v1/auth/tokens/", TokenListApi.as_view(), name="api-tokens"),
    path("v1/auth/tokens/<int:pk>/", TokenDetailApi.as_view(), name="api-token-detail"),
    path("v1/audit/", include("governance.audit.api_urls")),
    path("v1/", include(router.urls)),
    path("v1/", include("decisions.api.urls")),
    path("v1/", include("budgets.api.urls")),
    path("v1/", include("governance.risks.api.urls")),
    path("v1/", include("governance.meetings.api.urls")),
]
