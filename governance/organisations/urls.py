"""The Manage area: organisations and their people."""

from django.urls import path

from governance.organisations.views import ods_import, organisations, people

app_name = "manage"

urlpatterns = [
    path("", organisations.index, name="index"),
    path("organisations/", organisations.organisation_list, name="organisations"),
    path("organisations/new/", organisations.organisation_new, name="organisation-new"),
    path("organisations/import/", ods_import.organisation_import, name="organisation-import"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation-edit"),
    path(
        "organisations/<int:pk>/deactivate/",
        organisations.organisation_deactivate,
        name="organisation-deactivate",
    ),
    path(
        "organisations/<int:pk>/reactivate/",
        organisations.organisation_reactivate,
        name="organisation-reactivate",
    ),
    path("organisations/<int:pk>/people/", people.people, name="people"),
    path("organisations/<int:pk>/people/add/", people.person_invite, name="person-invite"),
    path("memberships/<int:pk>/edit/", people.membership_edit, name="membership-edit"),
    path("memberships/<int:pk>/end/", people.membership_end, name="membership-end"),
]
