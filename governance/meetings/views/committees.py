"""Committee pages: list, detail (members, quorum rule, terms of reference), editing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from governance.meetings import policy, selectors
from governance.meetings.forms import CommitteeForm, MeetingForm, MemberEditForm, MemberForm
from governance.meetings.models import CommitteeMember
from governance.meetings.services import agenda, committees
from governance.meetings.views.common import attempt, committee_or_404


@login_required
def index(request):
    user = request.user
    now = timezone.now()
    visible = selectors.meetings_visible_to(user).exclude(status="cancelled")
    return render(
        request,
        "meetings/index.html",
        {
            "committees": selectors.committees_visible_to(user),
            "upcoming": visible.filter(start__gte=now).order_by("start")[:20],
            "past": visible.filter(start__lt=now).order_by("-start")[:20],
            "can_create": policy.can_create_committee(user),
            "managed": selectors.committees_managed_by(user),
        },
    )


@login_required
def committee_new(request):
    if not policy.can_create_committee(request.user):
        raise PermissionDenied("Only the ICB secretariat creates committees.")
    form = CommitteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        c = attempt(
            form,
            committees.committee_create,
            actor=request.user,
            name=data.pop("name"),
            kind=data.pop("kind"),
            organisation=data.pop("organisation"),
            **data,
        )
        if c:
            return redirect("meetings:committee", pk=c.pk)
    return render(request, "meetings/form.html", {"form": form, "title": "New committee"})


@login_required
def committee_detail(request, pk):
    c = committee_or_404(request.user, pk)
    today = timezone.localdate()
    return render(
        request,
        "meetings/committee.html",
        {
            "committee": c,
            "members": c.members.select_related("user", "organisation").order_by(
                "-valid_to", "role"
            ),
            "today": today,
            "meetings": selectors.meetings_visible_to(request.user).filter(committee=c)[:50],
            "can_manage": policy.can_manage(request.user, c),
            "rule": selectors.rule_of(c),
            "rules": c.rules,
            "organisations": c.organisations.order_by("name"),
            "bodies": selectors.bodies_of(c) if c.is_in_common else [],
            "groups": c.in_common_groups.order_by("name"),
        },
    )


@login_required
def committee_edit(request, pk):
    c = committee_or_404(request.user, pk)
    if not policy.can_manage(request.user, c):
        raise PermissionDenied("Only the secretariat running the committee can edit it.")
    form = CommitteeForm(request.POST or None, initial=CommitteeForm.initial_from(c), committee=c)
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        if data.get("organisation") == c.organisation:
            data.pop("organisation")
        if attempt(form, committees.committee_update, actor=request.user, committee=c, **data):
            return redirect("meetings:committee", pk=c.pk)
    return render(request, "meetings/form.html", {"form": form, "title": f"Edit {c.name}"})


@login_required
def member_add(request, pk):
    c = committee_or_404(request.user, pk)
    if not policy.can_manage(request.user, c):
        raise PermissionDenied("Only the secretariat running the committee can add members.")
    form = MemberForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form, committees.member_add, actor=request.user, committee=c, **form.cleaned_data
        )
    ):
        return redirect("meetings:committee", pk=c.pk)
    return render(request, "meetings/form.html", {"form": form, "title": f"Add a member: {c.name}"})


@login_required
def member_edit(request, pk):
    m = get_object_or_404(CommitteeMember.objects.select_related("committee", "user"), pk=pk)
    c = committee_or_404(request.user, m.committee_id)
    if not policy.can_manage(request.user, c):
        raise PermissionDenied("Only the secretariat running the committee can change members.")
    initial = {f: getattr(m, f) for f in ("organisation", "role", "title", "is_voting")}
    initial.update(valid_from=m.valid_from, valid_to=m.valid_to)
    form = MemberEditForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form, committees.member_update, actor=request.user, member=m, **form.cleaned_data
        )
    ):
        return redirect("meetings:committee", pk=c.pk)
    title = f"Change {m.display_name}'s seat on {c.name}"
    return render(request, "meetings/form.html", {"form": form, "title": title})


@login_required
def meeting_new(request, pk):
    c = committee_or_404(request.user, pk)
    if not policy.can_manage(request.user, c):
        raise PermissionDenied("Only the secretariat running the committee can call meetings.")
    form = MeetingForm(request.POST or None, initial={"session": "public"})
    if request.method == "POST" and form.is_valid():
        m = attempt(
            form, agenda.meeting_create, actor=request.user, committee=c, **form.cleaned_data
        )
        if m:
            return redirect("meetings:meeting", pk=m.pk)
    return render(request, "meetings/form.html", {"form": form, "title": f"New meeting: {c.name}"})
