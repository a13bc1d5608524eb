"""Read-only API for committees, meetings (with agenda), the pack a caller may see, and
actions. Open to anonymous callers, who get the public view (as on the portal)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, renderers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.downloads import PDF, PDFRenderer, pdf_response
from governance.api.serializers import ErrorSerializer
from governance.audit.reads import record_read
from governance.meetings import selectors
from governance.meetings.api import filters, serializers
from governance.meetings.models import PackVariant
from governance.meetings.services import packs


class CommitteeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CommitteeSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = filters.CommitteeFilter
    ordering_fields = ["name", "kind", "created_at"]

    def get_queryset(self):
        return selectors.with_current_members(
            selectors.committees_visible_to(self.request.user).order_by("name")
        )


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    filterset_class = filters.MeetingFilter
    ordering_fields = ["start"]

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.MeetingSerializer
        return serializers.MeetingDetailSerializer

    def get_queryset(self):
        return selectors.meetings_visible_to(self.request.user).order_by("-start")

    @extend_schema(responses=serializers.PackSerializer)
    @action(detail=True, methods=["get"])
    def pack(self, request, pk=None):
        """The newest pack the caller may see: the members' pack for committee members,
        the secretariat and auditors; otherwise the public pack once it is published."""
        meeting = self.get_object()
        version = selectors.pack_visible_to(request.user, meeting)
        if version is None:
            raise Http404("No pack is available to you for this meeting.")
        return Response(serializers.PackSerializer(version).data)

    @extend_schema(request=None, responses={202: serializers.JobSerializer(many=True)})
    @action(
        detail=True,
        methods=["post"],
        url_path="generate-packs",
        permission_classes=[permissions.IsAuthenticated],
        pagination_class=None,
    )
    def generate_packs(self, request, pk=None):
        """Queue the members' and public packs (only those out of date); poll each job's
        ``status_url`` for progress and the result."""
        meeting = self.get_object()
        jobs = packs.packs_generate(actor=request.user, meeting=meeting)
        return Response(serializers.JobSerializer(jobs, many=True).data, status=202)


class ActionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ActionSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = filters.ActionFilter
    ordering_fields = ["due_date", "reference", "created_at"]

    def get_queryset(self):
        return selectors.actions_visible_to(self.request.user).order_by("due_date", "reference")


class PackDownloadApi(APIView):
    """A pack version's PDF (``download_url`` of a members' pack): to those who see the
    meeting's private business; the public pack to everyone once published. 404 else."""

    permission_classes = [permissions.AllowAny]
    renderer_classes = [renderers.JSONRenderer, PDFRenderer]

    @extend_schema(
        summary="A meeting pack's PDF",
        responses={(200, "application/pdf"): PDF, 404: ErrorSerializer},
        tags=["meetings"],
    )
    def get(self, request, pk: int):
        version = selectors.pack_version_for(request.user, pk)
        if version is None:
            raise Http404("No such pack.")
        meeting = version.meeting
        try:
            handle = version.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("The pack file is missing.") from exc
        if version.variant == PackVariant.MEMBERS:
            record_read(user=request.user, target=version, how="api", request=request)
        day = selectors.meeting_date(meeting)
        name = f"{meeting.committee.name}-{day:%Y-%m-%d}-{version.variant}-v{version.number}.pdf"
        return pdf_response(handle, name.replace(" ", "-"))
