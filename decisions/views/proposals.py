"""Proposal pages: the list, raising, the detail page with its timeline, editing."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from decisions import policy, selectors, services, sord
from decisions.attachment_services import ATTACHABLE_STATUSES, proposal_attach
from decisions.forms import (
    AttachmentForm,
    ChairsActionForm,
    DecisionForm,
    ProposalCreateForm,
    ProposalEditForm,
    ReasonForm,
    StatusFilterForm,
    add_service_errors,
)
from decisions.models import DecidedBy, DecisionEntry, ProposalStatus
from decisions.views.timeline import timeline
from governance import permissions
from governance.audit.reads import record_read
from governance.organisations.models import Organisation
from governance.signoffs.models import SignOffRule
from governance.signoffs.selectors import signoffs_for

SUBMITTABLE = (ProposalStatus.DRAFT, ProposalStatus.RETURNED)
FORM_ACTIONS = {
    "withdraw_form": "withdraw",
    "return_form": "review",
    "decision_form": "decide",
    "chairs_form": "chairs_action",
    "attach_form": "attach",
}


def visible_proposal_or_404(user, pk: int):
    """The proposal if the user may see it; 404 otherwise (never 403: no leaks)."""
    return get_object_or_404(selectors.proposals_visible_to(user), pk=pk)


@login_required
def proposal_list(request):
    form = StatusFilterForm(request.GET or None)
    proposals = selectors.proposals_visible_to(request.user).prefetch_related(
        "affected_organisations"
    )
    if form.is_valid() and form.cleaned_data.get("status"):
        proposals = proposals.filter(status=form.cleaned_data["status"])
    page = Paginator(proposals, 50).get_page(request.GET.get("page"))
    awaiting = selectors.proposals_awaiting_secretariat(request.user)
    return render(
        request,
        "decisions/proposal_list.html",
        {
            "form": form,
            "page": page,
            "awaiting": awaiting,
            "can_propose": bool(_proposing_organisations(request.user).exists()),
        },
    )


def _proposing_organisations(user):
    ids = permissions.organisation_ids(user, roles=policy.PROPOSER_ROLES)
    return Organisation.objects.filter(pk__in=ids, is_active=True).order_by("name")


@login_required
def proposal_new(request):
    orgs = _proposing_organisations(request.user)
    if not orgs.exists():
        raise PermissionDenied("You do not act for an organisation that can raise proposals.")
    post = request.method == "POST"
    form = ProposalCreateForm(
        request.POST if post else None,
        request.FILES if post else None,
        proposing_organisations=orgs,
    )
    if post and form.is_valid():
        try:
            with transaction.atomic():
                proposal = services.proposal_create(actor=request.user, **form.service_fields())
                upload = form.cleaned_data.get("attachment")
                if upload:
                    proposal_attach(actor=request.user, proposal=proposal, uploaded_file=upload)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Proposal {proposal.reference} saved as a draft. Submit it when ready."
            )
            return redirect("decisions:proposal-detail", pk=proposal.pk)
    return render(request, "decisions/proposal_form.html", {"form": form, "proposal": None})


@login_required
def proposal_edit(request, pk: int):
    proposal = visible_proposal_or_404(request.user, pk)
    if not policy.can_edit(request.user, proposal):
        raise PermissionDenied("You cannot edit this proposal.")
    post = request.method == "POST"
    form = ProposalEditForm(request.POST if post else None, proposal=proposal)
    if post and form.is_valid():
        try:
            services.proposal_update(
                actor=request.user,
                proposal=proposal,
                reason=form.cleaned_data.get("reason", ""),
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Proposal {proposal.reference} saved.")
            return redirect("decisions:proposal-detail", pk=proposal.pk)
    return render(request, "decisions/proposal_form.html", {"form": form, "proposal": proposal})


def _routing(p) -> dict:
    """Who decides and how partners sign off: fixed once sign-off starts, provisional
    (from today's SoRD) before that."""
    if p.sord_band_id:
        return {
            "fixed": True,
            "band": p.sord_band,
            "decided_by": DecidedBy(p.decided_by).label if p.decided_by else "",
            "decider": p.decider_label,
            "rule": SignOffRule(p.signoff_rule).label if p.signoff_rule else "",
        }
    try:
        r = sord.route(p)
    except ValidationError as exc:
        return {"error": " ".join(exc.messages)}
    return {
        "fixed": False,
        "band": r.band,
        "decided_by": DecidedBy(r.decided_by).label,
        "decider": r.decider_label,
        "rule": SignOffRule(r.signoff_rule).label,
        "signing": r.signing_organisations,
    }


def _waiting_on(p) -> str:
    """Who the decision now waits for, in words (for a proposal ready for decision)."""
    from decisions import authority

    band = p.sord_band
    if p.status != ProposalStatus.READY_FOR_DECISION or band is None:
        return ""
    if band.decided_by == DecidedBy.OFFICER:
        names = ", ".join(authority.person_name(u) for u in authority.holders(band))
        return (
            f"the {band.officer_post.title} ({names or 'post vacant'}, or a named deputy), "
            f"under SoRD v{band.version.number}"
        )
    return (
        f"the {band.committee.name} at its next meeting (or chair's action), "
        f"under SoRD v{band.version.number}"
    )


def _rounds(p) -> list[dict]:
    signoffs = signoffs_for(p).order_by("-round", "organisation__name")
    return [
        {"number": number, "current": number == p.signoff_round, "signoffs": list(rows)}
        for number, rows in groupby(signoffs, key=lambda s: s.round)
    ]


def detail_context(request, proposal, **forms) -> dict:
    """Everything the detail page shows; ``forms`` replaces a bound action form that
    failed, so its errors show next to its fields."""
    user, p = request.user, proposal
    can_edit = policy.can_edit(user, p)
    actions = {
        "edit": can_edit,
        "attach": can_edit and p.status in ATTACHABLE_STATUSES,
        "submit": policy.can_submit(user, p) and p.status in SUBMITTABLE,
        "withdraw": policy.can_withdraw(user, p) and p.is_open,
        "review": policy.can_review(user) and p.status == ProposalStatus.SUBMITTED,
        "decide": policy.can_decide_as_officer(user, p),
        "chairs_action": policy.can_take_chairs_action(user, p),
    }
    context = {
        "proposal": p,
        "affected": p.affected_organisations.order_by("name"),
        "named": p.named_organisations.order_by("name"),
        "routing": _routing(p),
        "rounds": _rounds(p),
        "attachments": p.attachments.select_related("uploaded_by"),
        "events": timeline(p),
        "entry": DecisionEntry.objects.filter(proposal=p).first(),
        "actions": actions,
        "any_action": any(actions.values()),
        "withdraw_form": ReasonForm(prefix="withdraw", label="Reason for withdrawing"),
        "return_form": ReasonForm(prefix="return", label="Why it is returned"),
        "decision_form": DecisionForm(prefix="decision"),
        "chairs_form": ChairsActionForm(
            prefix="chairs",
            committee=p.sord_band.committee if p.sord_band_id else None,
            chair=user,
        )
        if actions["chairs_action"]
        else None,
        "waiting_on": _waiting_on(p),
        "attach_form": AttachmentForm(prefix="attach"),
        "action_errors": [],
        "sign_org_ids": permissions.signing_organisation_ids(user),
        "is_secretariat": permissions.is_system_secretariat(user),
    }
    context.update(forms)
    # a failed action whose form is no longer offered (e.g. the status moved on meanwhile)
    # still says what went wrong, in the summary at the top
    for key, action in FORM_ACTIONS.items():
        form = forms.get(key)
        if form is not None and form.errors and not actions[action]:
            context["action_errors"] = [
                *context["action_errors"],
                *(m for errors in form.errors.values() for m in errors),
            ]
    return context


@login_required
def proposal_detail(request, pk: int):
    proposal = visible_proposal_or_404(request.user, pk)
    if proposal.is_confidential:
        record_read(user=request.user, target=proposal, how="page", request=request)
    return render(request, "decisions/proposal_detail.html", detail_context(request, proposal))


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    proposal = visible_proposal_or_404(request.user, pk)
    attachment = proposal.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404("No such paper.")
    if proposal.is_confidential:
        record_read(user=request.user, target=attachment, how="download", request=request)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/pdf",
    )
