"""REST API: /api/v1/… and the OpenAPI schema at /api/schema/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from governance.api import schema  # noqa: F401  (the schema extensions)
from governance.api.auth import TokenApi, TokenDetailApi, TokenListApi
from governance.api.downloads import JobDownloadApi, JobStatusApi
from governance.api.reference import InterestViewSet, MembershipViewSet, OrganisationViewSet
from governance.api.signoffs import SignOffViewSet
from governance.meetings.api.views import PackDownloadApi

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
    path("v1/jobs/<int:pk>/", JobStatusApi.as_view(), name="api-job"),
    path("v1/jobs/<int:pk>/download/", JobDownloadApi.as_view(), name="api-job-download"),
    path("v1/packs/<int:pk>/download/", PackDownloadApi.as_view(), name="api-pack-download"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/audit/", include("governance.audit.api_urls")),
    path("v1/", include(router.urls)),
    path("v1/", include("decisions.api.urls")),
    path("v1/", include("budgets.api.urls")),
    path("v1/", include("governance.risks.api.urls")),
    path("v1/", include("governance.meetings.api.urls")),
]
