"""Web pages of this app: the inbox, the sign-off page and the chair's decision on a
conflict."""

from django.urls import path

from governance.signoffs import views

app_name = "signoffs"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("signoffs/<int:pk>/", views.signoff_detail, name="signoff"),
    path("signoffs/<int:pk>/due/", views.signoff_due, name="due"),
    path(
        "signoffs/<int:pk>/manage-conflict/",
        views.signoff_manage_conflict,
        name="manage-conflict",
    ),
]
