"""Web pages of the risk register (mounted at the site root)."""

from django.urls import path

from governance.risks.views import actions, register

app_name = "risks"

urlpatterns = [
    path("risks/", register.risk_list, name="list"),
    path("risks/new/", actions.risk_create, name="create"),
    path("risks/escalated/", actions.escalated, name="escalated"),
    path("risks/escalated/<int:pk>/respond/", actions.escalation_respond, name="respond"),
    path("risks/reviews/", actions.reviews_due, name="reviews"),
    path("risks/report.pdf", register.baf_report, name="report"),
    path("risks/<int:pk>/", register.risk_detail, name="detail"),
    path("risks/<int:pk>/edit/", actions.risk_edit, name="edit"),
    path("risks/<int:pk>/submit/", actions.risk_submit, name="submit"),
    path("risks/<int:pk>/review/", actions.risk_review, name="review"),
    path("risks/<int:pk>/status/", actions.risk_status, name="status"),
    path("risks/<int:pk>/signoffs/<int:signoff_pk>/", actions.risk_signoff, name="signoff"),
]
