"""The audit trail over the API, for auditors and the ICB secretariat (others: 403).

- ``GET /api/v1/audit/events/``  the trail, newest first, cursor-paginated on ``seq``
  (``?cursor=``; ``?page_size=`` up to 500), with the explorer's filters as query
  parameters (``organisation``, ``person``, ``kind`` — a verb or ``area:<area>`` —,
  ``subject`` and ``record``, ``date_from``/``date_to`` as UK or ISO dates, ``q``); a
  bad filter answers 400 with the message by parameter.
- ``GET /api/v1/audit/events/export.jsonl`` and ``…/export.csv``  the same events
  streamed (``governance.audit.exports``): the whole trail verifies offline with
  ``governance/audit/chain.py``.
- ``GET /api/v1/audit/verify/``  the latest verification of the trail;
  ``POST`` starts one (202). Starting a verification is a read: auditors may.

Each event is ``AuditEvent.as_record()`` (the hashed fields, ``prev_hash``, ``hash``
and any signature fields) plus its sentence, the person's name, the organisation's
name and the record's history page.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from governance import permissions as perms
from governance.audit import explorer, exports, links, sentences, verification
from governance.audit.models import AuditEvent


class ReadsWholeTrail(permissions.BasePermission):
    message = "The audit trail over the API is for auditors and the ICB secretariat."

    def has_permission(self, request, view) -> bool:
        return perms.reads_everything(request.user)


class EventCursor(CursorPagination):
    ordering = "-seq"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class AuditEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    timestamp = serializers.CharField(help_text="ISO-8601 UTC with microseconds (hashed).")
    actor_id = serializers.IntegerField(allow_null=True)
    actor = serializers.CharField(help_text="The actor's username when the event was written.")
    organisation_id = serializers.IntegerField(allow_null=True)
    verb = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    target_label = serializers.CharField()
    changes = serializers.JSONField()
    reason = serializers.CharField(allow_blank=True)
    request_id = serializers.CharField(allow_blank=True)
    prev_hash = serializers.CharField()
    hash = serializers.CharField()
    sentence = serializers.CharField(help_text="The event in plain words.")
    person = serializers.CharField(help_text="The actor's full name.")
    organisation = serializers.CharField(allow_blank=True)
    history_url = serializers.CharField(allow_null=True)

    def to_representation(self, event: AuditEvent) -> dict:
        return {
            **event.as_record(),
            "sentence": sentences.sentence(event.verb, event.changes),
            "person": sentences.person(event),
            "organisation": event.organisation.name if event.organisation_id else "",
            "history_url": links.history_url(event.target_type, event.target_id),
        }


FILTER_PARAMETERS = [
    OpenApiParameter("organisation", int, description="Organisation id"),
    OpenApiParameter("person", int, description="The actor's user id"),
    OpenApiParameter("kind", str, description="A verb, or area:<area> for every verb of one"),
    OpenApiParameter("subject", str, description="Kind of record, e.g. decisions.proposal"),
    OpenApiParameter("record", str, description="The record's id (with subject)"),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="From this UK date"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="To this UK date, inclusive"),
    OpenApiParameter("q", str, description="Text in the record's name or the reason"),
]


def _filtered(request):
    form, events = explorer.filtered_events(request.user, request.query_params)
    if not form.is_valid():
        raise serializers.ValidationError(
            {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        )
    return form, events


@extend_schema(tags=["audit"], parameters=FILTER_PARAMETERS)
class AuditEventList(generics.ListAPIView):
    serializer_class = AuditEventSerializer
    permission_classes = [permissions.IsAuthenticated, ReadsWholeTrail]
    pagination_class = EventCursor

    def get_queryset(self):
        return _filtered(self.request)[1]


class AuditExport(APIView):
    permission_classes = [permissions.IsAuthenticated, ReadsWholeTrail]
    kind = "jsonl"

    @extend_schema(
        tags=["audit"],
        parameters=FILTER_PARAMETERS,
        responses={
            (200, "application/jsonl"): OpenApiResponse(OpenApiTypes.STR),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
        },
    )
    def get(self, request):
        form, events = _filtered(request)
        return exports.streamed(request.user, events, form.active, self.kind)


class VerificationSerializer(serializers.Serializer):
    status = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    events_checked = serializers.IntegerField(allow_null=True)
    checkpoints_matched = serializers.IntegerField(allow_null=True)
    signatures_checked = serializers.IntegerField(allow_null=True)
    ok = serializers.BooleanField(allow_null=True)
    problem = serializers.CharField(allow_blank=True)
    broken_seq = serializers.IntegerField(allow_null=True)
    started_by = serializers.CharField(allow_blank=True)


class VerificationStatusSerializer(serializers.Serializer):
    available = serializers.BooleanField(help_text="Whether verification jobs can be started.")
    latest = VerificationSerializer(allow_null=True)


class AuditVerify(APIView):
    permission_classes = [permissions.IsAuthenticated, ReadsWholeTrail]

    def _body(self) -> dict:
        latest = verification.latest()
        return VerificationStatusSerializer(
            {"available": verification.available(), "latest": latest}
        ).data

    @extend_schema(tags=["audit"], responses={200: VerificationStatusSerializer})
    def get(self, request):
        return Response(self._body())

    @extend_schema(
        tags=["audit"],
        request=None,
        responses={202: VerificationStatusSerializer, 503: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    def post(self, request):
        if not verification.available():
            return Response(
                {"detail": "Verification in the background is not available yet."},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        verification.start(actor=request.user)
        return Response(self._body(), status=status.HTTP_202_ACCEPTED)
