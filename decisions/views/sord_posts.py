"""Officer posts the SoRD delegates to, and the named people holding them.

The ICB secretariat creates posts, appoints holders (current members of the post's
organisation) and ends holdings; auditors read these pages; nobody else sees them
(403). Every change is a service of ``decisions.services.sord``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from decisions import selectors_sord as read
from decisions.forms_sord import AppointForm, HoldingEndForm, PostCreateForm
from decisions.models import OfficerPost, PostHolder, SordVersion
from decisions.services import sord as sord_services
from governance.forms import add_service_errors


def _posts():
    holdings = PostHolder.objects.select_related("user", "appointed_by").order_by(
        "-valid_from", "pk"
    )
    return OfficerPost.objects.select_related("organisation").prefetch_related(
        Prefetch("holders", queryset=holdings)
    )


@login_required
def post_list(request):
    read.require_read_all(request.user)
    form = None
    if request.method == "POST":
        read.require_change(request.user)
        form = PostCreateForm(request.POST)
        if form.is_valid():
            try:
                post = sord_services.officer_post_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Post {post.title} created at {post.organisation.name}.")
                return redirect("decisions:sord-post", pk=post.pk)
    elif read.may_change(request.user):
        form = PostCreateForm()
    posts = list(
        OfficerPost.objects.select_related("organisation").order_by("organisation__name", "title")
    )
    names = read.holder_names(p.pk for p in posts)
    for p in posts:
        p.current_names = names.get(p.pk, [])
    return render(
        request,
        "decisions/sord/posts.html",
        {"posts": posts, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def post_detail(request, pk: int):
    read.require_read_all(request.user)
    post = get_object_or_404(_posts(), pk=pk)
    form = AppointForm(post=post) if read.may_change(request.user) else None
    return _post_page(request, post, form)


def _post_page(request, post, form, status=200):
    return render(
        request,
        "decisions/sord/post.html",
        {
            "post": post,
            "holdings": list(post.holders.all()),
            "current": {h.pk for h in PostHolder.objects.on().filter(post=post)},
            "delegations": post.delegations.select_related("version", "decision_type")
            .filter(version__in=_live_versions())
            .order_by("-version__number", "decision_type__name", "min_value"),
            "form": form,
            "today": timezone.localdate(),
        },
        status=status,
    )


def _live_versions():
    """The version in force, any approved one still to take effect and the open draft."""
    ids = [v.pk for v in read.approved_not_yet_in_force()]
    in_force, draft = SordVersion.objects.in_force(), read.open_draft()
    ids += [v.pk for v in (in_force, draft) if v is not None]
    return ids


@login_required
def post_appoint(request, pk: int):
    read.require_change(request.user)
    post = get_object_or_404(_posts(), pk=pk)
    if request.method != "POST":
        return redirect("decisions:sord-post", pk=post.pk)
    form = AppointForm(request.POST, post=post)
    if form.is_valid():
        try:
            holding = sord_services.post_holder_appoint(
                actor=request.user, post=post, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            who = holding.user.get_full_name() or holding.user.get_username()
            messages.success(
                request,
                f"{who} holds {post.title} from {holding.valid_from:%-d %B %Y}.",
            )
            return redirect("decisions:sord-post", pk=post.pk)
    return _post_page(request, post, form, status=400)


@login_required
def holding_end(request, pk: int):
    read.require_change(request.user)
    holding = get_object_or_404(
        PostHolder.objects.select_related("post", "post__organisation", "user"), pk=pk
    )
    post = request.method == "POST"
    form = HoldingEndForm(
        request.POST if post else None,
        initial={"last_day": holding.valid_to or timezone.localdate()},
    )
    if post and form.is_valid():
        try:
            sord_services.post_holder_end(
                actor=request.user,
                holding=holding,
                last_day=form.cleaned_data["last_day"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"{holding}: last day in post {form.cleaned_data['last_day']:%-d %B %Y}."
            )
            return redirect("decisions:sord-post", pk=holding.post_id)
    return render(
        request,
        "decisions/sord/holding_end.html",
        {"holding": holding, "form": form},
        status=400 if form.errors else 200,
    )
