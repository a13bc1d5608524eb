"""Web pages of this app."""

from django.urls import path

from decisions.views import actions, proposals, register

app_name = "decisions"

urlpatterns = [
    path("proposals/", proposals.proposal_list, name="proposal-list"),
    path("proposals/new/", proposals.proposal_new, name="proposal-new"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/edit/", proposals.proposal_edit, name="proposal-edit"),
    path("proposals/<int:pk>/submit/", actions.proposal_submit, name="proposal-submit"),
    path("proposals/<int:pk>/withdraw/", actions.proposal_withdraw, name="proposal-withdraw"),
    path("proposals/<int:pk>/accept/", actions.proposal_accept, name="proposal-accept"),
    path("proposals/<int:pk>/return/", actions.proposal_return, name="proposal-return"),
    path("proposals/<int:pk>/decide/", actions.proposal_decide, name="proposal-decide"),
    path(
        "proposals/<int:pk>/chairs-action/",
        actions.proposal_chairs_action,
        name="proposal-chairs-action",
    ),
    path(
        "proposals/<int:pk>/attachments/",
        actions.proposal_attachment_add,
        name="proposal-attach",
    ),
    path(
        "proposals/<int:pk>/attachments/<int:attachment_pk>/",
        proposals.attachment_download,
        name="proposal-attachment",
    ),
    path("decisions/", register.register, name="register"),
    path("decisions/export.csv", register.register_csv, name="register-csv"),
    path("decisions/<str:reference>/", register.register_entry, name="register-entry"),
]
