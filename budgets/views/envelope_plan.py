"""Pages for planning the system envelope: the ICB finance lead drafts it (totals, each
partner's line), sends it to the partners for sign-off, and proposes variations once it
is agreed (a transfer of capital, a re-plan of a partner's revenue). Each calls one
service; its errors are shown next to the fields."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from budgets import envelope_policy
from budgets.envelope_forms import EnvelopeForm, LineForm, ReplanForm, TransferForm
from budgets.forms import ReasonForm
from budgets.services import envelope as env_services
from budgets.services import envelope_variations as var_services
from budgets.views.envelope import envelope_or_404
from governance import confirm
from governance.forms import add_service_errors
from governance.organisations.models import Organisation, OrganisationKind


def _form_page(request, form, *, title, submit, back, intro=""):
    return render(
        request,
        "budgets/form.html",
        {"form": form, "title": title, "submit": submit, "back": back, "intro": intro},
        status=400 if request.method == "POST" else 200,
    )


def _my_icb(user):
    ids = envelope_policy.finance_lead_organisations(user)
    return Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.ICB).first()


@login_required
def envelope_create(request):
    icb = _my_icb(request.user)
    if icb is None:
        raise PermissionDenied("Only a finance lead of an ICB drafts a system envelope.")
    form = EnvelopeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            envelope = env_services.envelope_create(
                actor=request.user, icb=icb, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Draft envelope created: add each partner's line.")
            return redirect("budgets:envelope", pk=envelope.pk)
    return _form_page(
        request,
        form,
        title=f"Draft the system envelope of {icb.name}",
        submit="Create the draft",
        back="/envelopes/",
        intro="The system totals must equal the sum of the partners' lines before the "
        "envelope can go to the partners for sign-off.",
    )


def _manager_envelope(request, pk):
    envelope = envelope_or_404(request.user, pk)
    if not envelope_policy.can_manage(request.user, envelope):
        raise PermissionDenied("Only the envelope's finance lead or the ICB secretariat can.")
    return envelope


def _partners():
    return Organisation.objects.filter(is_active=True).order_by("name")


@login_required
def line_set(request, pk: int):
    envelope = _manager_envelope(request, pk)
    form = LineForm(request.POST or None, organisations=_partners())
    if request.method == "POST" and form.is_valid():
        try:
            env_services.envelope_line_set(
                actor=request.user, envelope=envelope, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("budgets:envelope", pk=envelope.pk)
    return _form_page(
        request,
        form,
        title=f"A partner's line of {envelope.name} {envelope.year_label}",
        submit="Save the line",
        back=f"/envelopes/{envelope.pk}/",
        intro="Setting a partner's line again replaces it.",
    )


@login_required
@require_POST
def envelope_submit(request, pk: int):
    envelope = _manager_envelope(request, pk)
    try:
        env_services.envelope_submit(actor=request.user, envelope=envelope)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Sent to every partner for sign-off.")
    return redirect("budgets:envelope", pk=envelope.pk)


def _partner_choices(envelope):
    return Organisation.objects.filter(envelope_lines__envelope=envelope).order_by("name")


@login_required
def variation_transfer(request, pk: int):
    envelope = _manager_envelope(request, pk)
    form = TransferForm(request.POST or None, organisations=_partner_choices(envelope))
    if request.method == "POST" and form.is_valid():
        try:
            variation = var_services.variation_transfer_capital(
                actor=request.user, envelope=envelope, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("budgets:envelope-variation", pk=envelope.pk, variation_pk=variation.pk)
    return _form_page(
        request,
        form,
        title="Transfer capital between partners",
        submit="Propose the transfer",
        back=f"/envelopes/{envelope.pk}/",
        intro="Both partners and the ICB sign the transfer off before it applies.",
    )


@login_required
def variation_replan(request, pk: int):
    envelope = _manager_envelope(request, pk)
    form = ReplanForm(request.POST or None, organisations=_partner_choices(envelope))
    if request.method == "POST" and form.is_valid():
        try:
            variation = var_services.variation_replan(
                actor=request.user, envelope=envelope, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("budgets:envelope-variation", pk=envelope.pk, variation_pk=variation.pk)
    return _form_page(
        request,
        form,
        title="Re-plan a partner's revenue",
        submit="Propose the re-plan",
        back=f"/envelopes/{envelope.pk}/",
        intro="The system totals move by the same amounts; the partner and the ICB sign it off.",
    )


@login_required
@require_POST
def variation_withdraw(request, pk: int, variation_pk: int):
    from budgets.views.envelope import variation_withdraw_consequences

    envelope = _manager_envelope(request, pk)
    variation = get_object_or_404(envelope.variations, pk=variation_pk)
    form = ReasonForm(request.POST)
    step = {
        "heading": f"Withdraw {variation.reference}?",
        "consequences": variation_withdraw_consequences(variation),
        "action": request.path,
        "button": "Withdraw the variation",
        "back": reverse("budgets:envelope-variation", args=[envelope.pk, variation.pk]),
        "back_label": variation.reference,
    }

    def done():
        messages.success(request, f"{variation.reference} withdrawn.")
        return redirect("budgets:envelope-variation", pk=envelope.pk, variation_pk=variation.pk)

    return confirm.confirmed_action(
        request,
        form,
        step=step,
        perform=lambda data: var_services.variation_withdraw(
            actor=request.user, variation=variation, **data
        ),
        done=done,
    )


def can_draft(user) -> bool:
    return _my_icb(user) is not None
