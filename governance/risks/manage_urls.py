"""Manage area pages for risk categories (mounted at ``/manage/risk-categories/``)."""

from django.urls import path

from governance.risks.views import categories

app_name = "risk_categories"

urlpatterns = [
    path("", categories.category_list, name="list"),
    path("new/", categories.category_new, name="new"),
    path("<int:pk>/edit/", categories.category_edit, name="edit"),
    path("<int:pk>/retire/", categories.category_retire, name="retire"),
    path("<int:pk>/reinstate/", categories.category_reinstate, name="reinstate"),
]
