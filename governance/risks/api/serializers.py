"""Output serializers of the risks API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.api.serializers import (
    BlankChoicesAsNull,
    OrganisationRefSerializer,
    SignOffStateSerializer,
    UserRefSerializer,
)
from governance.risks import scoring
from governance.risks.models import Assessment, Escalation, ReviewTask, Risk, RiskCategory
from governance.risks.selectors import signoffs_of
from governance.serializer_fields import ChoiceLabelField


class RatingSerializer(serializers.Serializer):
    likelihood = serializers.IntegerField()
    consequence = serializers.IntegerField()
    score = serializers.IntegerField(help_text="likelihood × consequence (derived)")
    band = serializers.CharField(help_text="low, moderate, high or extreme")


def _rating(likelihood: int, consequence: int) -> dict:
    score = scoring.score(likelihood, consequence)
    return {
        "likelihood": likelihood,
        "consequence": consequence,
        "score": score,
        "band": scoring.band_for(score).key,
    }


class CategorySerializer(serializers.ModelSerializer):
    appetite = serializers.SerializerMethodField()

    class Meta:
        model = RiskCategory
        fields = ["id", "code", "name", "responsible_committee", "appetite"]
        read_only_fields = fields

    def get_appetite(self, category) -> int | None:
        return category.appetite_max_score


class ObjectiveRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


class RiskSerializer(BlankChoicesAsNull, serializers.ModelSerializer):
    """A risk in a list."""

    category = CategorySerializer(read_only=True)
    owning_organisation = OrganisationRefSerializer(read_only=True)
    owner = UserRefSerializer(read_only=True)
    partners = OrganisationRefSerializer(many=True, read_only=True)
    strategic_objective = ObjectiveRefSerializer(read_only=True, allow_null=True)
    status_label = ChoiceLabelField(source="get_status_display")
    inherent = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    above_appetite = serializers.SerializerMethodField()

    class Meta:
        model = Risk
        fields = [
            "id",
            "reference",
            "title",
            "category",
            "owning_organisation",
            "owner",
            "partners",
            "strategic_objective",
            "inherent",
            "current",
            "target",
            "above_appetite",
            "status",
            "status_label",
            "pending_change",
            "review_frequency",
            "next_review_date",
            "is_confidential",
            "created_at",
            "updated_at",
            "registered_at",
        ]
        read_only_fields = fields

    @extend_schema_field(RatingSerializer)
    def get_inherent(self, risk) -> dict:
        return _rating(risk.inherent_likelihood, risk.inherent_consequence)

    @extend_schema_field(RatingSerializer)
    def get_current(self, risk) -> dict:
        return _rating(risk.current_likelihood, risk.current_consequence)

    @extend_schema_field(RatingSerializer)
    def get_target(self, risk) -> dict:
        return _rating(risk.target_likelihood, risk.target_consequence)

    def get_above_appetite(self, risk) -> bool:
        return scoring.above_appetite(risk.current_score, risk.category.appetite_max_score)


class AssessmentSerializer(serializers.ModelSerializer):
    assessed_by = UserRefSerializer(read_only=True)
    score = serializers.IntegerField(read_only=True)
    band = serializers.SerializerMethodField()
    kind_label = ChoiceLabelField(source="get_kind_display")

    class Meta:
        model = Assessment
        fields = [
            "id",
            "kind",
            "kind_label",
            "assessed_on",
            "likelihood",
            "consequence",
            "score",
            "band",
            "comment",
            "assessed_by",
            "next_review_date",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_band(self, a) -> str:
        return a.band.key


class EscalationSerializer(BlankChoicesAsNull, serializers.ModelSerializer):
    risk = serializers.SerializerMethodField()
    score = serializers.IntegerField(read_only=True)
    destination = serializers.CharField(read_only=True)

    class Meta:
        model = Escalation
        fields = [
            "id",
            "risk",
            "escalated_to",
            "destination",
            "likelihood",
            "consequence",
            "score",
            "appetite_max_score",
            "threshold",
            "trigger",
            "raised_at",
            "status",
            "outcome",
            "response",
            "decided_on",
            "decided_by",
            "responded_at",
        ]
        read_only_fields = fields

    def get_risk(self, e) -> dict:
        return {"id": e.risk_id, "reference": e.risk.reference, "title": e.risk.title}


class ReviewTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewTask
        fields = ["id", "due_date", "status", "assignee", "raised_at", "completed_at"]
        read_only_fields = fields


class RiskDetailSerializer(RiskSerializer):
    """One risk, with its score history, sign-offs, escalations and review tasks."""

    score_history = AssessmentSerializer(source="assessments", many=True, read_only=True)
    signoffs = serializers.SerializerMethodField()
    escalations = serializers.SerializerMethodField()
    review_tasks = ReviewTaskSerializer(many=True, read_only=True)

    class Meta(RiskSerializer.Meta):
        fields = [
            *RiskSerializer.Meta.fields,
            "cause",
            "event",
            "effect",
            "controls",
            "assurances",
            "gaps_in_control",
            "gaps_in_assurance",
            "actions",
            "exemption_reason",
            "pending_reason",
            "signoff_round",
            "score_history",
            "signoffs",
            "escalations",
            "review_tasks",
            "closed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SignOffStateSerializer(many=True))
    def get_signoffs(self, risk) -> list:
        return SignOffStateSerializer(signoffs_of(risk), many=True).data

    @extend_schema_field(EscalationSerializer(many=True))
    def get_escalations(self, risk) -> list:
        return EscalationSerializer(risk.escalations.select_related("risk"), many=True).data


class HeatMapCellSerializer(serializers.Serializer):
    likelihood = serializers.IntegerField()
    consequence = serializers.IntegerField()
    score = serializers.IntegerField()
    band = serializers.CharField()
    count = serializers.IntegerField()
