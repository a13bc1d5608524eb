"""Web pages of this app: the inbox and the sign-off page."""

from django.urls import path

from governance.signoffs import views

app_name = "signoffs"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("signoffs/<int:pk>/", views.signoff_detail, name="signoff"),
]
