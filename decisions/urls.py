"""Web pages of this app."""

from django.urls import path

from decisions.views import actions, proposals, register, sord, sord_posts, sord_public

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
    # the Scheme of Reservation and Delegation
    path("sord/", sord.sord_index, name="sord"),
    path("sord/versions/new/", sord.sord_draft_new, name="sord-draft-new"),
    path("sord/versions/<int:number>/", sord.version_detail, name="sord-version"),
    path("sord/versions/<int:number>/edit/", sord.version_edit, name="sord-version-edit"),
    path("sord/versions/<int:number>/add-type/", sord.type_add, name="sord-type-add"),
    path("sord/versions/<int:number>/propose/", sord.version_propose, name="sord-propose"),
    path(
        "sord/versions/<int:number>/types/<slug:code>/",
        sord.type_bands,
        name="sord-type-bands",
    ),
    path(
        "sord/versions/<int:number>/types/<slug:code>/remove/",
        sord.type_remove,
        name="sord-type-remove",
    ),
    path("sord/posts/", sord_posts.post_list, name="sord-posts"),
    path("sord/posts/<int:pk>/", sord_posts.post_detail, name="sord-post"),
    path("sord/posts/<int:pk>/appoint/", sord_posts.post_appoint, name="sord-post-appoint"),
    path("sord/holdings/<int:pk>/end/", sord_posts.holding_end, name="sord-holding-end"),
    path("public/sord/", sord_public.public_sord, name="public-sord"),
    path("public/sord.pdf", sord_public.public_sord_pdf, name="public-sord-pdf"),
    path("decisions/", register.register, name="register"),
    path("decisions/export.csv", register.register_csv, name="register-csv"),
    path("decisions/<str:reference>/", register.register_entry, name="register-entry"),
]
