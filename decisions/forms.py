"""Forms of the proposal pages. They only shape input: the services validate the
substance (money, SoRD, confidentiality) and their errors are shown next to the fields."""

from __future__ import annotations

from django import forms
from django.conf import settings

from decisions.models import DECIDABLE_OUTCOMES, DecisionType, ProposalStatus
from governance.attachments import inspect_pdf
from governance.forms import add_service_errors
from governance.organisations.models import Organisation

__all__ = [
    "AttachmentForm",
    "DecisionForm",
    "ProposalCreateForm",
    "ProposalEditForm",
    "ReasonForm",
    "StatusFilterForm",
    "add_service_errors",
]


def _active_organisations():
    return Organisation.objects.filter(is_active=True).order_by("name")


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class OrganisationsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


def _check_pdf(upload):
    """Check an uploaded file is a readable PDF by its content (not its name)."""
    if not upload:
        return upload
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise forms.ValidationError(
            f"The file is {upload.size / 1048576:.1f} MiB; the limit is "
            f"{settings.ATTACHMENT_MAX_BYTES / 1048576:.0f} MiB."
        )
    data = upload.read()
    upload.seek(0)
    try:
        inspect_pdf(data, field="attachment")
    except forms.ValidationError as exc:
        raise forms.ValidationError(exc.message_dict["attachment"]) from None
    return upload


class _ProposalFields(forms.Form):
    title = forms.CharField(
        max_length=200, error_messages={"required": "Give the proposal a title."}
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Summarise the proposal."},
        help_text="What is proposed, for whom, and what it costs. Shown in the decision "
        "register unless the proposal is confidential.",
    )
    rationale = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    options_considered = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    financial_value = forms.CharField(
        label="Financial value (£)",
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text="In pounds and pence, e.g. 125000.00. The value decides who takes the "
        "decision under the Scheme of Reservation and Delegation.",
        error_messages={"required": "Enter the financial value (0 if none)."},
    )
    decision_type = forms.ModelChoiceField(
        queryset=DecisionType.objects.all(),
        empty_label="Choose a type",
        label="Type of decision",
        error_messages={"required": "Choose the type of decision."},
    )
    host_organisation = OrganisationChoiceField(
        queryset=_active_organisations(),
        required=False,
        empty_label="The ICB (default)",
        label="Host organisation",
        help_text="The body that hosts the decision; it signs alone under the host-only rule.",
    )
    affected_organisations = OrganisationsField(
        queryset=_active_organisations(),
        required=False,
        label="Organisations this decision binds",
        help_text="Each of these signs off, as the SoRD's sign-off rule requires.",
    )
    named_organisations = OrganisationsField(
        queryset=_active_organisations(),
        required=False,
        label="Other organisations named in the proposal",
        help_text="E.g. a provider to be funded. Signatories with an interest in any of "
        "them cannot sign the proposal off.",
    )
    is_confidential = forms.BooleanField(
        required=False,
        label="Confidential: not to be published",
        help_text="The public register then shows only the reference, the date and the "
        "reason below.",
    )
    exemption_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason it is exempt from publication",
        help_text="Required if confidential, e.g. commercial interests (FOI Act s43).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # querysets are evaluated per form, so new organisations show up at once
        for name in ("host_organisation", "affected_organisations", "named_organisations"):
            self.fields[name].queryset = _active_organisations()
        self.fields["decision_type"].queryset = DecisionType.objects.all()

    def clean(self):
        data = super().clean()
        if data.get("is_confidential") and not (data.get("exemption_reason") or "").strip():
            self.add_error(
                "exemption_reason",
                "A confidential proposal needs the reason it is exempt from publication.",
            )
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "title",
                "summary",
                "rationale",
                "options_considered",
                "financial_value",
                "decision_type",
                "is_confidential",
                "exemption_reason",
                "affected_organisations",
                "named_organisations",
            )
        }
        fields["affected_organisations"] = list(fields["affected_organisations"])
        fields["named_organisations"] = list(fields["named_organisations"])
        if data.get("host_organisation"):
            fields["host_organisation"] = data["host_organisation"]
        return fields


class ProposalCreateForm(_ProposalFields):
    field_order = ["proposing_organisation"]

    proposing_organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        label="Proposing organisation",
        help_text="The organisations you may raise proposals for.",
        error_messages={"required": "Choose the organisation making the proposal."},
    )
    attachment = forms.FileField(
        required=False,
        label="Paper (PDF, optional)",
        help_text="A PDF of the full paper. You can attach more from the proposal's page.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args, proposing_organisations, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["proposing_organisation"]
        field.queryset = proposing_organisations
        if proposing_organisations.count() == 1:
            field.initial = proposing_organisations.first()

    def clean_attachment(self):
        return _check_pdf(self.cleaned_data.get("attachment"))

    def service_fields(self) -> dict:
        fields = super().service_fields()
        fields["proposing_organisation"] = self.cleaned_data["proposing_organisation"]
        return fields


SIGNOFF_STATUSES = (ProposalStatus.IN_SIGNOFF, ProposalStatus.READY_FOR_DECISION)


class ProposalEditForm(_ProposalFields):
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for the change",
        help_text="Recorded in the timeline.",
    )

    def __init__(self, *args, proposal, **kwargs):
        self.proposal = proposal
        initial = {
            "title": proposal.title,
            "summary": proposal.summary,
            "rationale": proposal.rationale,
            "options_considered": proposal.options_considered,
            "financial_value": f"{proposal.financial_value:.2f}",
            "decision_type": proposal.decision_type_id,
            "host_organisation": proposal.host_organisation_id,
            "affected_organisations": list(
                proposal.affected_organisations.values_list("pk", flat=True)
            ),
            "named_organisations": list(proposal.named_organisations.values_list("pk", flat=True)),
            "is_confidential": proposal.is_confidential,
            "exemption_reason": proposal.exemption_reason,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["host_organisation"].empty_label = None
        self.fields["host_organisation"].required = True
        if proposal.status in SIGNOFF_STATUSES:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = (
                "Sign-off has started: changing the substance cancels the sign-offs given "
                "and starts a new round. Say why, for the partners and the timeline."
            )
            self.fields["reason"].error_messages["required"] = (
                "Say why the proposal is changed during sign-off."
            )


class ReasonForm(forms.Form):
    """A reason, for withdrawing a proposal or returning it to the proposer."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason",
        error_messages={"required": "Give the reason."},
    )

    def __init__(self, *args, label="Reason", required_message="Give the reason.", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message


class DecisionForm(forms.Form):
    """The delegated officer's decision."""

    outcome = forms.ChoiceField(
        choices=DECIDABLE_OUTCOMES,
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={"required": "Choose approved or rejected."},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for the decision",
        help_text="Recorded with the decision and published in the register.",
        error_messages={"required": "Give the reason for the decision."},
    )


class ChairsActionForm(DecisionForm):
    """Chair's action: the chair and one other voting member, between meetings."""

    second_member = forms.ModelChoiceField(
        queryset=None,
        label="Other voting member who agrees",
        empty_label="Choose a member",
        error_messages={"required": "Name the other voting member who agrees."},
    )

    def __init__(self, *args, committee=None, chair=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        from decisions import authority

        members = authority.voting_members(committee) if committee is not None else []
        ids = [u.pk for u in members if chair is None or u.pk != chair.pk]
        self.fields["reason"].label = "Why the decision cannot wait for the next meeting"
        self.fields["second_member"].queryset = get_user_model().objects.filter(pk__in=ids)
        self.fields["second_member"].label_from_instance = lambda u: (
            u.get_full_name() or u.get_username()
        )


class AttachmentForm(forms.Form):
    attachment = forms.FileField(
        label="Paper (PDF)",
        help_text="PDF only, checked by its content.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        error_messages={"required": "Choose a PDF file to attach."},
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *ProposalStatus.choices],
        required=False,
        label="Status",
    )
