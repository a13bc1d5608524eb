"""Pages of pooled funds: the list, one fund, setting it up, the ledger and reports.

Every page reads through ``budgets.selectors`` (a fund the user is not party to is a
404) and every change calls one service, whose errors are shown next to the fields.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from budgets import balances, fund_charts, policy, report_jobs, selectors, services
from budgets.forms import (
    ChangeRequestForm,
    ContributionForm,
    ForecastForm,
    FundForm,
    ReasonForm,
    RiskShareForm,
    SchemeLineForm,
    add_service_errors,
)
from budgets.models import Contribution, FundStatus, SchemeLine
from budgets.reports import csv as report_csv
from budgets.reports.position import fund_report
from budgets.services.funds import ACTIVE_FIELDS, FUND_FIELDS, pool_manager_candidates
from governance import confirm, permissions
from governance.audit.selectors import events_for
from governance.audit.sentences import described
from governance.organisations.models import Organisation, Role
from governance.packs.reports import report_response
from governance.ui.templatetags.ui import money_text

# Funds (and allocations awaiting review) a page of the list shows.
FUND_PAGE_SIZE = 25


def visible_fund_or_404(user, pk: int):
    return get_object_or_404(selectors.funds_visible_to(user), pk=pk)


def render_form(request, template_context: dict, status: int = 200):
    return render(request, "budgets/form.html", template_context, status=status)


@login_required
def fund_list(request):
    """The funds the user is party to, a page at a time, each with its position; the
    totals row is of all of them (one aggregate query), whatever page is shown."""
    visible = selectors.funds_visible_to(request.user)
    page = Paginator(visible, FUND_PAGE_SIZE).get_page(request.GET.get("page"))
    funds = list(page.object_list)
    positions = balances.fund_positions([f.pk for f in funds])
    for f in funds:
        f.position = positions.get(f.pk, balances.Position())
    reviews = Paginator(selectors.allocations_awaiting_review(request.user), FUND_PAGE_SIZE)
    return render(
        request,
        "budgets/fund_list.html",
        {
            "funds": funds,
            "page": page,
            "total": balances.funds_position(visible),
            "to_review": reviews.get_page(request.GET.get("reviews")),
            "can_create": policy.can_create_fund(request.user),
        },
    )


def _host_choices(user):
    if permissions.is_system_secretariat(user):
        return Organisation.objects.filter(is_active=True)
    return Organisation.objects.filter(
        is_active=True, pk__in=permissions.organisation_ids(user, roles=[Role.SECRETARIAT])
    )


@login_required
def fund_create(request):
    if not policy.can_create_fund(request.user):
        raise PermissionDenied("Only the ICB secretariat or a host's secretariat sets up funds.")
    kwargs = {"hosts": _host_choices(request.user), "managers": pool_manager_candidates()}
    context = {
        "title": "Set up a pooled fund",
        "submit": "Save as a draft",
        "back": "/funds/",
        "intro": "Scheme lines, partners and their contributions "
        "are added next; the fund is then activated.",
    }
    if request.method != "POST":
        today = timezone.localdate()
        year = today.year if today.month >= 4 else today.year - 1
        form = FundForm(initial={"financial_year": year}, **kwargs)
        return render_form(request, {**context, "form": form})
    form = FundForm(request.POST, **kwargs)
    if form.is_valid():
        try:
            fund = services.fund_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{fund.reference} saved as a draft.")
            return redirect("budgets:fund", pk=fund.pk)
    return render_form(request, {**context, "form": form}, status=400)


@login_required
def fund_edit(request, pk: int):
    fund = visible_fund_or_404(request.user, pk)
    if not policy.can_manage(request.user, fund) or fund.status == FundStatus.CLOSED:
        raise PermissionDenied("You cannot change this fund.")
    locked = [f for f in FUND_FIELDS if f not in ACTIVE_FIELDS] if fund.is_active else []
    kwargs = {
        "hosts": Organisation.objects.filter(is_active=True),
        "managers": pool_manager_candidates(),
        "locked": locked,
    }
    initial = {f: getattr(fund, f) for f in FUND_FIELDS}
    context = {
        "title": f"Edit {fund.reference} {fund.name}",
        "submit": "Save changes",
        "back": f"/funds/{fund.pk}/",
    }
    if request.method != "POST":
        return render_form(request, {**context, "form": FundForm(initial=initial, **kwargs)})
    form = FundForm(request.POST, initial=initial, **kwargs)
    if form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k not in locked}
        try:
            services.fund_update(actor=request.user, fund=fund, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Changes saved.")
            return redirect("budgets:fund", pk=fund.pk)
    return render_form(request, {**context, "form": form}, status=400)


@login_required
def fund_detail(request, pk: int, *, close_form=None, status=200):
    fund = visible_fund_or_404(request.user, pk)
    report = fund_report(fund)
    user = request.user
    allocations = list(
        fund.allocations.select_related("scheme_line", "recipient", "requesting_organisation")
    )
    alloc_positions = balances.allocation_positions([a.pk for a in allocations])
    for a in allocations:
        a.position = alloc_positions.get(a.pk, balances.Position())
    can_manage = policy.can_manage(user, fund)
    # "Change the contribution" only where the view would allow it (policy, one place).
    change_urls = {
        c.organisation_id: reverse("budgets:change-request", args=[fund.pk, c.pk])
        for c in fund.contributions.all()  # each c.fund is this fund, no query
        if fund.is_active and policy.can_request_change(user, c)
    }
    for row in report.partners:
        row.change_url = change_urls.get(row.organisation.pk)
    return render(
        request,
        "budgets/fund_detail.html",
        {
            "fund": fund,
            "report": report,
            "chart": fund_charts.fund_position_svg(report.partners),
            "can_host_at_place": policy.can_host_at_place(user),
            "allocations": allocations,
            "allocation_totals": selectors.totals(
                allocations, "position.committed", "position.spent"
            ),
            "open_changes": selectors.open_changes_of(fund),
            "can_manage": can_manage and fund.status != FundStatus.CLOSED,
            "is_draft": fund.status == FundStatus.DRAFT,
            "can_raise": policy.can_raise(user, fund),
            "can_request_change": bool(change_urls),
            "close_form": close_form or ReasonForm(),
            "close_action": reverse("budgets:fund-close", args=[fund.pk]),
            "close_consequences": _close_consequences(fund),
            "events": described(events_for(fund).order_by("-seq")[:30]),
        },
        status=status,
    )


@login_required
@require_POST
def fund_activate(request, pk: int):
    fund = visible_fund_or_404(request.user, pk)
    try:
        services.fund_activate(actor=request.user, fund=fund)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{fund.reference} is active: allocations can be raised.")
    return redirect("budgets:fund", pk=pk)


def _close_consequences(fund) -> str:
    return (
        f"Closing {fund.reference} {fund.name} ends the pool: no allocation can be raised, "
        "committed or changed, and contributions can no longer change. The ledger and the "
        "reports stay readable. A closed fund cannot be reopened."
    )


@login_required
@require_POST
def fund_close(request, pk: int):
    fund = visible_fund_or_404(request.user, pk)
    if not policy.can_manage(request.user, fund):
        raise PermissionDenied("You cannot change this fund.")
    form = ReasonForm(request.POST)
    step = {
        "heading": f"Close {fund.reference} {fund.name}?",
        "consequences": _close_consequences(fund),
        "action": reverse("budgets:fund-close", args=[fund.pk]),
        "button": "Close the fund",
        "back": reverse("budgets:fund", args=[fund.pk]),
        "back_label": f"{fund.reference} {fund.name}",
    }

    def done():
        messages.success(request, f"{fund.reference} is closed.")
        return redirect("budgets:fund", pk=pk)

    return confirm.confirmed_action(
        request,
        form,
        step=step,
        perform=lambda data: services.fund_close(actor=request.user, fund=fund, **data),
        done=done,
    )


def _managed_fund(request, pk):
    fund = visible_fund_or_404(request.user, pk)
    if not policy.can_manage(request.user, fund):
        raise PermissionDenied("You cannot change this fund.")
    return fund


def _form_page(
    request,
    fund,
    form_class,
    title,
    submit,
    call,
    *,
    initial=None,
    intro="",
    form_kwargs=None,
    success="",
):
    """GET shows the form; POST validates it and calls ``call(cleaned_data)``."""
    form_kwargs = form_kwargs or {}
    context = {
        "title": title,
        "submit": submit,
        "back": f"/funds/{fund.pk}/",
        "intro": intro,
        "fund": fund,
    }
    if request.method != "POST":
        return render_form(request, {**context, "form": form_class(initial=initial, **form_kwargs)})
    form = form_class(request.POST, initial=initial, **form_kwargs)
    if form.is_valid():
        try:
            call(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success or "Saved.")
            return redirect("budgets:fund", pk=fund.pk)
    return render_form(request, {**context, "form": form}, status=400)


@login_required
def line_add(request, pk: int):
    fund = _managed_fund(request, pk)
    return _form_page(
        request,
        fund,
        SchemeLineForm,
        f"Add a scheme line to {fund.name}",
        "Add the line",
        lambda form: services.scheme_line_add(actor=request.user, fund=fund, **form.cleaned_data),
        success="Scheme line added.",
    )


@login_required
def line_edit(request, pk: int, line_pk: int):
    fund = _managed_fund(request, pk)
    line = get_object_or_404(SchemeLine, pk=line_pk, fund=fund)
    initial = {
        "code": line.code,
        "name": line.name,
        "budget": line.budget,
        "description": line.description,
    }
    return _form_page(
        request,
        fund,
        SchemeLineForm,
        f"Edit scheme line {line}",
        "Save changes",
        lambda form: services.scheme_line_update(
            actor=request.user, line=line, **form.cleaned_data
        ),
        initial=initial,
        intro="The budget cannot be less than what is already committed from the line.",
        success="Scheme line saved.",
    )


@login_required
def line_forecast(request, pk: int, line_pk: int):
    fund = _managed_fund(request, pk)
    line = get_object_or_404(SchemeLine, pk=line_pk, fund=fund)
    return _form_page(
        request,
        fund,
        ForecastForm,
        f"Forecast outturn: {line}",
        "Record the forecast",
        lambda form: services.scheme_line_set_forecast(
            actor=request.user, line=line, **form.cleaned_data
        ),
        initial={"forecast_outturn": line.forecast_outturn, "forecast_note": line.forecast_note},
        success="Forecast recorded.",
    )


@login_required
def contribution_set(request, pk: int):
    fund = _managed_fund(request, pk)
    return _form_page(
        request,
        fund,
        ContributionForm,
        f"Partner contribution to {fund.name}",
        "Save the contribution",
        lambda form: services.contribution_set(actor=request.user, fund=fund, **form.cleaned_data),
        intro="While the fund is a draft, contributions are set here. Once it is active, "
        "a change needs the partner's and the host's sign-off.",
        success="Contribution saved.",
    )


@login_required
def risk_share(request, pk: int):
    fund = _managed_fund(request, pk)
    partners = list(fund.contributions.select_related("organisation"))

    def call(form):
        services.fund_set_risk_share(
            actor=request.user, fund=fund, basis=form.cleaned_data["basis"], shares=form.shares()
        )

    return _form_page(
        request,
        fund,
        RiskShareForm,
        f"Risk share of {fund.name}",
        "Save the risk share",
        call,
        initial={"basis": fund.risk_share_basis},
        form_kwargs={"partners": partners},
        intro="Over- and underspends are shared in proportion to contributions, or by fixed "
        "percentage shares that add up to exactly 100.",
        success="Risk share saved.",
    )


@login_required
def change_request(request, pk: int, contribution_pk: int):
    fund = visible_fund_or_404(request.user, pk)
    contribution = get_object_or_404(
        Contribution.objects.select_related("organisation"), pk=contribution_pk, fund=fund
    )
    if not policy.can_request_change(request.user, contribution):
        raise PermissionDenied("You cannot ask for a change to this contribution.")
    current = balances.partner_contributions(fund).get(contribution.organisation_id)
    return _form_page(
        request,
        fund,
        ChangeRequestForm,
        f"Change {contribution.organisation.name}'s contribution",
        "Ask for sign-off",
        lambda form: services.contribution_change_request(
            actor=request.user, contribution=contribution, **form.cleaned_data
        ),
        intro=f"Now {money_text(current or 0)}. The change takes effect once "
        f"{contribution.organisation.name} and the host ({fund.host_organisation.name}) "
        "have both signed it off.",
        success="Sent to the partner and the host for sign-off.",
    )


@login_required
def change_detail(request, pk: int, *, withdraw_form=None):
    change = get_object_or_404(selectors.contribution_changes_visible_to(request.user), pk=pk)
    from governance.signoffs.selectors import signoffs_for

    return render(
        request,
        "budgets/change_detail.html",
        {
            "change": change,
            "fund": change.contribution.fund,
            "signoffs": signoffs_for(change),
            "can_withdraw": change.status == "in_signoff"
            and policy.can_withdraw_change(request.user, change),
            "withdraw_form": withdraw_form or ReasonForm(),
            "withdraw_action": reverse("budgets:change-withdraw", args=[change.pk]),
            "withdraw_consequences": _change_withdraw_consequences(change),
            "events": described(events_for(change).order_by("seq")),
        },
        status=400 if withdraw_form else 200,
    )


def _change_withdraw_consequences(change) -> str:
    return (
        f"Withdrawing {change.reference} cancels the sign-off still open for it; "
        f"{change.contribution.organisation.name}'s contribution stays "
        f"{money_text(change.amount_before)}. Asking again needs a new request."
    )


@login_required
@require_POST
def change_withdraw(request, pk: int):
    change = get_object_or_404(selectors.contribution_changes_visible_to(request.user), pk=pk)
    if not policy.can_withdraw_change(request.user, change):
        raise PermissionDenied("You cannot withdraw this change.")
    form = ReasonForm(request.POST)
    step = {
        "heading": f"Withdraw {change.reference}?",
        "consequences": _change_withdraw_consequences(change),
        "action": reverse("budgets:change-withdraw", args=[change.pk]),
        "button": "Withdraw the change",
        "back": reverse("budgets:change", args=[change.pk]),
        "back_label": change.reference,
    }

    def done():
        messages.success(request, f"{change.reference} withdrawn.")
        return redirect("budgets:change", pk=pk)

    return confirm.confirmed_action(
        request,
        form,
        step=step,
        perform=lambda data: services.contribution_change_withdraw(
            actor=request.user, change=change, **data
        ),
        done=done,
    )


LEDGER_PAGE = 200


@login_required
def ledger(request, pk: int):
    fund = visible_fund_or_404(request.user, pk)
    page = Paginator(selectors.ledger_of(fund), LEDGER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "budgets/ledger.html",
        {
            "fund": fund,
            "page": page,
            "entries": page.object_list,
            "position": balances.fund_position(fund),
        },
    )


@login_required
def ledger_csv(request, pk: int):
    fund = visible_fund_or_404(request.user, pk)
    response = HttpResponse(
        report_csv.ledger_csv(selectors.ledger_of(fund)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{fund.reference}-ledger.csv"'
    return response


def _as_at(request) -> datetime.datetime | None:
    """``?as_at=YYYY-MM-DD``: the position at the end of that day (UK time)."""
    try:
        return report_jobs.end_of_day(request.GET.get("as_at"))
    except ValueError:
        raise Http404("as_at must be a date, YYYY-MM-DD.") from None


@login_required
def report_csv_view(request, pk: int):
    fund = visible_fund_or_404(request.user, pk)
    report = fund_report(fund, as_at=_as_at(request))
    response = HttpResponse(report_csv.report_csv(report), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(report.as_at).date().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="{fund.reference}-position-{stamp}.csv"'
    )
    return response


@login_required
@require_GET
def report_pdf_view(request, pk: int):
    """The pool manager's report: rendered off the request as a job shared by every
    reader of the fund (``budgets.report_jobs``); the PDF when a render of the same
    content is done, else a 303 to the render's progress page."""
    fund = visible_fund_or_404(request.user, pk)
    _as_at(request)  # a bad date is a 404 here, not a failed job
    params = report_jobs.fund_report_params(fund, request.GET.get("as_at"))
    return report_response(request, kind=report_jobs.FUND_REPORT, params=params)
