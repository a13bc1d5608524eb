"""Manage: import organisations from an ODS file or an ONS code list (the ICB secretariat).

Upload → a preview of what would change (nothing written; the file is kept in the
session under a digest) → "Apply" re-plans the same file against the current records
and applies it whole, or not at all.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from governance.organisations import ods
from governance.organisations.views.organisations import _require_icb_secretariat

SESSION_KEY = "ods_import"


class ImportForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="An ODS CSV download (e.g. etr.csv, eccg.csv), an ODS ORD API JSON record, "
        "or an ONS local authority code list (e.g. LAD24CD,LAD24NM).",
    )
    format = forms.ChoiceField(
        label="Layout",
        choices=[
            ("", "Tell from the file"),
            ("csv", "ODS CSV (headerless)"),
            ("json", "ODS ORD API JSON"),
            ("gss", "ONS/GSS code list (local authorities)"),
        ],
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > ods.MAX_BYTES:
            raise ValidationError(f"The file is over {ods.MAX_BYTES // (1024 * 1024)} MB.")
        return upload


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@login_required
def organisation_import(request):
    _require_icb_secretariat(request.user)
    if request.method == "POST" and request.POST.get("apply"):
        return _apply(request)
    post = request.method == "POST"
    form = ImportForm(request.POST if post else None, request.FILES if post else None)
    plan = None
    if post and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = ods.decode(upload.read())
            fmt = form.cleaned_data["format"] or ods.guess_format(upload.name, text)
            plan = ods.plan(ods.parse(text, fmt), source=upload.name)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            request.session[SESSION_KEY] = {
                "text": text,
                "format": fmt,
                "name": upload.name,
                "digest": _digest(text),
            }
    return _render(request, form, plan)


def _render(request, form, plan, status=200, apply_errors=()):
    context = {
        "form": form,
        "plan": plan,
        "digest": request.session.get(SESSION_KEY, {}).get("digest", "") if plan else "",
        "apply_errors": list(apply_errors),
    }
    return render(request, "manage/organisation_import.html", context, status=status)


def _apply(request):
    stored = request.session.get(SESSION_KEY)
    form = ImportForm()
    if not stored or stored.get("digest") != request.POST.get("apply"):
        expired = ["Upload the file again: the preview you applied has expired."]
        return _render(request, form, None, status=400, apply_errors=expired)
    try:
        plan = ods.plan(ods.parse(stored["text"], stored["format"]), source=stored["name"])
        ods.organisations_import(actor=request.user, plan=plan)
    except ValidationError as exc:
        return _render(request, form, None, status=400, apply_errors=exc.messages)
    del request.session[SESSION_KEY]
    totals = plan.summary()
    messages.success(
        request,
        f"Imported {stored['name']}: {totals['create']} added, {totals['update']} updated, "
        f"{totals['close']} closed.",
    )
    return redirect("manage:organisations")
