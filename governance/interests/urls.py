"""Web pages of this app: the register of interests."""

from django.urls import path

from governance.interests import views

app_name = "interests"

urlpatterns = [
    path("interests/", views.interest_list, name="list"),
    path("interests/new/", views.interest_new, name="new"),
    path("interests/register/", views.published_register, name="register"),
    path("interests/<int:pk>/edit/", views.interest_edit, name="edit"),
    path("interests/<int:pk>/end/", views.interest_end, name="end"),
]
