"""Deputies' pages: the list, appointing one and ending one early. Services validate and
audit; errors show next to the field they concern."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from governance.deputies import selectors, services
from governance.deputies.forms import DeputyAppointmentForm, DeputyEndForm
from governance.forms import add_service_errors


@login_required
def deputy_list(request):
    user = request.user
    today = timezone.localdate()
    visible = selectors.appointments_visible_to(user)
    rows = [
        {
            "a": a,
            "label": selectors.acting_label(a.deputy, a.principal, a),
            "state": "ended early"
            if a.ended_at
            else "in office"
            if a.valid_from <= today <= a.valid_to
            else "upcoming"
            if a.valid_from > today
            else "over",
            "may_end": a.ended_at is None
            and a.valid_to >= today
            and services.may_end(user, a),
        }
        for a in visible.order_by("-valid_to", "pk")[:200]
    ]
    return render(
        request,
        "deputies/list.html",
        {"rows": rows, "may_appoint": selectors.appointable_organisations(user).exists()},
    )


@login_required
def deputy_new(request):
    user = request.user
    initial = {"valid_from": timezone.localdate(), "principal": user.pk}
    for key in ("organisation", "principal"):
        if request.GET.get(key, "").isdigit():
            initial[key] = int(request.GET[key])
    form = DeputyAppointmentForm(
        request.POST if request.method == "POST" else None, user=user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.deputy_appoint(
                actor=user,
                principal=data["principal"],
                deputy=data["deputy"],
                organisation=data["organisation"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                reason=data["reason"],
            )
        except PermissionDenied as exc:
            form.add_error("principal", str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Deputy appointed: "
                + selectors.acting_label(appointment.deputy, appointment.principal, appointment)
                + ".",
            )
            return redirect("deputies:list")
    return render(request, "deputies/form.html", {"form": form})


@login_required
def deputy_end(request, pk: int):
    appointment = get_object_or_404(selectors.appointments_visible_to(request.user), pk=pk)
    if not services.may_end(request.user, appointment):
        raise PermissionDenied("You cannot end this appointment.")
    form = DeputyEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deputy_end(
                actor=request.user, appointment=appointment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The deputy appointment has ended.")
            return redirect("deputies:list")
    return render(
        request,
        "deputies/end.html",
        {
            "form": form,
            "appointment": appointment,
            "label": selectors.acting_label(appointment.deputy, appointment.principal, appointment),
        },
    )
