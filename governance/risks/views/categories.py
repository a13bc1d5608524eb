"""Manage: risk categories (the ICB secretariat). Every change goes through
``governance.risks.services.categories``, which validates and audits it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render

from governance.forms import add_service_errors
from governance.risks import policy
from governance.risks.models import RiskCategory
from governance.risks.services import categories as services

REASON_HELP = "Kept in the audit trail with the change."


class CategoryForm(forms.Form):
    name = forms.CharField(
        max_length=120,
        label="Name",
        help_text="e.g. Quality and safety",
        error_messages={"required": "Enter the category's name, e.g. Finance."},
    )
    code = forms.CharField(
        max_length=40,
        label="Code",
        help_text="Lower-case letters, digits and hyphens, e.g. quality-and-safety.",
        error_messages={"required": "Enter a short code, e.g. finance."},
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Description"
    )
    responsible_committee = forms.CharField(
        max_length=120,
        required=False,
        label="Responsible committee",
        help_text="Receives this category's escalated risks; empty: the board.",
    )
    position = forms.IntegerField(
        min_value=0,
        max_value=services.POSITION_MAX,
        initial=0,
        label="Position in lists",
        error_messages={"required": "Enter a position, e.g. 10.", "invalid": "Enter a number."},
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note for the record (optional)",
        help_text=REASON_HELP,
    )

    def service_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in services.EDITABLE}


class CategoryReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason",
        help_text=REASON_HELP,
        error_messages={"required": "Give the reason."},
    )

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if not required:
            self.fields["reason"].label = "Note for the record (optional)"


def _require(user) -> None:
    if not policy.can_change_framework(user):
        raise PermissionDenied("Only the ICB secretariat manages risk categories.")


def _category(pk: int) -> RiskCategory:
    return get_object_or_404(RiskCategory, pk=pk)


@login_required
def category_list(request):
    _require(request.user)
    categories = RiskCategory.objects.select_related("appetite").annotate(risk_count=Count("risks"))
    return render(
        request,
        "manage/category_list.html",
        {"categories": categories.order_by("-is_active", "position", "name")},
    )


@login_required
def category_new(request):
    _require(request.user)
    post = request.method == "POST"
    form = CategoryForm(request.POST if post else None)
    if post and form.is_valid():
        try:
            services.category_create(
                actor=request.user, reason=form.cleaned_data["reason"], **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Risk category added.")
            return redirect("risk_categories:list")
    return render(request, "manage/category_form.html", {"form": form, "category": None})


@login_required
def category_edit(request, pk: int):
    _require(request.user)
    category = _category(pk)
    post = request.method == "POST"
    initial = {f: getattr(category, f) for f in services.EDITABLE}
    form = CategoryForm(request.POST if post else None, initial=initial)
    if post and form.is_valid():
        try:
            services.category_update(
                actor=request.user,
                category=category,
                reason=form.cleaned_data["reason"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Risk category saved.")
            return redirect("risk_categories:list")
    return render(request, "manage/category_form.html", {"form": form, "category": category})


def _status_change(request, pk: int, *, retire: bool):
    _require(request.user)
    category = _category(pk)
    post = request.method == "POST"
    form = CategoryReasonForm(request.POST if post else None, required=retire)
    if post and form.is_valid():
        service = services.category_retire if retire else services.category_reinstate
        try:
            service(actor=request.user, category=category, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            done = "retired" if retire else "current again"
            messages.success(request, f"{category.name} is {done}.")
            return redirect("risk_categories:list")
    return render(
        request,
        "manage/category_status.html",
        {"form": form, "category": category, "retire": retire},
    )


@login_required
def category_retire(request, pk: int):
    return _status_change(request, pk, retire=True)


@login_required
def category_reinstate(request, pk: int):
    return _status_change(request, pk, retire=False)
