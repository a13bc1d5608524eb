"""URL configuration."""

from django.contrib import admin
from django.urls import include, path

from governance import signin, views
from governance.health import HealthView
from governance.workflow import workflow_site

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", HealthView.as_view(), name="health"),
    path("accounts/login/", signin.SignInView.as_view(), name="login"),
    path("accounts/logout/", signin.SignOutView.as_view(), name="logout"),
    path("accounts/", include("governance.oidc.urls")),
    path("audit/", include("governance.audit.urls")),
    path("jobs/", include("governance.packs.urls")),
    path("api/", include("governance.api.urls")),
    path("", include("governance.signoffs.urls")),
    path("", include("governance.deputies.urls")),
    path("", include("governance.interests.urls")),
    path("", include("decisions.urls")),
    path("", include("budgets.urls")),
    path("", include("governance.risks.urls")),
    path("", include("governance.meetings.urls")),
    path("", include("governance.search.urls")),
    path("", include("governance.opendata.urls")),
    path("", include("governance.audit.public_urls")),
    path("", include("governance.history.urls")),
    path("manage/", include("governance.organisations.urls")),
    path("manage/risk-categories/", include("governance.risks.manage_urls")),
    path("accounts/", include("governance.organisations.account_urls")),
    path("accounts/notifications/", include("governance.reminders.urls")),
    path("admin/login/", signin.admin_login, name="admin-login"),  # the admin's page, audited
    path("admin/logout/", signin.admin_logout, name="admin-logout"),
    path("admin/", admin.site.urls),
    path("workflow/", workflow_site().urls),
]

# JSON errors under /api/ (404, 413, 500, and 503 with Retry-After in an outage).
handler400 = "governance.api.errors.bad_request"
handler404 = "governance.api.errors.page_not_found"
handler500 = "governance.api.errors.server_error"
