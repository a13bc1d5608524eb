"""Web pages of pooled budgets (mounted at the site root)."""

from django.urls import path

from budgets.views import allocations, envelope, envelope_plan, funds, place

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
    path("funds/<int:pk>/host-at-place/", place.fund_host_at_place, name="fund-host-at-place"),
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
    # the system envelope
    path("envelopes/", envelope.envelope_list, name="envelopes"),
    path("envelopes/new/", envelope_plan.envelope_create, name="envelope-create"),
    path("envelopes/<int:pk>/", envelope.envelope_detail, name="envelope"),
    path("envelopes/<int:pk>/lines/", envelope_plan.line_set, name="envelope-line"),
    path("envelopes/<int:pk>/submit/", envelope_plan.envelope_submit, name="envelope-submit"),
    path(
        "envelopes/<int:pk>/variations/transfer/",
        envelope_plan.variation_transfer,
        name="envelope-transfer",
    ),
    path(
        "envelopes/<int:pk>/variations/replan/",
        envelope_plan.variation_replan,
        name="envelope-replan",
    ),
    path(
        "envelopes/<int:pk>/variations/<int:variation_pk>/withdraw/",
        envelope_plan.variation_withdraw,
        name="envelope-variation-withdraw",
    ),
    path(
        "envelopes/<int:pk>/variations/<int:variation_pk>/",
        envelope.variation_detail,
        name="envelope-variation",
    ),
    path(
        "envelopes/<int:pk>/returns/<int:return_pk>/",
        envelope.return_submit,
        name="envelope-return",
    ),
    path(
        "envelopes/<int:pk>/months/<int:month>/upload/",
        envelope.returns_upload,
        name="envelope-upload",
    ),
    path("envelopes/<int:pk>/report/<int:month>/", envelope.report_page, name="envelope-report"),
    path(
        "envelopes/<int:pk>/report/<int:month>.pdf",
        envelope.report_pdf,
        name="envelope-report-pdf",
    ),
    path(
        "envelopes/<int:pk>/report/<int:month>.csv",
        envelope.report_csv,
        name="envelope-report-csv",
    ),
    path("envelopes/<int:pk>/capital/", envelope.capital, name="envelope-capital"),
    path(
        "envelopes/<int:pk>/capital/<int:scheme_pk>/score/",
        envelope.scheme_score,
        name="envelope-scheme-score",
    ),
    path(
        "envelopes/<int:pk>/capital/<int:scheme_pk>/business-case.pdf",
        envelope.business_case,
        name="envelope-business-case",
    ),
]
