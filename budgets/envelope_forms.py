"""Forms of the system envelope pages. They only shape input: amounts stay text and go
through the services (``budgets.money``), whose errors are shown next to the fields."""

from __future__ import annotations

from django import forms

from budgets.models import CapitalCategory

MONEY_HELP = "Pounds and pence, e.g. 361000000.00"


def _money(label: str, help_text: str = MONEY_HELP) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class ReturnForm(forms.Form):
    ytd_income = _money("Income, year to date")
    ytd_expenditure = _money("Expenditure, year to date")
    forecast_income = _money("Forecast outturn income (the whole year)")
    forecast_expenditure = _money("Forecast outturn expenditure (the whole year)")
    commentary = forms.CharField(
        label="Commentary",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnsUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: organisation (the partner's code, e.g. RZ1), ytd_income, "
        "ytd_expenditure, forecast_income, forecast_expenditure, commentary.",
    )


class SchemeBidForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label="Partner")
    title = forms.CharField(max_length=200)
    category = forms.ChoiceField(choices=CapitalCategory.choices)
    risk_score_addressed = forms.IntegerField(
        label="Score of the risk it addresses (1–25)", min_value=1, max_value=25
    )
    cost_year_1 = _money("Cost this financial year")
    cost_year_2 = forms.CharField(label="Cost next year", required=False, max_length=24)
    cost_year_3 = forms.CharField(label="Cost the year after", required=False, max_length=24)
    business_case = forms.FileField(label="Business case (PDF)", required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ScoreForm(forms.Form):
    score = forms.CharField(label="Score", max_length=10)
    reason = forms.CharField(
        label="The finance committee's reason", widget=forms.Textarea(attrs={"rows": 2})
    )


class ProgrammeForm(forms.Form):
    schemes = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Schemes to fund"
    )
    note = forms.CharField(
        label="The case for these schemes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For the finance committee's paper: it decides the programme at a meeting.",
    )

    def __init__(self, *args, schemes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schemes"].queryset = schemes


class EnvelopeForm(forms.Form):
    name = forms.CharField(max_length=200, initial="System financial plan")
    financial_year = forms.IntegerField(
        label="Financial year starting 1 April of", min_value=2000, max_value=2100
    )
    income_total = _money("System planned income")
    expenditure_total = _money("System planned expenditure")
    capital_total = _money("System capital envelope")
    threshold_percent = forms.CharField(
        label="Alert threshold (% of a partner's planned expenditure)", initial="1.00", max_length=8
    )
    system_adverse_alert = forms.BooleanField(
        label="Also alert on any adverse system forecast", required=False, initial=True
    )
    finance_committee = forms.CharField(max_length=200, initial="Finance and Performance Committee")


class LineForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label="Partner")
    planned_income = _money("Planned income")
    planned_expenditure = _money("Planned expenditure")
    capital_allocation = _money("Capital allocation")

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class TransferForm(forms.Form):
    source = forms.ModelChoiceField(queryset=None, label="Capital moves from")
    target = forms.ModelChoiceField(queryset=None, label="Capital moves to")
    amount = _money("Amount")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = organisations
        self.fields["target"].queryset = organisations


class ReplanForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label="Partner")
    planned_income = _money("New planned income")
    planned_expenditure = _money("New planned expenditure")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
