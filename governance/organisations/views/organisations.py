"""Manage: the index page and the organisations of the system (the ICB secretariat)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from governance.forms import add_service_errors
from governance.organisations import selectors, services
from governance.organisations.forms import OrganisationForm, ReasonForm
from governance.organisations.models import Membership, Organisation


def _require_icb_secretariat(user) -> None:
    if not selectors.manages_organisations(user):
        raise PermissionDenied("Only the ICB secretariat manages organisations.")


def _with_people_counts(qs):
    today = timezone.localdate()
    current = Q(memberships__start_date__lte=today) & (
        Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gt=today)
    )
    return qs.annotate(people=Count("memberships", filter=current))


@login_required
def index(request):
    user = request.user
    if not selectors.manages_anything(user):
        raise PermissionDenied("There is nothing here for you to manage.")
    icb = selectors.manages_organisations(user)
    managed = selectors.organisations_managed_by(user)
    context = {
        "icb_secretariat": icb,
        "organisations": None if icb else _with_people_counts(managed),
    }
    return render(request, "manage/index.html", context)


@login_required
def organisation_list(request):
    _require_icb_secretariat(request.user)
    organisations = _with_people_counts(selectors.organisations_managed_by(request.user))
    return render(
        request,
        "manage/organisation_list.html",
        {"organisations": organisations.order_by("-is_active", "name")},
    )


@login_required
def organisation_new(request):
    _require_icb_secretariat(request.user)
    post = request.method == "POST"
    form = OrganisationForm(request.POST if post else None)
    if post and form.is_valid():
        try:
            org = services.organisation_create(
                actor=request.user, reason=form.cleaned_data["reason"], **form.service_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{org.name} added. Now add its people.")
            return redirect("manage:people", pk=org.pk)
    return render(request, "manage/organisation_form.html", {"form": form, "organisation": None})


def _organisation_or_404(user, pk: int) -> Organisation:
    return get_object_or_404(selectors.organisations_managed_by(user), pk=pk)


@login_required
def organisation_edit(request, pk: int):
    _require_icb_secretariat(request.user)
    org = _organisation_or_404(request.user, pk)
    post = request.method == "POST"
    initial = {f: getattr(org, f) for f in OrganisationForm.FIELDS}
    form = OrganisationForm(request.POST if post else None, initial=initial)
    if post and form.is_valid():
        try:
            services.organisation_update(
                actor=request.user,
                organisation=org,
                reason=form.cleaned_data["reason"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Organisation saved.")
            return redirect("manage:organisations")
    return render(request, "manage/organisation_form.html", {"form": form, "organisation": org})


@login_required
def organisation_deactivate(request, pk: int):
    _require_icb_secretariat(request.user)
    org = _organisation_or_404(request.user, pk)
    today = timezone.localdate()
    open_memberships = (
        Membership.objects.filter(organisation=org)
        .exclude(end_date__isnull=False, end_date__lte=today)
        .select_related("user")
    )
    post = request.method == "POST"
    form = ReasonForm(request.POST if post else None)
    if post and form.is_valid():
        try:
            services.organisation_deactivate(
                actor=request.user, organisation=org, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{org.name} deactivated; its memberships have ended.")
            return redirect("manage:organisations")
    return render(
        request,
        "manage/organisation_deactivate.html",
        {"form": form, "organisation": org, "open_memberships": open_memberships},
    )


@login_required
def organisation_reactivate(request, pk: int):
    _require_icb_secretariat(request.user)
    org = _organisation_or_404(request.user, pk)
    post = request.method == "POST"
    form = ReasonForm(request.POST if post else None, required=False)
    if post and form.is_valid():
        try:
            services.organisation_reactivate(
                actor=request.user, organisation=org, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{org.name} is active again. Add its people.")
            return redirect("manage:people", pk=org.pk)
    return render(
        request, "manage/organisation_reactivate.html", {"form": form, "organisation": org}
    )
