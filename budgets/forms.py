"""Forms for pooled budgets. Amounts are read by ``budgets.money`` (the same rules and
messages as the services and the API); services' errors land next to the fields
through ``governance.forms.add_service_errors``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from budgets import money
from budgets.models import RiskShareBasis
from governance.forms import add_service_errors  # noqa: F401 - re-exported
from governance.organisations.models import Organisation


class MoneyField(forms.CharField):
    """Pounds and pence, e.g. "125000.00" or "£125,000"; checked by ``budgets.money``."""

    def __init__(self, *, positive=False, **kwargs):
        kwargs.setdefault("help_text", "Pounds and pence, e.g. 125000.00.")
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)
        self.positive = positive

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            return money.money(value, "amount", positive=self.positive)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["amount"]) from None


class PercentField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            return money.percent(value, "share")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["share"]) from None


def _organisations():
    return Organisation.objects.filter(is_active=True).order_by("name")


class FundForm(forms.Form):
    name = forms.CharField(max_length=200)
    agreement_reference = forms.CharField(label="Section 75 agreement reference", max_length=60)
    description = forms.CharField(
        label="Aims of the pool", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    host_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        help_text="The partner that keeps the pool's accounts and arranges its audit.",
    )
    pool_manager = forms.ModelChoiceField(queryset=None)
    financial_year = forms.IntegerField(
        min_value=2000,
        max_value=2100,
        help_text="The year the financial year starts (1 April), e.g. 2026 for 2026/27.",
    )
    risk_share_basis = forms.ChoiceField(
        label="Over- and underspends are shared", choices=RiskShareBasis.choices
    )

    def __init__(self, *args, hosts, managers, locked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_organisation"].queryset = hosts
        self.fields["pool_manager"].queryset = managers
        self.fields["pool_manager"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.username})"
        )
        for name in locked:
            self.fields[name].disabled = True
            self.fields[name].help_text = "Set by the agreement once the fund is active."


class SchemeLineForm(forms.Form):
    code = forms.CharField(max_length=12, help_text='A short code, e.g. "S1".')
    name = forms.CharField(max_length=200)
    budget = MoneyField()
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ForecastForm(forms.Form):
    forecast_outturn = MoneyField(
        label="Forecast outturn",
        required=False,
        help_text="The year's expected spend on this line. Leave empty to assume the "
        "line spends to its budget.",
    )
    forecast_note = forms.CharField(
        label="Basis of the forecast", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ContributionForm(forms.Form):
    organisation = forms.ModelChoiceField(label="Partner", queryset=Organisation.objects.none())
    amount = MoneyField(label="Contribution")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()


class RiskShareForm(forms.Form):
    basis = forms.ChoiceField(
        label="Over- and underspends are shared",
        choices=RiskShareBasis.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.partners = list(partners)
        for c in self.partners:
            self.fields[f"share_{c.organisation_id}"] = PercentField(
                label=f"{c.organisation.name}: share (%)",
                required=False,
                initial=c.fixed_share,
                help_text="Fixed shares only; they must add up to exactly 100.",
            )

    def shares(self) -> dict:
        return {
            c.organisation_id: self.cleaned_data.get(f"share_{c.organisation_id}")
            for c in self.partners
        }


class ChangeRequestForm(forms.Form):
    new_amount = MoneyField(label="New contribution")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class AllocationForm(forms.Form):
    requesting_organisation = forms.ModelChoiceField(
        label="Requested for", queryset=Organisation.objects.none()
    )
    scheme_line = forms.ModelChoiceField(label="Scheme line", queryset=None)
    recipient = forms.ModelChoiceField(
        label="Recipient",
        queryset=Organisation.objects.none(),
        help_text="The organisation that receives the money.",
    )
    amount = MoneyField(positive=True)
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    period_start = forms.DateField(
        label="Period from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Within the fund's financial year; empty for 1 April.",
    )
    period_end = forms.DateField(
        label="Period to",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty for 31 March.",
    )

    def __init__(self, *args, fund, raising=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme_line"].queryset = fund.lines.all()
        self.fields["recipient"].queryset = _organisations()
        if raising is None:
            del self.fields["requesting_organisation"]
        else:
            ids = [o.pk for o in raising]
            self.fields["requesting_organisation"].queryset = Organisation.objects.filter(
                pk__in=ids
            )
            if len(ids) == 1:
                self.fields["requesting_organisation"].initial = ids[0]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("accept", "Accept: send to the partners for sign-off"),
            ("return", "Return to the requester"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose accept or return."},
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when returning: say what needs to change.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why it is returned, so it can be revised.")
        return data


class ReleaseForm(forms.Form):
    amount = MoneyField(positive=True, label="Amount to release")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class SpendForm(forms.Form):
    amount = MoneyField(positive=True, label="Amount paid")
    reference = forms.CharField(max_length=60, help_text="e.g. the invoice number.")
    memo = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
