"""Output serializers of the decisions API (what the API shows; input is in ``inputs``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from decisions import policy
from decisions.models import (
    DecisionEntry,
    DecisionType,
    Proposal,
    ProposalStatus,
    SordBand,
    SordVersion,
)
from governance.api.schema import ConstField
from governance.api.serializers import (
    BlankChoicesAsNull,
    OrganisationRefSerializer,
    SignOffStateSerializer,
    UserRefSerializer,
)
from governance.serializer_fields import ChoiceLabelField
from governance.signoffs.selectors import signoffs_for


class DecisionTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DecisionType
        fields = ["id", "code", "name"]
        read_only_fields = fields


class ProposalSerializer(BlankChoicesAsNull, serializers.ModelSerializer):
    """A proposal in a list."""

    decision_type = DecisionTypeSerializer(read_only=True)
    proposing_organisation = OrganisationRefSerializer(read_only=True)
    host_organisation = OrganisationRefSerializer(read_only=True)
    affected_organisations = OrganisationRefSerializer(many=True, read_only=True)
    lead_officer = UserRefSerializer(read_only=True)
    status_label = ChoiceLabelField(source="get_status_display")
    financial_value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "reference",
            "title",
            "summary",
            "financial_value",
            "decision_type",
            "proposing_organisation",
            "host_organisation",
            "affected_organisations",
            "lead_officer",
            "is_confidential",
            "exemption_reason",
            "status",
            "status_label",
            "signoff_round",
            "created_at",
            "updated_at",
            "submitted_at",
        ]
        read_only_fields = fields


class DelegationSerializer(serializers.Serializer):
    """The SoRD band (delegation) a decision was routed by and taken under."""

    id = serializers.IntegerField(read_only=True)
    sord_version = serializers.IntegerField(source="version.number", read_only=True)
    decision_type = serializers.CharField(source="decision_type.code", read_only=True)
    min_value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    max_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    decided_by = serializers.CharField(read_only=True)
    decider = serializers.CharField(source="decider_label", read_only=True)


class DecisionSummarySerializer(serializers.ModelSerializer):
    deciders = serializers.SerializerMethodField(help_text="The people who took the decision.")
    delegation = DelegationSerializer(read_only=True, allow_null=True)
    statement = serializers.CharField(read_only=True)
    meeting_item = serializers.IntegerField(source="meeting_item_id", read_only=True)

    class Meta:
        model = DecisionEntry
        fields = [
            "reference",
            "outcome",
            "decided_on",
            "route",
            "decided_by",
            "deciders",
            "delegation",
            "meeting_item",
            "statement",
            "notes",
        ]
        read_only_fields = fields

    def get_deciders(self, entry) -> list[str]:
        return [u.get_full_name() or u.get_username() for u in entry.deciders.all()]


ACTIONS = ["edit", "submit", "withdraw", "review", "record_decision", "chairs_action"]


class ProposalDetailSerializer(ProposalSerializer):
    """One proposal: its substance, routing, sign-off states of every round, the decision."""

    named_organisations = OrganisationRefSerializer(many=True, read_only=True)
    created_by = UserRefSerializer(read_only=True)
    signoffs = serializers.SerializerMethodField(
        help_text="Every organisation's sign-off, all rounds (cancelled ones of earlier "
        "rounds included, with the reason)."
    )
    decision = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField(
        help_text="What the caller may do with the proposal now."
    )

    class Meta(ProposalSerializer.Meta):
        fields = [
            *ProposalSerializer.Meta.fields,
            "rationale",
            "options_considered",
            "named_organisations",
            "decided_by",
            "decider_label",
            "signoff_rule",
            "return_reason",
            "withdraw_reason",
            "created_by",
            "signoffs",
            "decision",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(SignOffStateSerializer(many=True))
    def get_signoffs(self, p) -> list:
        return SignOffStateSerializer(signoffs_for(p), many=True).data

    @extend_schema_field(DecisionSummarySerializer(allow_null=True))
    def get_decision(self, p) -> dict | None:
        entry = DecisionEntry.objects.filter(proposal=p).first()
        return DecisionSummarySerializer(entry).data if entry else None

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ACTIONS)))
    def get_allowed_actions(self, p) -> list[str]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        allowed = []
        if policy.can_edit(user, p):
            allowed.append("edit")
            if p.status in (ProposalStatus.DRAFT, ProposalStatus.RETURNED):
                allowed.append("submit")
            allowed.append("withdraw")
        if policy.can_review(user) and p.status == ProposalStatus.SUBMITTED:
            allowed.append("review")
        if policy.can_decide_as_officer(user, p):
            allowed.append("record_decision")
        if policy.can_take_chairs_action(user, p):
            allowed.append("chairs_action")
        return allowed


class BodyOutcomeSerializer(serializers.Serializer):
    """Committees in common: one body's decision."""

    organisation_id = serializers.IntegerField()
    organisation = serializers.CharField()
    body = serializers.CharField()
    outcome = serializers.CharField()


class RegisterEntrySerializer(serializers.ModelSerializer):
    """A decision register entry in full (public entries; confidential ones for parties).
    ``view`` is "full" (a confidential entry's summary says "summary")."""

    view = ConstField("full", help_text="Which shape this is: the full entry.")
    financial_value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    outcome_label = ChoiceLabelField(source="get_outcome_display")
    proposal = serializers.IntegerField(source="proposal_id", read_only=True, allow_null=True)
    statement = serializers.CharField(read_only=True)
    body_outcomes = BodyOutcomeSerializer(many=True, read_only=True)

    class Meta:
        model = DecisionEntry
        fields = [
            "view",
            "reference",
            "title",
            "outcome",
            "outcome_label",
            "decided_on",
            "route",
            "decided_by",
            "statement",
            "notes",
            "financial_value",
            "signoff_summary",
            "conflicts",
            "is_confidential",
            "exemption_reason",
            "proposal",
            "body_outcomes",
            "recorded_at",
        ]
        read_only_fields = fields


class ConfidentialEntrySerializer(serializers.ModelSerializer):
    """A confidential entry as the public (and non-parties) see it: no substance at all."""

    view = ConstField("summary", help_text="Which shape this is: the confidential summary.")

    class Meta:
        model = DecisionEntry
        fields = ["view", "reference", "decided_on", "is_confidential", "exemption_reason"]
        read_only_fields = fields


class SordBandSerializer(serializers.ModelSerializer):
    """One delegation: who decides a decision type from ``min_value`` up to (not
    including) ``max_value`` (null: no limit)."""

    decision_type = DecisionTypeSerializer(read_only=True)
    committee = serializers.SerializerMethodField()
    officer_post = serializers.CharField(
        source="officer_post.title", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = SordBand
        fields = [
            "id",
            "decision_type",
            "min_value",
            "max_value",
            "decided_by",
            "committee",
            "officer_post",
            "signoff_rule",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "required": ["id", "name"],
        }
    )
    def get_committee(self, band) -> dict | None:
        if band.committee_id is None:
            return None
        return {"id": band.committee_id, "name": band.committee.name}


class SordVersionSerializer(serializers.ModelSerializer):
    proposal = serializers.IntegerField(source="proposal_id", read_only=True, allow_null=True)

    class Meta:
        model = SordVersion
        fields = [
            "id",
            "number",
            "status",
            "summary",
            "effective_from",
            "approved_on",
            "proposal",
            "created_at",
        ]
        read_only_fields = fields


class SordVersionDetailSerializer(SordVersionSerializer):
    valid_until = serializers.DateField(read_only=True, allow_null=True)
    bands = SordBandSerializer(many=True, read_only=True)

    class Meta(SordVersionSerializer.Meta):
        fields = [*SordVersionSerializer.Meta.fields, "valid_until", "bands"]
        read_only_fields = fields
