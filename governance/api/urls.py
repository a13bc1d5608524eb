"""REST API: /api/v1/… and the OpenAPI schema at /api/schema/."""

from django.urls import include, path

urlpatterns = [
    path("v1/", include("decisions.api.urls")),
    path("v1/", include("budgets.api.urls")),
    path("v1/", include("governance.risks.api.urls")),
    path("v1/", include("governance.meetings.api.urls")),
]
