"""Manage: an organisation's people (its own secretariat, or the ICB secretariat).

Another organisation's pages answer 404; a membership the user may see but not change
(an auditor's, for a partner's secretariat) answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone

from governance import permissions
from governance.forms import add_service_errors
from governance.organisations import selectors, services
from governance.organisations.forms import EndMembershipForm, InviteForm, MembershipForm
from governance.organisations.invitations import send_invitation
from governance.organisations.models import Membership, Role


def _organisation_or_404(user, pk: int):
    return get_object_or_404(selectors.organisations_managed_by(user), pk=pk)


def _membership_or_404(user, pk: int) -> Membership:
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation").filter(
            organisation__in=selectors.organisations_managed_by(user)
        ),
        pk=pk,
    )
    if not selectors.may_change_membership(user, membership):
        raise PermissionDenied("Only the ICB secretariat can change an auditor's membership.")
    return membership


def _status(m: Membership, today) -> str:
    if m.start_date > today:
        return "future"
    return "current" if m.is_active_on(today) else "ended"


@login_required
def people(request, pk: int):
    user = request.user
    org = _organisation_or_404(user, pk)
    today = timezone.localdate()
    icb = selectors.manages_organisations(user)
    # The organisation is managed by the user (or this was a 404): the ICB secretariat
    # changes every membership, a partner's secretariat all but auditors' (as the
    # services rule; decided once here rather than per row).
    rows = [
        {
            "m": m,
            "status": _status(m, today),
            "changeable": icb or m.role != Role.AUDITOR,
        }
        for m in selectors.people_of(org)
    ]
    show_ended = request.GET.get("ended") == "1"
    shown = [r for r in rows if show_ended or r["status"] != "ended"]
    context = {
        "organisation": org,
        "rows": shown,
        "ended_count": sum(r["status"] == "ended" for r in rows),
        "show_ended": show_ended,
        "icb_secretariat": icb,
    }
    return render(request, "manage/people.html", context)


@login_required
def person_invite(request, pk: int):
    user = request.user
    org = _organisation_or_404(user, pk)
    if not org.is_active:
        raise PermissionDenied(f"{org.name} is not active.")
    post = request.method == "POST"
    form = InviteForm(
        request.POST if post else None,
        may_appoint_auditors=permissions.is_system_secretariat(user),
    )
    if post and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.person_invite(
                actor=user,
                organisation=org,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                reason=data["reason"],
                **form.membership_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            send_invitation(request, membership)
            messages.success(
                request,
                f"{membership.user.get_full_name()} added as "
                f"{membership.get_role_display().lower()}; an e-mail is on its way to "
                f"{membership.user.email}.",
            )
            return redirect("manage:people", pk=org.pk)
    return render(request, "manage/person_invite.html", {"form": form, "organisation": org})


@login_required
def membership_edit(request, pk: int):
    user = request.user
    membership = _membership_or_404(user, pk)
    post = request.method == "POST"
    initial = {f: getattr(membership, f) for f in ("role", "job_title", "start_date", "end_date")}
    form = MembershipForm(
        request.POST if post else None,
        initial=initial,
        may_appoint_auditors=permissions.is_system_secretariat(user),
    )
    if post and form.is_valid():
        try:
            services.membership_update(
                actor=user,
                membership=membership,
                reason=form.cleaned_data["reason"],
                **form.membership_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Membership saved.")
            return redirect("manage:people", pk=membership.organisation_id)
    return render(request, "manage/membership_form.html", {"form": form, "m": membership})


@login_required
def membership_end(request, pk: int):
    user = request.user
    membership = _membership_or_404(user, pk)
    post = request.method == "POST"
    form = EndMembershipForm(request.POST if post else None)
    if post and form.is_valid():
        try:
            services.membership_end(
                actor=user,
                membership=membership,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Membership ended.")
            return redirect("manage:people", pk=membership.organisation_id)
    return render(request, "manage/membership_end.html", {"form": form, "m": membership})


class SetPasswordView(PasswordResetConfirmView):
    """The invitation link: a new person chooses a password (no self-registration)."""

    template_name = "manage/set_password.html"
    success_url = reverse_lazy("set-password-done")
    reset_url_token = "choose"  # noqa: S105 - a URL segment, not a secret
