"""Pages of the system envelope: the list, one envelope (lines, sign-off, position and
charts, alerts, variations), a partner's monthly return (form and CSV upload), the
monthly system finance report (page, PDF, CSV) and capital prioritisation.

Every page reads through ``budgets.envelope_selectors`` (an envelope the user is not
party to is a 404) and every change calls one service, whose errors are shown next to
the fields.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from budgets import envelope_charts, envelope_policy, envelope_selectors, report_jobs
from budgets.envelope_forms import (
    ProgrammeForm,
    ReturnForm,
    ReturnsUploadForm,
    SchemeBidForm,
    ScoreForm,
)
from budgets.forms import ReasonForm
from budgets.models import (
    SCORING_RULE,
    EnvelopeMonth,
    MonthlyReturn,
    MonthlyReturnSource,
    SchemeStatus,
)
from budgets.reports import envelope as report
from budgets.services import capital as capital_services
from budgets.services import envelope_returns
from governance import permissions
from governance.forms import add_service_errors
from governance.organisations.models import Organisation
from governance.packs.reports import report_response
from governance.signoffs import selectors as signoff_selectors

MAX_CASE_BYTES = 20 * 1024 * 1024


def envelope_plan_can_draft(user) -> bool:
    from budgets.views.envelope_plan import can_draft

    return can_draft(user)


def envelope_or_404(user, pk: int):
    return get_object_or_404(envelope_selectors.envelopes_visible_to(user), pk=pk)


@login_required
def envelope_list(request):
    return render(
        request,
        "budgets/envelope/list.html",
        {
            "envelopes": envelope_selectors.envelopes_visible_to(request.user),
            "due": envelope_selectors.returns_due_for(request.user),
            "can_draft": envelope_plan_can_draft(request.user),
        },
    )


@login_required
def envelope_detail(request, pk: int):
    envelope = envelope_or_404(request.user, pk)
    position = envelope_selectors.position(envelope)
    trajectory = envelope_selectors.trajectory(envelope)
    segments = report.capital_segments(envelope, position.rows)
    mine = envelope_policy.finance_lead_organisations(request.user)
    return render(
        request,
        "budgets/envelope/detail.html",
        {
            "envelope": envelope,
            "lines": envelope_selectors.lines_of(envelope),
            "position": position,
            "trajectory": trajectory,
            "segments": segments,
            "capital_total": sum((a for _, a in segments), 0),
            "charts": {
                "plan_forecast": envelope_charts.plan_vs_forecast_svg(position),
                "trajectory": envelope_charts.trajectory_svg(trajectory),
                "capital": envelope_charts.capital_svg(envelope.capital_total, segments),
            },
            "signoffs": _signoff_links(
                request.user, signoff_selectors.signoffs_for(envelope, envelope.signoff_round)
            )
            if envelope.signoff_round
            else [],
            "variations": envelope_selectors.variations_of(envelope),
            "alerts": _with_visible_risks(request.user, envelope_selectors.alerts_of(envelope)),
            "months": envelope.months.order_by("-month"),
            "my_returns": envelope_selectors.returns_visible_to(request.user)
            .filter(month__envelope=envelope, line__organisation_id__in=mine)
            .order_by("-month__month"),
            "can_manage": envelope_policy.can_manage(request.user, envelope),
        },
    )


def _signoff_links(user, signoffs) -> list:
    """Each sign-off's links: ``mine`` (pending, and the user signs for its partner: "Sign
    off") and ``may_open`` (the user may open its page, by the sign-off page's own check,
    ``signoff_page_for``), so no one is shown a link that answers 404."""
    signoffs = list(signoffs)
    mine = permissions.signing_organisation_ids(user)
    for s in signoffs:
        s.may_open = signoff_selectors.signoff_page_for(user, s.pk) is not None
        s.mine = s.may_open and s.status == "pending" and s.organisation_id in mine
    return signoffs


def _with_visible_risks(user, alerts) -> list:
    """Each alert's ``risk_visible``: link to its risk only if the user may open it."""
    from governance.risks.selectors import risks_visible_to

    alerts = list(alerts)
    ids = {a.risk_id for a in alerts if a.risk_id}
    visible = set(risks_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    for a in alerts:
        a.risk_visible = a.risk_id in visible
    return alerts


@login_required
def variation_detail(request, pk: int, variation_pk: int):
    envelope = envelope_or_404(request.user, pk)
    variation = get_object_or_404(envelope_selectors.variations_of(envelope), pk=variation_pk)
    signoffs = _signoff_links(request.user, signoff_selectors.signoffs_for(variation))
    return render(
        request,
        "budgets/envelope/variation.html",
        {
            "envelope": envelope,
            "variation": variation,
            "signoffs": signoffs,
            "can_manage": envelope_policy.can_manage(request.user, envelope),
            "withdraw_form": ReasonForm(),
            "withdraw_action": reverse(
                "budgets:envelope-variation-withdraw", args=[envelope.pk, variation.pk]
            ),
            "withdraw_consequences": variation_withdraw_consequences(variation),
        },
    )


def variation_withdraw_consequences(variation) -> str:
    return (
        f"Withdrawing {variation.reference} cancels the partners' open sign-off; the agreed "
        f"lines stay as they are (version {variation.version_before}). Changing them again "
        "needs a new variation."
    )


@login_required
def return_submit(request, pk: int, return_pk: int):
    envelope = envelope_or_404(request.user, pk)
    ret = get_object_or_404(
        MonthlyReturn.objects.select_related("line__organisation", "month"),
        pk=return_pk,
        month__envelope=envelope,
    )
    if not envelope_policy.can_submit_return(request.user, ret.line):
        raise Http404("No such return.")
    initial = {f: getattr(ret, f) for f in envelope_returns.FIGURES if getattr(ret, f) is not None}
    initial["commentary"] = ret.commentary
    form = ReturnForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            envelope_returns.return_submit(
                actor=request.user,
                envelope_return=ret,
                source=MonthlyReturnSource.WEB,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"{ret.line.organisation.name}'s M{ret.month.month} return is submitted."
            )
            return redirect("budgets:envelope", pk=envelope.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "budgets/envelope/return_form.html",
        {"envelope": envelope, "ret": ret, "form": form},
        status=status,
    )


@login_required
def returns_upload(request, pk: int, month: int):
    envelope = envelope_or_404(request.user, pk)
    m = get_object_or_404(EnvelopeMonth, envelope=envelope, month=month)
    if not envelope_policy.finance_lead_organisations(request.user) & envelope_policy.party_ids(
        envelope
    ):
        raise Http404("No such month.")
    form = ReturnsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > 200_000:
                raise ValidationError({"file": "The file is too large for a monthly return."})
            done = envelope_returns.returns_import_csv(
                actor=request.user, month=m, upload=upload.read()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{len(done)} return(s) for M{month} submitted.")
            return redirect("budgets:envelope", pk=envelope.pk)
    return render(
        request,
        "budgets/envelope/upload.html",
        {"envelope": envelope, "month": m, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _report(request, pk: int, month: int):
    envelope = envelope_or_404(request.user, pk)
    if not envelope.months.filter(month=month).exists():
        raise Http404("That month is not open.")
    return envelope, report.build_report(envelope, month)


@login_required
def report_page(request, pk: int, month: int):
    envelope, r = _report(request, pk, month)
    mine = envelope_policy.finance_lead_organisations(request.user)
    my_returns = MonthlyReturn.objects.filter(
        month__envelope=envelope, month__month=month, line__organisation_id__in=mine
    ).select_related("line__organisation")
    return render(
        request,
        "budgets/envelope/report.html",
        {"envelope": envelope, "report": r, "my_returns": my_returns},
    )


@login_required
@require_GET
def report_pdf(request, pk: int, month: int):
    """The month's system finance report: rendered off the request as a job shared by
    every reader of the envelope (``budgets.report_jobs``); the PDF (a download) when a
    render of the same content is done, else a 303 to the render's progress page."""
    envelope = envelope_or_404(request.user, pk)
    if not envelope.months.filter(month=month).exists():
        raise Http404("That month is not open.")
    return report_response(
        request,
        kind=report_jobs.ENVELOPE_REPORT,
        params=report_jobs.envelope_report_params(envelope, month),
        inline=False,
    )


@login_required
def report_csv(request, pk: int, month: int):
    envelope, r = _report(request, pk, month)
    response = HttpResponse(report.report_csv(r), content_type="text/csv; charset=utf-8")
    name = f"{envelope.reference}-M{month}-system-position.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def capital(request, pk: int):
    envelope = envelope_or_404(request.user, pk)
    user = request.user
    mine = Organisation.objects.filter(
        pk__in=envelope_policy.finance_lead_organisations(user)
        & envelope_policy.party_ids(envelope)
    )
    can_manage = envelope_policy.can_manage(user, envelope)
    schemes = list(capital_services.ranked(envelope))
    for s in schemes:
        s.in_year = capital_services.in_year_cost(s)
    bid_form = SchemeBidForm(organisations=mine, prefix="bid")
    programme_form = ProgrammeForm(
        schemes=envelope.capital_schemes.filter(status=SchemeStatus.BID), prefix="prog"
    )
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "bid":
        bid_form = SchemeBidForm(request.POST, request.FILES, organisations=mine, prefix="bid")
        if not mine.exists():
            raise PermissionDenied("Only a partner's finance lead bids capital schemes.")
        if bid_form.is_valid() and _bid(request, envelope, bid_form):
            return redirect("budgets:envelope-capital", pk=envelope.pk)
    elif action == "programme" and can_manage:
        programme_form = ProgrammeForm(
            request.POST,
            schemes=envelope.capital_schemes.filter(status=SchemeStatus.BID),
            prefix="prog",
        )
        if programme_form.is_valid():
            try:
                programme = capital_services.programme_propose(
                    actor=user, envelope=envelope, **programme_form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(programme_form, exc)
            else:
                messages.success(
                    request,
                    f"Programme {programme.reference} proposed: the secretariat tables it "
                    f"for the {envelope.finance_committee}, which decides it at a meeting.",
                )
                return redirect("budgets:envelope-capital", pk=envelope.pk)
    elif action is not None:
        raise PermissionDenied("You cannot do that here.")
    total, room = capital_services.headroom(
        envelope, [s for s in schemes if s.status in (SchemeStatus.APPROVED,)]
    )
    bids_total = sum((s.in_year for s in schemes if s.status == SchemeStatus.BID), 0)
    schemes_total = sum((s.in_year for s in schemes), Decimal("0.00"))
    return render(
        request,
        "budgets/envelope/capital.html",
        {
            "envelope": envelope,
            "schemes": schemes,
            "bid_form": bid_form if mine.exists() else None,
            "programme_form": programme_form if can_manage else None,
            "programmes": list(envelope.capital_programmes.all()),
            "approved_total": total,
            "headroom": room,
            "bids_total": bids_total,
            "schemes_total": schemes_total,
            "scoring_rule": SCORING_RULE,
            "can_manage": can_manage,
            "chart": envelope_charts.capital_svg(
                envelope.capital_total,
                [
                    (f"{s.reference} {s.organisation.name}", s.in_year)
                    for s in schemes
                    if s.status in (SchemeStatus.APPROVED, SchemeStatus.IN_PROGRAMME)
                ],
                id_prefix="programme",
            ),
        },
        status=400 if action and request.method == "POST" else 200,
    )


def _bid(request, envelope, form) -> bool:
    data = form.cleaned_data
    year = envelope.financial_year
    costs = {year: data["cost_year_1"]}
    for offset, field in ((1, "cost_year_2"), (2, "cost_year_3")):
        if (data.get(field) or "").strip():
            costs[year + offset] = data[field]
    upload = data.get("business_case")
    case = None
    if upload is not None:
        if upload.size > MAX_CASE_BYTES:
            form.add_error("business_case", "The business case is too large (at most 20 MiB).")
            return False
        case = upload.read()
    try:
        scheme = capital_services.scheme_bid(
            actor=request.user,
            envelope=envelope,
            organisation=data["organisation"],
            title=data["title"],
            category=data["category"],
            costs=costs,
            risk_score_addressed=data["risk_score_addressed"],
            business_case=case,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "costs" in exc.error_dict:
            for e in exc.error_dict.pop("costs"):
                form.add_error("cost_year_1", e)
        add_service_errors(form, exc)
        return False
    messages.success(request, f"Scheme {scheme.reference} bid, scored {scheme.score}.")
    return True


@login_required
def scheme_score(request, pk: int, scheme_pk: int):
    envelope = envelope_or_404(request.user, pk)
    scheme = get_object_or_404(
        envelope.capital_schemes.select_related("organisation"), pk=scheme_pk
    )
    if not envelope_policy.can_manage(request.user, envelope):
        raise PermissionDenied(
            "The finance committee's adjustments are recorded by the finance "
            "lead or the ICB secretariat."
        )
    form = ScoreForm(request.POST or None, initial={"score": scheme.score})
    if request.method == "POST" and form.is_valid():
        try:
            capital_services.scheme_score_set(
                actor=request.user, scheme=scheme, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("budgets:envelope-capital", pk=envelope.pk)
    return render(
        request,
        "budgets/form.html",
        {
            "form": form,
            "title": f"Adjust the score of {scheme.reference} {scheme.title}",
            "intro": f"Criteria score {scheme.criteria_score}. {SCORING_RULE}",
            "submit": "Record the committee's score",
            "back": f"/envelopes/{envelope.pk}/capital/",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def business_case(request, pk: int, scheme_pk: int):
    envelope = envelope_or_404(request.user, pk)
    scheme = get_object_or_404(envelope.capital_schemes, pk=scheme_pk)
    if not scheme.business_case:
        raise Http404("No business case.")
    with scheme.business_case.open("rb") as fh:
        data = fh.read()
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{scheme.reference}-business-case.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
