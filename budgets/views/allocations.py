"""Pages of allocations: raising one, its page (review, sign-off state, revise and
resubmit, withdraw, releases and spend) and each action, through one service each.

Partners sign off in the shared inbox (/inbox/ and /signoffs/<id>/), like proposals.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from budgets import balances, policy, selectors, services
from budgets.forms import (
    AllocationForm,
    ReasonForm,
    ReleaseForm,
    ReviewForm,
    SpendForm,
    add_service_errors,
)
from budgets.models import AllocationStatus
from budgets.views.funds import render_form, visible_fund_or_404
from governance import confirm, permissions
from governance.audit.selectors import events_for
from governance.audit.sentences import described
from governance.signoffs.selectors import signoffs_for
from governance.ui.templatetags.ui import money_text

FIELDS = ("scheme_line", "recipient", "amount", "purpose", "period_start", "period_end")


def visible_allocation_or_404(user, pk: int):
    return get_object_or_404(selectors.allocations_visible_to(user), pk=pk)


@login_required
def allocation_create(request, pk: int):
    fund = visible_fund_or_404(request.user, pk)
    if not policy.can_raise(request.user, fund):
        raise PermissionDenied(
            "Allocations are raised by the partners' officers while the fund is active."
        )
    raising = policy.raising_organisations(request.user, fund)
    context = {
        "title": f"Request an allocation from {fund.name}",
        "submit": "Submit to the pool manager",
        "back": f"/funds/{fund.pk}/",
        "fund": fund,
        "intro": f"The pool manager reviews the request; then every contributing partner "
        f"signs it off, and the money is committed if the fund still holds it. The fund "
        f"holds {money_text(balances.fund_position(fund).uncommitted)} uncommitted.",
    }
    kwargs = {"fund": fund, "raising": raising}
    if request.method != "POST":
        return render_form(request, {**context, "form": AllocationForm(**kwargs)})
    form = AllocationForm(request.POST, **kwargs)
    if form.is_valid():
        data = {k: form.cleaned_data.get(k) for k in FIELDS}
        try:
            allocation = services.allocation_create(
                actor=request.user,
                fund=fund,
                requesting_organisation=form.cleaned_data["requesting_organisation"],
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{allocation.reference} submitted to the pool manager.")
            return redirect("budgets:allocation", pk=allocation.pk)
    return render_form(request, {**context, "form": form}, status=400)


@login_required
def allocation_detail(request, pk: int, *, forms=None):
    a = visible_allocation_or_404(request.user, pk)
    user = request.user
    forms = forms or {}
    signoffs = list(signoffs_for(a)) if a.signoff_round else []
    mine = permissions.signing_organisation_ids(user)  # signatories and their deputies
    can_record = a.status == AllocationStatus.COMMITTED and policy.can_record_money(user, a.fund)
    return render(
        request,
        "budgets/allocation_detail.html",
        {
            "a": a,
            "fund": a.fund,
            "position": balances.allocation_position(a.pk),
            "signoffs": signoffs,
            "my_signoffs": [
                s for s in signoffs if s.status == "pending" and s.organisation_id in mine
            ],
            "entries": a.entries.select_related("actor").order_by("recorded_at", "pk"),
            "events": described(events_for(a).order_by("seq")),
            "can_review": a.status == AllocationStatus.SUBMITTED and policy.can_review(user, a),
            "can_edit": policy.can_edit_allocation(user, a),
            "can_withdraw": policy.can_withdraw(user, a),
            "can_record": can_record,
            "review_form": forms.get("review") or ReviewForm(),
            "withdraw_form": forms.get("withdraw") or ReasonForm(prefix="withdraw"),
            "withdraw_action": reverse("budgets:allocation-withdraw", args=[a.pk]),
            "withdraw_consequences": _withdraw_consequences(a),
            "release_form": forms.get("release") or ReleaseForm(prefix="release"),
            "spend_form": forms.get("spend") or SpendForm(prefix="spend"),
        },
        status=400 if forms else 200,
    )


@login_required
def allocation_edit(request, pk: int):
    a = visible_allocation_or_404(request.user, pk)
    if not policy.can_edit_allocation(request.user, a):
        raise PermissionDenied("Only a returned allocation is revised, by its requester.")
    initial = {k: getattr(a, k) for k in FIELDS}
    kwargs = {"fund": a.fund, "raising": None}
    context = {
        "title": f"Revise {a.reference}",
        "submit": "Save changes",
        "back": f"/allocations/{a.pk}/",
        "fund": a.fund,
        "intro": f"Returned by the pool manager: {a.return_reason} Save your changes, then "
        "submit it again from its page.",
    }
    if request.method != "POST":
        return render_form(request, {**context, "form": AllocationForm(initial=initial, **kwargs)})
    form = AllocationForm(request.POST, initial=initial, **kwargs)
    if form.is_valid():
        try:
            services.allocation_update(
                actor=request.user, allocation=a, **{k: form.cleaned_data.get(k) for k in FIELDS}
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Changes saved. Submit it again when ready.")
            return redirect("budgets:allocation", pk=a.pk)
    return render_form(request, {**context, "form": form}, status=400)


@login_required
@require_POST
def allocation_submit(request, pk: int):
    a = visible_allocation_or_404(request.user, pk)
    try:
        services.allocation_submit(actor=request.user, allocation=a)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{a.reference} submitted to the pool manager again.")
    return redirect("budgets:allocation", pk=pk)


@login_required
@require_POST
def allocation_review(request, pk: int):
    a = visible_allocation_or_404(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            a = services.allocation_review(
                actor=request.user, allocation=a, accept=accept, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Sent to the partners for sign-off." if accept else "Returned to the requester.",
            )
            return redirect("budgets:allocation", pk=pk)
    return allocation_detail(request, pk, forms={"review": form})


def _withdraw_consequences(a) -> str:
    return (
        f"Withdrawing {a.reference} ends the request for {money_text(a.amount)} to "
        f"{a.recipient.name}: the pool manager's review and any open partner sign-off are "
        "cancelled, and nothing is committed from the fund. It cannot be resubmitted; a new "
        "request would be needed."
    )


@login_required
@require_POST
def allocation_withdraw(request, pk: int):
    a = visible_allocation_or_404(request.user, pk)
    if a.is_open and not policy.can_withdraw(request.user, a):
        raise PermissionDenied("You cannot withdraw this request.")
    form = ReasonForm(request.POST, prefix="withdraw")  # a closed one: the service says why
    step = {
        "heading": f"Withdraw {a.reference}?",
        "consequences": _withdraw_consequences(a),
        "action": reverse("budgets:allocation-withdraw", args=[a.pk]),
        "button": "Withdraw the request",
        "back": reverse("budgets:allocation", args=[a.pk]),
        "back_label": a.reference,
    }

    def done():
        messages.success(request, f"{a.reference} withdrawn.")
        return redirect("budgets:allocation", pk=pk)

    return confirm.confirmed_action(
        request,
        form,
        step=step,
        perform=lambda data: services.allocation_withdraw(actor=request.user, allocation=a, **data),
        done=done,
    )


@login_required
@require_POST
def allocation_release(request, pk: int):
    a = visible_allocation_or_404(request.user, pk)
    form = ReleaseForm(request.POST, prefix="release")
    if form.is_valid():
        try:
            services.allocation_release(actor=request.user, allocation=a, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Released back to the fund.")
            return redirect("budgets:allocation", pk=pk)
    return allocation_detail(request, pk, forms={"release": form})


@login_required
@require_POST
def allocation_spend(request, pk: int):
    a = visible_allocation_or_404(request.user, pk)
    form = SpendForm(request.POST, prefix="spend")
    if form.is_valid():
        try:
            services.allocation_spend(actor=request.user, allocation=a, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Spend recorded.")
            return redirect("budgets:allocation", pk=pk)
    return allocation_detail(request, pk, forms={"spend": form})
