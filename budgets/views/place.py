"""Hosting a pooled fund at place: the ICB secretariat names the place partnership and
the SoRD decision type its allocations are decided under (``budgets.services.place``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from budgets import policy, services
from budgets.views.funds import visible_fund_or_404
from governance.forms import add_service_errors
from governance.meetings.models import Committee, CommitteeKind


class HostAtPlaceForm(forms.Form):
    host_committee = forms.ModelChoiceField(
        queryset=Committee.objects.none(),
        label="Place partnership",
        empty_label="Choose the place partnership",
    )
    decision_type_code = forms.CharField(
        label="SoRD decision type (its code)",
        max_length=40,
        help_text="The type the Scheme of Reservation and Delegation uses for this place's "
        "decisions, e.g. place-northmere: within its limit the place decides, above it the "
        "ICB board.",
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For the audit trail, e.g. the board's delegation to the place.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_committee"].queryset = Committee.objects.filter(
            kind=CommitteeKind.PLACE_PARTNERSHIP, is_active=True
        ).order_by("name")


@login_required
def fund_host_at_place(request, pk: int):
    fund = visible_fund_or_404(request.user, pk)
    if not policy.can_host_at_place(request.user):
        raise PermissionDenied("Only the ICB secretariat hosts a fund at place.")
    initial = {
        "host_committee": fund.host_committee_id,
        "decision_type_code": fund.decision_type_code,
    }
    form = HostAtPlaceForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.fund_host_at_place(
                    actor=request.user,
                    fund=fund,
                    committee=form.cleaned_data["host_committee"],
                    decision_type_code=form.cleaned_data["decision_type_code"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{fund.name} is hosted at the {form.cleaned_data['host_committee'].name}: "
                    "signed-off allocations now go to the committee the SoRD names.",
                )
                return redirect("budgets:fund", pk=fund.pk)
        status = 400
    return render(request, "budgets/fund_host.html", {"fund": fund, "form": form}, status=status)
