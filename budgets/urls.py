"""Web pages of pooled budgets (mounted at the site root)."""

from django.urls import path

from budgets.views import allocations, funds

app_name = "budgets"

urlpatterns = [
    path("funds/", funds.fund_list, name="funds"),
    path("funds/new/", funds.fund_create, name="fund-create"),
    path("funds/<int:pk>/", funds.fund_detail, name="fund"),
    path("funds/<int:pk>/edit/", funds.fund_edit, name="fund-edit"),
    path("funds/<int:pk>/activate/", funds.fund_activate, name="fund-activate"),
    path("funds/<int:pk>/close/", funds.fund_close, name="fund-close"),
    path("funds/<int:pk>/lines/new/", funds.line_add, name="line-add"),
    path("funds/<int:pk>/lines/<int:line_pk>/edit/", funds.line_edit, name="line-edit"),
    path("funds/<int:pk>/lines/<int:line_pk>/forecast/", funds.line_forecast, name="line-forecast"),
    path("funds/<int:pk>/contributions/", funds.contribution_set, name="contribution-set"),
    path(
        "funds/<int:pk>/contributions/<int:contribution_pk>/change/",
        funds.change_request,
        name="change-request",
    ),
    path("funds/<int:pk>/risk-share/", funds.risk_share, name="risk-share"),
    path("funds/<int:pk>/ledger/", funds.ledger, name="ledger"),
    path("funds/<int:pk>/ledger.csv", funds.ledger_csv, name="ledger-csv"),
    path("funds/<int:pk>/report.csv", funds.report_csv_view, name="report-csv"),
    path("funds/<int:pk>/report.pdf", funds.report_pdf_view, name="report-pdf"),
    path(
        "funds/<int:pk>/allocations/new/", allocations.allocation_create, name="allocation-create"
    ),
    path("allocations/<int:pk>/", allocations.allocation_detail, name="allocation"),
    path("allocations/<int:pk>/edit/", allocations.allocation_edit, name="allocation-edit"),
    path("allocations/<int:pk>/submit/", allocations.allocation_submit, name="allocation-submit"),
    path("allocations/<int:pk>/review/", allocations.allocation_review, name="allocation-review"),
    path(
        "allocations/<int:pk>/withdraw/",
        allocations.allocation_withdraw,
        name="allocation-withdraw",
    ),
    path(
        "allocations/<int:pk>/release/", allocations.allocation_release, name="allocation-release"
    ),
    path("allocations/<int:pk>/spend/", allocations.allocation_spend, name="allocation-spend"),
    path("contribution-changes/<int:pk>/", funds.change_detail, name="change"),
    path("contribution-changes/<int:pk>/withdraw/", funds.change_withdraw, name="change-withdraw"),
]
