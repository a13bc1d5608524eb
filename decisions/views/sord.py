"""SoRD pages (signed in): the scheme in force and every version, and the ICB
secretariat's drafting of a new version — its summary and date, each decision type's
bands, adding and removing types — up to taking it to the board.

Every change is a service of ``decisions.services.sord`` (validated and audited there);
these views only check who may ask, shape the input and show the services' errors next
to the fields they concern. Edit pages answer 403 to anyone but the ICB secretariat,
for GET as for POST.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from decisions import selectors_sord as read
from decisions.forms_sord import (
    MAX_BANDS,
    ConfirmForm,
    DraftDetailsForm,
    DraftStartForm,
    TypeAddForm,
    add_band_errors,
    band_formset,
    band_initial,
    rows_as_typed,
)
from decisions.models import DecisionEntry, DecisionType, SordVersion
from decisions.selectors import proposals_visible_to
from decisions.services import sord as sord_services
from governance.forms import add_service_errors


def _version_url(version: SordVersion, anchor: str = "") -> str:
    url = reverse("decisions:sord-version", args=[version.number])
    return f"{url}#{anchor}" if anchor else url


def _draft(request, number: int) -> SordVersion | None:
    """The draft to change, after checking the user may change it (403 otherwise). None,
    with a message, when the version is no longer a draft."""
    read.require_change(request.user)
    version = read.version_or_404(request.user, number)
    if not version.is_editable:
        messages.error(
            request,
            f"{version} is {version.get_status_display().lower()}: only a draft can be changed.",
        )
        return None
    return version


@login_required
def sord_index(request):
    user = request.user
    in_force = SordVersion.objects.in_force()
    return render(
        request,
        "decisions/sord/index.html",
        {
            "in_force": in_force,
            "groups": read.bands_by_type(in_force) if in_force else [],
            "authority": _authority(user, in_force) if in_force else {},
            "versions": read.versions_visible_to(user).order_by("-number"),
            "scheduled": read.approved_not_yet_in_force(),
            "draft": read.open_draft() if read.may_read_all(user) else None,
            "may_change": read.may_change(user),
            "may_read_all": read.may_read_all(user),
            "start_form": DraftStartForm(),
        },
    )


def _authority(user, version: SordVersion) -> dict:
    """What approved ``version``: the board's decision (register entry) and its proposal,
    or the minute that adopted the first scheme."""
    out: dict = {"minute": read.adoption_minute(version)}
    if version.proposal_id:
        out["entry"] = DecisionEntry.objects.filter(proposal_id=version.proposal_id).first()
        out["proposal"] = proposals_visible_to(user).filter(pk=version.proposal_id).first()
    return out


@login_required
def sord_draft_new(request):
    read.require_change(request.user)
    if request.method != "POST":
        return redirect("decisions:sord")
    form = DraftStartForm(request.POST)
    if form.is_valid():
        try:
            draft = sord_services.sord_version_draft(
                actor=request.user, summary=form.cleaned_data["summary"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("decisions:sord")
        messages.success(
            request,
            f"Draft {draft} started"
            + (f" from v{draft.based_on.number}." if draft.based_on else "."),
        )
        return redirect(_version_url(draft))
    for message in form.errors.get("summary", []):
        messages.error(request, message)
    return redirect("decisions:sord")


@login_required
def version_detail(request, number: int):
    user = request.user
    version = read.version_or_404(user, number)
    groups = read.bands_by_type(version)
    editable = version.is_editable and read.may_change(user)
    return render(
        request,
        "decisions/sord/version.html",
        {
            "version": version,
            "groups": groups,
            "authority": _authority(user, version),
            "changes": read.changes_from_base(version) if version.based_on_id else None,
            "in_force": SordVersion.objects.in_force(),
            "editable": editable,
            "may_read_all": read.may_read_all(user),
        },
    )


@login_required
def version_edit(request, number: int):
    version = _draft(request, number)
    if version is None:
        return redirect("decisions:sord-version", number=number)
    post = request.method == "POST"
    form = DraftDetailsForm(
        request.POST if post else None,
        initial={"summary": version.summary, "effective_from": version.effective_from},
    )
    if post and form.is_valid():
        try:
            sord_services.sord_draft_update(
                actor=request.user, version=version, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{version}: summary and date saved.")
            return redirect(_version_url(version))
    return render(
        request,
        "decisions/sord/version_edit.html",
        {"version": version, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def type_bands(request, number: int, code: str):
    version = _draft(request, number)
    if version is None:
        return redirect("decisions:sord-version", number=number)
    decision_type = get_object_or_404(DecisionType, code=code)
    current = list(read.bands_of(version).filter(decision_type=decision_type))
    if request.method != "POST":
        formset = band_formset(initial=band_initial(current), extra=1 if current else 3)
        return _bands_page(request, version, decision_type, formset, current)
    submitted = band_formset(request.POST)
    if "add_row" in request.POST:
        rows = rows_as_typed(submitted)
        formset = band_formset(initial=rows, extra=1 if len(rows) < MAX_BANDS else 0)
        return _bands_page(request, version, decision_type, formset, current)
    if submitted.is_valid():
        rows = submitted.bands()
        try:
            sord_services.sord_draft_bands_replace(
                actor=request.user,
                version=version,
                decision_type=decision_type,
                bands=[band for _form, band in rows],
            )
        except ValidationError as exc:
            add_band_errors(submitted, rows, exc)
        else:
            messages.success(request, f"{decision_type.name}: {len(rows)} band(s) saved.")
            return redirect(_version_url(version, f"type-{decision_type.code}"))
    return _bands_page(request, version, decision_type, submitted, current, status=400)


def _bands_page(request, version, decision_type, formset, current, status=200):
    return render(
        request,
        "decisions/sord/type_bands.html",
        {
            "version": version,
            "decision_type": decision_type,
            "formset": formset,
            "current": current,
            "has_errors": status == 400,
        },
        status=status,
    )


@login_required
def type_add(request, number: int):
    version = _draft(request, number)
    if version is None:
        return redirect("decisions:sord-version", number=number)
    available = DecisionType.objects.exclude(
        pk__in=version.bands.values("decision_type_id")
    ).order_by("name")
    post = request.method == "POST"
    form = TypeAddForm(request.POST if post else None, available=available)
    if post and form.is_valid():
        data = form.cleaned_data
        decision_type = data["existing"]
        if decision_type is None:
            try:
                decision_type = sord_services.decision_type_create(
                    actor=request.user,
                    code=data["code"],
                    name=data["name"],
                    description=data["description"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Decision type {decision_type.name} created.")
        if decision_type is not None and not form.errors:
            return redirect(
                "decisions:sord-type-bands", number=version.number, code=decision_type.code
            )
    return render(
        request,
        "decisions/sord/type_add.html",
        {"version": version, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def type_remove(request, number: int, code: str):
    version = _draft(request, number)
    if version is None:
        return redirect("decisions:sord-version", number=number)
    decision_type = get_object_or_404(DecisionType, code=code)
    bands = list(read.bands_of(version).filter(decision_type=decision_type))
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sord_services.sord_draft_type_remove(
                actor=request.user, version=version, decision_type=decision_type
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{decision_type.name} taken out of {version}.")
            return redirect(_version_url(version))
    return render(
        request,
        "decisions/sord/type_remove.html",
        {"version": version, "decision_type": decision_type, "bands": bands, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def version_propose(request, number: int):
    version = _draft(request, number)
    if version is None:
        return redirect("decisions:sord-version", number=number)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = sord_services.sord_version_propose(actor=request.user, version=version)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{version} is going to the board as {proposal.reference}. Review it and "
                "table it at a board meeting.",
            )
            return redirect("decisions:proposal-detail", pk=proposal.pk)
    return render(
        request,
        "decisions/sord/propose.html",
        {
            "version": version,
            "form": form,
            "changes": read.changes_from_base(version) if version.based_on_id else None,
        },
        status=400 if form.errors else 200,
    )
