"""The register of interests: my entries, declaring/changing/ending them (the person or
the ICB secretariat, every change audited by the services), and the published register."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from governance import permissions
from governance.audit import sentences
from governance.audit.selectors import events_for
from governance.interests import selectors, services
from governance.interests.forms import InterestEndForm, InterestForm, add_service_errors


def _manages_register(user) -> bool:
    return permissions.is_system_secretariat(user)


def _may_edit(user, interest) -> bool:
    """Mirrors the services' rule, to offer only the links that will work."""
    return interest.person_id == user.pk or _manages_register(user)


def _visible_or_404(user, pk: int):
    return get_object_or_404(selectors.interests_visible_to(user), pk=pk)


def _editable_or_403(user, pk: int):
    interest = _visible_or_404(user, pk)
    if not _may_edit(user, interest):
        raise PermissionDenied("Only the person or the secretariat can change a register entry.")
    return interest


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name")


@login_required
def interest_list(request):
    user = request.user
    visible = selectors.interests_visible_to(user)
    context = {
        "mine": visible.filter(person=user),
        "today": timezone.localdate(),
        "manages": _manages_register(user),
        "sees_all": permissions.sees_everything(user) or _manages_register(user),
    }
    if context["sees_all"]:
        others = visible.exclude(person=user)
        person = request.GET.get("person", "")
        if person.isdigit():
            others = others.filter(person_id=int(person))
        context["page"] = Paginator(others, 50).get_page(request.GET.get("page"))
        context["people"] = _people()
        context["person"] = person
    return render(request, "interests/list.html", context)


@login_required
def interest_new(request):
    user = request.user
    manages = _manages_register(user)
    post = request.method == "POST"
    form = InterestForm(
        request.POST if post else None,
        people=_people() if manages else None,
        initial={"person": user.pk} if manages else None,
    )
    if post and form.is_valid():
        person = form.cleaned_data.get("person") or user
        try:
            interest = services.interest_declare(
                actor=user,
                person=person,
                reason=form.cleaned_data["reason"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Interest declared.")
            return redirect("interests:edit", pk=interest.pk)
    return render(request, "interests/form.html", {"form": form, "interest": None})


@login_required
def interest_edit(request, pk: int):
    interest = _editable_or_403(request.user, pk)
    post = request.method == "POST"
    form = InterestForm(request.POST if post else None, interest=interest)
    if post and form.is_valid():
        try:
            services.interest_update(
                actor=request.user,
                interest=interest,
                reason=form.cleaned_data["reason"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Register entry saved.")
            return redirect("interests:edit", pk=interest.pk)
    return render(
        request,
        "interests/form.html",
        {"form": form, "interest": interest, "history": _history(interest)},
    )


FIELD_LABELS = {
    "person": "person",
    "interest_type": "type",
    "description": "description",
    "related_organisation": "organisation",
    "valid_from": "from",
    "valid_to": "until",
    "is_published": "published",
}


def _history(interest) -> list[dict]:
    return [
        {
            "event": e,
            "what": sentences.sentence(e.verb, e.changes),  # the one verb→sentence place
            "who": sentences.person(e),
            "fields": ", ".join(FIELD_LABELS.get(k, k) for k in (e.changes or {})),
        }
        for e in events_for(interest).order_by("seq")
    ]


@login_required
def interest_end(request, pk: int):
    interest = _editable_or_403(request.user, pk)
    post = request.method == "POST"
    form = InterestEndForm(request.POST if post else None, interest=interest)
    if post and form.is_valid():
        try:
            services.interest_end(
                actor=request.user,
                interest=interest,
                valid_to=form.cleaned_data["valid_to"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The interest is recorded as ended.")
            return redirect("interests:list")
    return render(request, "interests/end.html", {"form": form, "interest": interest})


def published_register(request):
    """Public: current, published entries, grouped by person."""
    entries = selectors.published_register().order_by(
        "person__last_name", "person__first_name", "person_id", "-valid_from"
    )
    people = [
        {"person": person, "entries": list(rows)}
        for person, rows in groupby(entries, key=lambda i: i.person)
    ]
    return render(
        request,
        "interests/register.html",
        {"people": people, "today": timezone.localdate()},
    )
