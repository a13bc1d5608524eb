"""Single sign-on URLs, under /accounts/."""

from django.urls import path

from governance.oidc import views

urlpatterns = [
    path("oidc/start/", views.SignInStart.as_view(), name="oidc-login"),
    path("oidc/callback/", views.SignInCallback.as_view(), name="oidc-callback"),
]
