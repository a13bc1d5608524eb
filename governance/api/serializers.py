"""Output serializers shared by every app's API: references to organisations, people,
subjects of sign-off, sign-offs themselves, audit events and the error body."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance import subjects
from governance.audit.models import AuditEvent
from governance.organisations.models import Organisation
from governance.signoffs.models import ConflictDeclaration, SignOff


class ErrorSerializer(serializers.Serializer):
    """Every error: a readable message and, for bad input, the messages by field."""

    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice that may be unset: answered as ``null`` (a nullable enum), never ""."""

    def __init__(self, **kwargs):
        kwargs["allow_null"] = True
        kwargs.pop("allow_blank", None)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)

    def to_internal_value(self, data):
        return "" if data is None else super().to_internal_value(data)


class BlankChoicesAsNull:
    """For a ModelSerializer: a model choice field that may be blank is published and
    answered as a nullable enum (``null`` when unset) instead of "" outside the enum."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if getattr(model_field, "choices", None) and model_field.blank:
            field_class = BlankAsNullChoiceField
        return field_class, kwargs


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "identifier", "kind"]
        read_only_fields = fields


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class SubjectRefSerializer(serializers.Serializer):
    """Any registered subject of sign-off (proposal, allocation, risk, …)."""

    type = serializers.CharField(help_text='Model label, e.g. "decisions.proposal".')
    id = serializers.IntegerField()
    label = serializers.CharField()
    url = serializers.CharField(help_text="The record's page in the web app.")


def subject_ref(subject) -> dict | None:
    if subject is None:
        return None
    try:
        registered = subjects.for_model(subject)
        label, url = registered.label(subject), registered.url(subject)
    except LookupError:  # not (or no longer) registered: still say what it is
        label, url = str(subject), ""
    return {"type": subject._meta.label_lower, "id": subject.pk, "label": label, "url": url}


class ConflictSerializer(serializers.ModelSerializer):
    person = UserRefSerializer(read_only=True)

    class Meta:
        model = ConflictDeclaration
        fields = ["person", "description", "handling", "recorded_at"]
        read_only_fields = fields


class SignOffStateSerializer(serializers.ModelSerializer):
    """One organisation's sign-off of one round, without its subject (nested in a subject)."""

    organisation = OrganisationRefSerializer(read_only=True)
    signatory = UserRefSerializer(read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    conflicts = ConflictSerializer(many=True, read_only=True)
    overdue = serializers.BooleanField(
        source="is_overdue", read_only=True, help_text="Still awaited after its due date."
    )

    class Meta:
        model = SignOff
        fields = [
            "id",
            "round",
            "organisation",
            "status",
            "status_label",
            "signatory",
            "comment",
            "requested_at",
            "due_on",
            "overdue",
            "decided_at",
            "cancel_reason",
            "blocked",
            "conflicts",
        ]
        read_only_fields = fields


class SignOffSerializer(serializers.ModelSerializer):
    """A sign-off in the inbox: what is to be signed off, for which organisation."""

    subject = serializers.SerializerMethodField()
    organisation = OrganisationRefSerializer(read_only=True)
    signatory = UserRefSerializer(read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.BooleanField(
        source="is_overdue", read_only=True, help_text="Still awaited after its due date."
    )

    class Meta:
        model = SignOff
        fields = [
            "id",
            "subject",
            "round",
            "organisation",
            "status",
            "status_label",
            "signatory",
            "comment",
            "requested_at",
            "due_on",
            "overdue",
            "decided_at",
            "cancel_reason",
            "blocked",
        ]
        read_only_fields = fields

    @extend_schema_field(SubjectRefSerializer)
    def get_subject(self, signoff) -> dict | None:
        return subject_ref(signoff.subject)


class SignOffDetailSerializer(SignOffSerializer):
    conflicts = ConflictSerializer(many=True, read_only=True)

    class Meta(SignOffSerializer.Meta):
        fields = [*SignOffSerializer.Meta.fields, "conflicts"]
        read_only_fields = fields


class AuditEventSerializer(serializers.ModelSerializer):
    """One event of a record's timeline (the whole trail is /api/v1/audit/events/)."""

    actor = serializers.CharField(source="actor_label", read_only=True)
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        ref_name = "TimelineEvent"
        fields = [
            "seq",
            "timestamp",
            "verb",
            "actor",
            "actor_id",
            "organisation",
            "target_type",
            "target_id",
            "target_label",
            "changes",
            "reason",
            "hash",
        ]
        read_only_fields = fields
