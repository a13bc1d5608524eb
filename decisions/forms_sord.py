"""Forms of the SoRD pages. They only shape input: the services in
``decisions.services.sord`` validate the substance (a decision type's bands as a whole,
dates, memberships) and their errors are shown next to the fields they concern."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from decisions.models import DecidedBy, DecisionType, OfficerPost
from governance.meetings.models import Committee
from governance.organisations.models import Membership, Organisation
from governance.signoffs.models import SignOffRule

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK = [("", "Choose…")]


class _Choice(forms.ModelChoiceField):
    """A choice of records labelled by ``label(obj)``."""

    def __init__(self, *args, label_of=str, **kwargs):
        self.label_of = label_of
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.label_of(obj)


def _person(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


# --- versions ----------------------------------------------------------------------------


class DraftStartForm(forms.Form):
    summary = forms.CharField(
        label="What the new version will change, and why (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DraftDetailsForm(forms.Form):
    summary = forms.CharField(
        label="Summary of the changes",
        help_text="What this version changes, and why: the board reads this first.",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    effective_from = forms.DateField(
        label="Takes effect from",
        help_text="The first day the new version applies, once the board approves it "
        "(if the board decides later, it applies from the day of its decision).",
        required=False,
        widget=DATE,
    )


class ConfirmForm(forms.Form):
    """A confirmation step with no fields: a service's errors go to its summary."""


# --- bands --------------------------------------------------------------------------------


class AmountField(forms.DecimalField):
    """An amount in pounds, as people type it: "250,000", "£1,000.50"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("£", "").strip()
        return super().to_python(value)


class BandForm(forms.Form):
    min_value = AmountField(
        label="From (£)",
        help_text="Included.",
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    max_value = AmountField(
        label="Up to (£)",
        help_text="Not included; empty for no limit.",
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    decided_by = forms.ChoiceField(label="Decided by", choices=BLANK + DecidedBy.choices)
    committee = _Choice(
        queryset=Committee.objects.none(),
        required=False,
        label="Board or committee",
        help_text="For the board or a committee.",
        empty_label="None",
    )
    officer_post = _Choice(
        queryset=OfficerPost.objects.none(),
        required=False,
        label="Officer post",
        help_text="For an officer.",
        empty_label="None",
        label_of=lambda p: f"{p.title}, {p.organisation.name}",
    )
    signoff_rule = forms.ChoiceField(label="Partner sign-off", choices=BLANK + SignOffRule.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(is_active=True).order_by(
            "name"
        )
        self.fields["officer_post"].queryset = (
            OfficerPost.objects.filter(is_active=True)
            .select_related("organisation")
            .order_by("organisation__name", "title")
        )

    def band(self) -> dict:
        """The band as the service takes it (empty for a row left blank)."""
        data = getattr(self, "cleaned_data", {})
        return {f: data.get(f) for f in self.fields if f != "DELETE"}


class _BaseBandFormSet(forms.BaseFormSet):
    def bands(self) -> list[tuple[BandForm, dict]]:
        """The rows to save (not removed, not left blank), lowest first: the order in
        which the service numbers them ("Band 2: …")."""
        rows = [
            (form, form.band())
            for form in self.forms
            if not self._should_delete_form(form)
            and any(v not in (None, "") for v in form.band().values())
        ]
        return sorted(rows, key=lambda row: row[1]["min_value"])


MAX_BANDS = 30


def band_formset(*args, extra: int = 1, **kwargs) -> _BaseBandFormSet:
    """The bands of one decision type: the rows given (``initial``) and ``extra`` blank
    ones, each with a "remove" box."""
    cls = forms.formset_factory(
        BandForm,
        formset=_BaseBandFormSet,
        extra=extra,
        can_delete=True,
        max_num=MAX_BANDS,
        validate_max=True,
    )
    kwargs.setdefault("prefix", "bands")
    return cls(*args, **kwargs)


def rows_as_typed(formset: _BaseBandFormSet) -> list[dict]:
    """The rows of a submitted formset as typed (not validated), without those ticked
    for removal or left blank: to show the rows again with one more blank row."""
    rows = []
    for form in formset.forms:
        if form["DELETE"].value():
            continue
        row = {name: form[name].value() for name in form.fields if name != "DELETE"}
        if any(v not in (None, "") for v in row.values()):
            rows.append(row)
    return rows


def band_initial(bands) -> list[dict]:
    return [
        {
            "min_value": b.min_value,
            "max_value": b.max_value,
            "decided_by": b.decided_by,
            "committee": b.committee_id,
            "officer_post": b.officer_post_id,
            "signoff_rule": b.signoff_rule,
        }
        for b in bands
    ]


_AMOUNT = r"£([\d,]+\.\d\d)"
_FIELD_WORDS = (
    ("minimum cannot be negative", "min_value"),
    ("maximum", "max_value"),
    ("choose the committee", "committee"),
    ("choose the board", "committee"),
    ("names a post, not a committee", "committee"),
    ("names a committee, not an officer post", "officer_post"),
    ("choose the officer post", "officer_post"),
    ("the post ", "officer_post"),
    ("no longer active", "committee"),
    ("choose who decides", "decided_by"),
    ("sign-off rule", "signoff_rule"),
    ("the minimum", "min_value"),
)


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def add_band_errors(formset, rows: list[tuple[BandForm, dict]], exc: ValidationError) -> None:
    """Put the whole-set validation's messages next to the fields they are about: "Band
    N: …" on band N (rows numbered lowest first, as the service numbers them), a gap on
    the maximum of the band before it, an overlap on the minimum of the band that starts
    inside another. Anything else goes to the formset's own error summary."""
    for message in exc.messages:
        target = _locate(rows, message)
        if target is None:
            formset.non_form_errors().append(message)
        else:
            form, name = target
            form.add_error(name, message)


def _locate(rows, message: str):
    if not rows:
        return None
    band = re.match(r"Band (\d+): ", message)
    if band:
        i = int(band.group(1)) - 1
        if not 0 <= i < len(rows):
            return None
        for words, name in _FIELD_WORDS:
            if words in message:
                return rows[i][0], name
        return rows[i][0], None
    amounts = [_amount(a) for a in re.findall(_AMOUNT, message)]
    if message.startswith("The first band must start"):
        return rows[0][0], "min_value"
    if message.startswith("Gap:") and "and above" in message:
        return rows[-1][0], "max_value"
    if message.startswith("Gap:") and amounts:
        return _row_where(rows, "max_value", amounts[0], "max_value")
    if message.startswith("Bands overlap between") and amounts:
        return _row_where(rows, "min_value", amounts[0], "min_value")
    if message.startswith("Bands overlap:") and amounts:
        return _row_where(rows, "min_value", amounts[0], "max_value")
    return None


def _row_where(rows, key: str, value: Decimal, field_name: str):
    for form, band in rows:
        if band.get(key) is not None and Decimal(band[key]) == value:
            return form, field_name
    return None


# --- decision types -------------------------------------------------------------------------


class TypeAddForm(forms.Form):
    """Add a decision type to a draft: one the scheme already knows, or a new one."""

    existing = _Choice(
        queryset=DecisionType.objects.none(),
        required=False,
        label="A decision type not in this draft",
        empty_label="None: create a new type below",
    )
    code = forms.SlugField(
        label="New type: short code",
        help_text="Lower-case letters, digits and hyphens, e.g. estates-disposals.",
        required=False,
        max_length=40,
    )
    name = forms.CharField(
        label="New type: name", help_text="e.g. Estates disposals", required=False, max_length=120
    )
    description = forms.CharField(
        label="New type: description (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, available=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing"].queryset = available

    def clean(self):
        data = super().clean()
        existing, code, name = data.get("existing"), data.get("code"), data.get("name")
        if existing and (code or name):
            raise ValidationError("Choose an existing type or create a new one, not both.")
        if not existing:
            if not code and "code" not in self.errors:
                self.add_error("code", "Give the new type a short code, or choose a type above.")
            if not name:
                self.add_error("name", "Name the new type, or choose a type above.")
        return data


# --- officer posts and holders -----------------------------------------------------------


class PostCreateForm(forms.Form):
    organisation = _Choice(
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        label="Organisation",
        label_of=lambda o: o.name,
    )
    title = forms.CharField(
        label="Post title", help_text="e.g. Chief Finance Officer", max_length=120
    )


class AppointForm(forms.Form):
    user = _Choice(
        queryset=get_user_model().objects.none(),
        label="Person",
        help_text="A current member of the post's organisation.",
        label_of=_person,
    )
    valid_from = forms.DateField(label="First day in post", widget=DATE)
    valid_to = forms.DateField(
        label="Last day in post (optional)",
        help_text="Leave empty if the appointment has no end date.",
        required=False,
        widget=DATE,
    )

    def __init__(self, *args, post: OfficerPost, **kwargs):
        kwargs.setdefault("initial", {"valid_from": timezone.localdate()})
        super().__init__(*args, **kwargs)
        members = Membership.objects.active().filter(organisation=post.organisation)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, pk__in=members.values("user_id"))
            .order_by("last_name", "first_name", "username")
        )


class HoldingEndForm(forms.Form):
    last_day = forms.DateField(label="Last day in post", widget=DATE)
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=1000,
        help_text="e.g. Left the organisation; acting appointment ended.",
    )
