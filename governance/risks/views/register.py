"""Reading the register: the list with its heat map, one risk, and the BAF report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from governance import permissions
from governance.audit.selectors import events_for
from governance.audit.sentences import described
from governance.organisations.models import Organisation
from governance.packs.reports import report_response
from governance.paging import DeferredJoinPaginator
from governance.risks import charts, policy, report_jobs, scoring, selectors
from governance.risks.forms import ReviewForm, SignOffForm, StatusForm
from governance.risks.models import (
    EscalationStatus,
    ReviewTaskStatus,
    RiskCategory,
    RiskStatus,
    StrategicObjective,
)
from governance.risks.selectors import RegisterFilter

# A page a reader takes in at once; the heat map above it counts the whole register.
PAGE_SIZE = 25


def _cell_url(filters: RegisterFilter):
    def url(likelihood: int, consequence: int) -> str:
        query = filters.query_string(likelihood=likelihood, consequence=consequence)
        return f"/risks/?{query}#register"

    return url


@login_required
def risk_list(request):
    filters = RegisterFilter.from_params(request.GET)
    counts = selectors.heat_map_counts(request.user, filters)
    risks = selectors.register(request.user, filters).prefetch_related("partners")
    page = DeferredJoinPaginator(risks, PAGE_SIZE).get_page(request.GET.get("page"))
    url = _cell_url(filters)
    return render(
        request,
        "risks/register.html",
        {
            "filters": filters,
            "filter_errors": filters.errors,
            "page": page,
            "page_query": filters.query_string(),
            "heat_map": charts.heat_map_svg(counts, url=url),
            "heat_map_rows": charts.heat_map_rows(counts, url),
            "heat_map_total": sum(counts.values()),
            "bands": scoring.BANDS,
            "statuses": RiskStatus.choices,
            "categories": RiskCategory.objects.select_related("appetite"),
            "organisations": Organisation.objects.filter(is_active=True),
            "objectives": StrategicObjective.objects.filter(is_active=True),
            "cell": filters.likelihood is not None or filters.consequence is not None,
            "clear_cell": filters.query_string(likelihood=None, consequence=None),
            "can_raise": bool(permissions.organisation_ids(request.user, roles=policy.RISK_ROLES)),
        },
    )


def visible_risk_or_404(user, pk: int):
    return get_object_or_404(selectors.risks_visible_to(user), pk=pk)


@login_required
def risk_detail(request, pk: int, *, review_form=None, status_form=None, signoff_forms=None):
    risk = visible_risk_or_404(request.user, pk)
    assessments = list(risk.assessments.select_related("assessed_by"))
    appetite = risk.category.appetite_max_score
    my_signoffs = list(
        selectors.open_signoffs_of(request.user, risk).select_related("organisation")
    )
    signoff_forms = signoff_forms or {}
    escalations = list(risk.escalations.select_related("recorded_by"))
    return render(
        request,
        "risks/detail.html",
        {
            "risk": risk,
            "partners": list(risk.partners.all()),
            "assessments": assessments,
            "trajectory": charts.trajectory_svg(
                charts.trajectory_points(risk, assessments), appetite=appetite
            ),
            "appetite": appetite,
            "threshold": scoring.escalation_threshold(appetite),
            "signoffs": selectors.signoffs_of(risk),
            "my_signoffs": [
                (s, signoff_forms.get(s.pk) or SignOffForm(auto_id=f"signoff{s.pk}_%s"))
                for s in my_signoffs
            ],
            "escalations": escalations,
            "review_tasks": risk.review_tasks.filter(status=ReviewTaskStatus.OPEN),
            "events": described(events_for(risk).order_by("-seq")[:50]),
            "can_edit": policy.can_edit(request.user, risk),
            "can_submit": policy.can_submit(request.user, risk),
            "can_review": policy.can_review(request.user, risk),
            "can_change_status": policy.can_change_status(request.user, risk)
            and not risk.pending_change,
            "review_form": review_form or ReviewForm(auto_id="review_%s"),
            "status_form": status_form or StatusForm(auto_id="status_%s"),
            "open_escalations": [e for e in escalations if e.status == EscalationStatus.OPEN],
            "today": timezone.localdate(),
        },
        status=400 if (review_form or status_form or signoff_forms) else 200,
    )


@login_required
@require_GET
def baf_report(request):
    """The BAF report of what the reader may see: rendered off the request as a job
    (``governance.packs.reports``); the PDF when a render of the same content is done,
    else a 303 to the render's progress page."""
    return report_response(
        request,
        kind=report_jobs.BAF_REPORT,
        params=report_jobs.baf_report_params(request.GET),
        per_reader=True,
    )
