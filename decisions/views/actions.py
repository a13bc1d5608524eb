"""The proposal's action buttons: each posts to its own URL and calls one service.

On bad input the detail page is shown again with the errors next to the fields (and in
the error summary); nothing is written, because the services validate first.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from decisions import services
from decisions.attachment_services import proposal_attach
from decisions.forms import (
    AttachmentForm,
    ChairsActionForm,
    DecisionForm,
    ReasonForm,
    add_service_errors,
)
from decisions.views.proposals import detail_context, visible_proposal_or_404

TEMPLATE = "decisions/proposal_detail.html"


def _again(request, proposal, **forms):
    """The detail page with a failed action's errors."""
    return render(request, TEMPLATE, detail_context(request, proposal, **forms))


def _done(request, proposal, message: str):
    messages.success(request, message)
    return redirect("decisions:proposal-detail", pk=proposal.pk)


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for errors in exc.message_dict.values() for m in errors]
    return list(exc.messages)


@login_required
@require_POST
def proposal_submit(request, pk: int):
    proposal = visible_proposal_or_404(request.user, pk)
    try:
        services.proposal_submit(actor=request.user, proposal=proposal)
    except ValidationError as exc:
        return _again(request, proposal, action_errors=_messages(exc))
    return _done(request, proposal, f"{proposal.reference} submitted to the ICB secretariat.")


@login_required
@require_POST
def proposal_withdraw(request, pk: int):
    proposal = visible_proposal_or_404(request.user, pk)
    form = ReasonForm(
        request.POST,
        prefix="withdraw",
        label="Reason for withdrawing",
        required_message="Say why the proposal is withdrawn.",
    )
    if form.is_valid():
        try:
            services.proposal_withdraw(
                actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, proposal, f"{proposal.reference} withdrawn.")
    return _again(request, proposal, withdraw_form=form)


@login_required
@require_POST
def proposal_accept(request, pk: int):
    proposal = visible_proposal_or_404(request.user, pk)
    try:
        services.proposal_review(actor=request.user, proposal=proposal, accept=True)
    except ValidationError as exc:
        return _again(request, proposal, action_errors=_messages(exc))
    return _done(
        request, proposal, f"{proposal.reference} accepted: partner sign-off has been requested."
    )


@login_required
@require_POST
def proposal_return(request, pk: int):
    proposal = visible_proposal_or_404(request.user, pk)
    form = ReasonForm(
        request.POST,
        prefix="return",
        label="Why it is returned",
        required_message="Say why the proposal is returned, so it can be revised.",
    )
    if form.is_valid():
        try:
            services.proposal_review(
                actor=request.user,
                proposal=proposal,
                accept=False,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, proposal, f"{proposal.reference} returned to the proposer.")
    return _again(request, proposal, return_form=form)


@login_required
@require_POST
def proposal_decide(request, pk: int):
    """The delegated officer records the decision."""
    proposal = visible_proposal_or_404(request.user, pk)
    form = DecisionForm(request.POST, prefix="decision")
    if form.is_valid():
        try:
            services.proposal_decide_as_officer(
                actor=request.user,
                proposal=proposal,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, proposal, f"Decision on {proposal.reference} recorded.")
    return _again(request, proposal, decision_form=form)


@login_required
@require_POST
def proposal_chairs_action(request, pk: int):
    """The chair of the deciding committee takes chair's action with another member."""
    proposal = visible_proposal_or_404(request.user, pk)
    band = proposal.sord_band
    form = ChairsActionForm(
        request.POST,
        prefix="chairs",
        committee=band.committee if band else None,
        chair=request.user,
    )
    if form.is_valid():
        try:
            services.proposal_decide_by_chairs_action(
                actor=request.user,
                proposal=proposal,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                second_member=form.cleaned_data["second_member"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, proposal, f"Chair's action on {proposal.reference} recorded.")
    return _again(request, proposal, chairs_form=form)


@login_required
@require_POST
def proposal_attachment_add(request, pk: int):
    proposal = visible_proposal_or_404(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES, prefix="attach")
    if form.is_valid():
        try:
            attachment = proposal_attach(
                actor=request.user,
                proposal=proposal,
                uploaded_file=form.cleaned_data["attachment"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, proposal, f"{attachment.original_name} attached.")
    return _again(request, proposal, attach_form=form)
