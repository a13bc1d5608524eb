"""The invitation link: a person added by a secretariat chooses a password."""

from django.urls import path
from django.views.generic import TemplateView

from governance.organisations.views.people import SetPasswordView

urlpatterns = [
    path("welcome/<uidb64>/<token>/", SetPasswordView.as_view(), name="set-password"),
    path(
        "welcome/done/",
        TemplateView.as_view(template_name="manage/set_password_done.html"),
        name="set-password-done",
    ),
]
