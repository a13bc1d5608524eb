"""Changing risks from the web: each view validates its form, calls one service and
shows the service's errors next to the fields."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from governance import confirm, permissions
from governance.organisations.models import Membership, Organisation
from governance.risks import policy, selectors, services
from governance.risks.forms import (
    EscalationResponseForm,
    ReviewForm,
    RiskForm,
    SignOffForm,
    StatusForm,
    apply_errors,
)
from governance.risks.models import RATING_FIELDS, EscalationStatus, RiskStatus
from governance.risks.views.register import risk_detail, visible_risk_or_404
from governance.signoffs.services import signoff_decide

FIELDS = (
    "title",
    "cause",
    "event",
    "effect",
    "category",
    "strategic_objective",
    "owner",
    "partners",
    *RATING_FIELDS,
    "controls",
    "assurances",
    "gaps_in_control",
    "gaps_in_assurance",
    "actions",
    "review_frequency",
    "next_review_date",
    "is_confidential",
    "exemption_reason",
)


def _owners(org_ids):
    active = Membership.objects.active().filter(
        organisation_id__in=list(org_ids), role__in=policy.RISK_ROLES
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__in=active)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _open_escalations(risk) -> set[int]:
    return set(risk.escalations.filter(status=EscalationStatus.OPEN).values_list("pk", flat=True))


def _warn_if_escalated(request, risk, before: set[int]) -> None:
    """A new escalation is a warning for the person, never a green success."""
    new = risk.escalations.filter(status=EscalationStatus.OPEN).exclude(pk__in=before).first()
    if new is not None:
        messages.warning(
            request,
            f"{risk.reference} is above appetite: escalated to {new.destination}, "
            "to be tabled at its next meeting.",
        )


@login_required
def risk_create(request):
    org_ids = permissions.organisation_ids(request.user, roles=policy.RISK_ROLES)
    if not org_ids:
        raise PermissionDenied("You do not act for an organisation that keeps a risk register.")
    organisations = Organisation.objects.filter(pk__in=org_ids)
    kwargs = {"organisations": organisations, "owners": _owners(org_ids)}
    if request.method != "POST":
        initial = {"owner": request.user.pk}
        if len(org_ids) == 1:
            initial["owning_organisation"] = next(iter(org_ids))
        form = RiskForm(initial=initial, **kwargs)
        return render(request, "risks/form.html", {"form": form, "creating": True})
    form = RiskForm(request.POST, **kwargs)
    if form.is_valid():
        data = {k: form.cleaned_data.get(k) for k in FIELDS}
        try:
            risk = services.risk_create(
                actor=request.user,
                owning_organisation=form.cleaned_data["owning_organisation"],
                **data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{risk.reference} saved as a draft.")
            return redirect("risks:detail", pk=risk.pk)
    return render(request, "risks/form.html", {"form": form, "creating": True}, status=400)


@login_required
def risk_edit(request, pk: int):
    risk = visible_risk_or_404(request.user, pk)
    if not policy.can_edit(request.user, risk):
        raise PermissionDenied("You cannot edit this risk.")
    kwargs = {
        "owners": _owners([risk.owning_organisation_id]),
        "editing": True,
        "lock_partners": risk.status not in (RiskStatus.DRAFT, RiskStatus.AWAITING_ACCEPTANCE),
        "initial": {"partners": list(risk.partners.all())},
    }
    if request.method != "POST":
        kwargs["initial"].update({k: getattr(risk, k) for k in FIELDS if k != "partners"})
        form = RiskForm(**kwargs)
        return render(request, "risks/form.html", {"form": form, "risk": risk})
    form = RiskForm(request.POST, **kwargs)
    if form.is_valid():
        data = {k: form.cleaned_data.get(k) for k in FIELDS}
        if data["next_review_date"] is None:
            data.pop("next_review_date")
        before = _open_escalations(risk)
        try:
            services.risk_update(
                actor=request.user, risk=risk, reason=form.cleaned_data.get("reason", ""), **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Changes saved.")
            _warn_if_escalated(request, risk, before)
            return redirect("risks:detail", pk=risk.pk)
    return render(request, "risks/form.html", {"form": form, "risk": risk}, status=400)


@login_required
@require_POST
def risk_submit(request, pk: int):
    risk = visible_risk_or_404(request.user, pk)
    before = _open_escalations(risk)
    try:
        risk = services.risk_submit(actor=request.user, risk=risk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Registered." if risk.is_live else "Sent to the sharing partners for acceptance.",
        )
        _warn_if_escalated(request, risk, before)
    return redirect("risks:detail", pk=pk)


@login_required
def risk_review(request, pk: int):
    risk = visible_risk_or_404(request.user, pk)
    if not policy.can_review(request.user, risk):
        raise PermissionDenied("You cannot review this risk.")
    if request.method != "POST":
        return redirect(f"/risks/{pk}/#review")
    form = ReviewForm(request.POST, auto_id="review_%s")
    if form.is_valid():
        before = _open_escalations(risk)
        try:
            services.risk_review(actor=request.user, risk=risk, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            risk.refresh_from_db()
            messages.success(request, f"Review recorded: current score {risk.current_score}.")
            _warn_if_escalated(request, risk, before)
            return redirect("risks:detail", pk=pk)
    return risk_detail(request, pk, review_form=form)


def close_consequences(risk) -> str:
    """What closing the risk does, said before it is done."""
    if risk.partners.exists():
        return (
            f"{risk.reference} is shared: each sharing partner is asked to agree its closure. "
            "Once they have, it leaves the register and the heat map; no review falls due and "
            "no escalation is raised."
        )
    return (
        f"Closing {risk.reference} takes it off the register and the heat map: no review falls "
        "due and no escalation is raised. Reopening it later is a new decision, recorded in "
        "its history."
    )


@login_required
@require_POST
def risk_status(request, pk: int):
    risk = visible_risk_or_404(request.user, pk)
    form = StatusForm(request.POST, auto_id="status_%s")
    closing = form.is_valid() and form.cleaned_data["status"] == RiskStatus.CLOSED
    if closing and not confirm.confirmed(request):
        if not policy.can_change_status(request.user, risk):
            raise PermissionDenied("You cannot change this risk's status.")
        return confirm.confirmation_page(
            request,
            heading=f"Close {risk.reference} {risk.title}?",
            consequences=close_consequences(risk),
            action=reverse("risks:status", args=[risk.pk]),
            button="Close the risk",
            form=form,
            back=reverse("risks:detail", args=[risk.pk]),
            back_label=f"{risk.reference} {risk.title}",
        )
    if form.is_valid():
        try:
            services.risk_change_status(actor=request.user, risk=risk, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            risk.refresh_from_db()
            change = risk.get_pending_change_display().lower()
            messages.success(
                request,
                f"Waiting for the partners to agree the {change}."
                if risk.pending_change
                else f"The risk is now {risk.get_status_display().lower()}.",
            )
            return redirect("risks:detail", pk=pk)
    return risk_detail(request, pk, status_form=form)


@login_required
@require_POST
def risk_signoff(request, pk: int, signoff_pk: int):
    """A partner's signatory accepts (or not) the risk, or its closure or tolerance, for
    their organisation, through the shared sign-off service."""
    risk = visible_risk_or_404(request.user, pk)
    signoff = selectors.open_signoffs_of(request.user, risk).filter(pk=signoff_pk).first()
    if signoff is None:
        raise Http404("No open sign-off of yours for this risk.")
    form = SignOffForm(request.POST, auto_id=f"signoff{signoff.pk}_%s")
    if form.is_valid():
        before = _open_escalations(risk)
        try:
            signoff_decide(actor=request.user, signoff=signoff, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Recorded for {signoff.organisation.name}.")
            _warn_if_escalated(request, risk, before)
            return redirect("risks:detail", pk=pk)
    return risk_detail(request, pk, signoff_forms={signoff.pk: form})


@login_required
def escalated(request, *, forms=None):
    forms = forms or {}
    escalations = selectors.escalations_visible_to(request.user)
    can_respond = policy.can_respond_to_escalation(request.user)
    open_ = [
        (e, forms.get(e.pk) or EscalationResponseForm(auto_id=f"esc{e.pk}_%s"))
        for e in escalations.filter(status=EscalationStatus.OPEN)
    ]
    responded = escalations.filter(status=EscalationStatus.RESPONDED)[:50]
    return render(
        request,
        "risks/escalated.html",
        {"open": open_, "responded": responded, "can_respond": can_respond},
        status=400 if forms else 200,
    )


@login_required
@require_POST
def escalation_respond(request, pk: int):
    esc = get_object_or_404(selectors.escalations_visible_to(request.user), pk=pk)
    form = EscalationResponseForm(request.POST, auto_id=f"esc{esc.pk}_%s")
    if form.is_valid():
        try:
            services.escalation_respond(actor=request.user, escalation=esc, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Response recorded for {esc.risk.reference}.")
            return redirect("risks:escalated")
    return escalated(request, forms={esc.pk: form})


@login_required
def reviews_due(request):
    tasks = selectors.open_reviews_for(request.user).order_by("due_date", "pk")
    return render(request, "risks/reviews.html", {"tasks": tasks})
