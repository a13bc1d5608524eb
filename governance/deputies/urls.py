"""Web pages of this app: deputies."""

from django.urls import path

from governance.deputies import views

app_name = "deputies"

urlpatterns = [
    path("deputies/", views.deputy_list, name="list"),
    path("deputies/new/", views.deputy_new, name="new"),
    path("deputies/<int:pk>/end/", views.deputy_end, name="end"),
]
